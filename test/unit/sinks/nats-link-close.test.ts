/**
 * The NATS link closed while its first connection is still being tried (a broker that takes the TCP
 * connection and never answers: the sink closes at SIGTERM before nats.js's connect timeout). That attempt
 * failing afterwards said "NATS unreachable; alerts are spooled until it is back" after the daemon's
 * "exfilwatch stopped" (seen with a silent broker when the timeout fell inside the second the stopped
 * process lingers). A real silent TCP server, a real nats.js connect with a short timeout.
 */
import { createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { natsSinkConfigSchema } from '../../../src/sinks/nats/config.js';
import { createNatsLink } from '../../../src/sinks/nats/link.js';
import { createLogger } from '../../../src/telemetry/logger.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('a connect attempt that fails after close() is not logged, and no new attempt is made', async () => {
  const sockets = new Set<Socket>();
  let connections = 0;
  const silent = createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        silent.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  );
  const port = (silent.address() as { port: number }).port;
  const lines: Array<{ msg: string }> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const config = natsSinkConfigSchema.parse({
    servers: [`nats://127.0.0.1:${port}`],
    reconnectTimeWaitMs: 10,
    reconnectJitterMs: 0,
  });
  const link = createNatsLink(
    config,
    { servers: [`127.0.0.1:${port}`], timeout: 300, reconnect: false },
    createLogger('info', sink),
    { ready: () => undefined, down: () => undefined },
  );
  link.start();
  await new Promise((r) => setTimeout(r, 100));
  expect(connections).toBe(1);
  await link.close();
  // Past the attempt's 300 ms timeout, and past where a retry 10 ms later would have connected again.
  await new Promise((r) => setTimeout(r, 600));
  expect(lines.map((l) => l.msg)).toEqual([]);
  expect(connections).toBe(1);
});
