/**
 * A NATS URL pointing at something that takes the TCP connection and never speaks NATS (NATS's HTTP
 * monitoring port 8222, another service, a proxy dropping the bytes): nats.js's connect times out with a
 * bare `TIMEOUT`. The warning says what that usually is. A real silent TCP server, a real nats.js connect.
 */
import { createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { natsSinkConfigSchema } from '../../../src/sinks/nats/config.js';
import { createNatsLink } from '../../../src/sinks/nats/link.js';
import { createLogger } from '../../../src/telemetry/logger.js';

const HINT =
  'no NATS connection was made within 300 ms: nothing answered as NATS (a firewall or NetworkPolicy dropping the ' +
  "connection, or another service on that port: NATS clients connect to 4222; 8222 is NATS's HTTP monitoring port), " +
  "or a NATS server's handshake did not finish (TLS, or a server too busy to answer)";

type LogLine = { msg: string; err?: string; hint?: string };

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback TCP server that hands each connection to `onSocket` and never closes it by itself. */
async function tcpServer(onSocket: (s: Socket) => void): Promise<{ port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  );
  return { port: (server.address() as { port: number }).port, sockets };
}

/** Starts a NATS link (300 ms connect timeout, no reconnect) on `port`; resolves with its log lines once one came. */
async function firstLogLines(port: number): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const config = natsSinkConfigSchema.parse({ servers: [`nats://127.0.0.1:${port}`], reconnectTimeWaitMs: 60_000 });
  const link = createNatsLink(
    config,
    { servers: [`127.0.0.1:${port}`], timeout: 300, reconnect: false },
    createLogger('info', sink),
    { ready: () => undefined, down: () => undefined },
  );
  cleanups.push(() => link.close());
  link.start();
  const deadline = Date.now() + 5_000;
  while (lines.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return lines;
}

it('a first connection that times out is warned about with what it usually is', async () => {
  const { port } = await tcpServer(() => undefined);
  const lines = await firstLogLines(port);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ msg: 'NATS unreachable; alerts are spooled until it is back', err: 'TIMEOUT' });
  expect(lines[0]?.hint).toBe(HINT);
});

// nats.js times out the same way when a NATS server sent its INFO and the handshake after it never finished (a
// TLS handshake, a PONG that does not come): the hint must not say that nothing answered.
it('a NATS server that sent its INFO and then stalled gets the same hint, which does not say nothing answered', async () => {
  const info = { server_id: 'stalled', version: '2.10.0', host: '0.0.0.0', port: 4222, max_payload: 1048576, proto: 1 };
  const { port, sockets } = await tcpServer((s) => s.write(`INFO ${JSON.stringify(info)}\r\n`));
  const lines = await firstLogLines(port);
  expect(sockets.size).toBe(1);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ err: 'TIMEOUT', hint: HINT });
  expect(lines[0]?.hint).toContain("a NATS server's handshake did not finish");
});

it('a refused connection is not given that hint: the port is plainly closed', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const lines = await firstLogLines(port);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ err: 'CONNECTION_REFUSED' });
  expect(lines[0]?.hint).toBeUndefined();
});
