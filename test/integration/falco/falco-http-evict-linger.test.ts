/**
 * An idle keep-alive connection evicted at maxConnections is half-closed and read a while longer
 * (src/http/connection-slots.ts, `linger`): destroyed outright, a POST its client had just written on it was
 * reset unread, and Go's net/http (falcosidekick) does not resend a POST on a reused connection: the alert
 * was lost. Real sockets; the server's event loop is held so the newcomer's accept and the POST arrive together.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { execAlert } from '../../fixtures/falco/events.js';
import { until } from '../../helpers/until.js';
import { startFalcoReceiver } from './harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const receiver = (config: Record<string, unknown> = {}) => startFalcoReceiver(cleanups, config);

const TLS_FIXTURES = new URL('../../fixtures/falco/tls/', import.meta.url).pathname;
const ca = readFileSync(join(TLS_FIXTURES, 'ca.crt'));
const tlsConfig = { certFile: join(TLS_FIXTURES, 'server.crt'), keyFile: join(TLS_FIXTURES, 'server.key') };

/** A client that does not close its side when the server closes its own (as a pooled connection's may not yet). */
async function client(port: number, secure = false): Promise<{ socket: net.Socket; read(): string }> {
  const tcp = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const socket = secure ? tls.connect({ socket: tcp, servername: 'localhost', ca }) : tcp;
  let got = '';
  socket.on('error', () => undefined);
  socket.on('data', (d: Buffer) => {
    got += d.toString('latin1');
  });
  cleanups.push(() => void socket.destroy());
  await new Promise((r) => socket.once(secure ? 'secureConnect' : 'connect', r));
  return { socket, read: () => got };
}

const post = (body: string) =>
  `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** Holds this thread's event loop while `during` runs and for `ms` after, so what it sends arrives at once. */
const holdLoop = (ms: number, during: () => void) =>
  new Promise<void>((resolve) =>
    setImmediate(() => {
      during();
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // held: the kernel completes connections and takes writes meanwhile
      }
      resolve();
    }),
  );

const serverSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

describe.each([true, false])('falco-http eviction lingers (fastPath %s)', (fastPath) => {
  it.each([false, true])(
    'a POST written on an idle connection (tls %s) as a newcomer evicts it is still ingested',
    async (secure) => {
      const { h, port } = await receiver({ maxConnections: 2, fastPath, ...(secure ? { tls: tlsConfig } : {}) });
      const falco = await client(port, secure);
      falco.socket.write(post(execAlert()));
      await until(() => /^HTTP\/1\.1 200 /.test(falco.read()), 2000, 'the first POST answered');
      await h.waitFor(1);
      await client(port, secure); // newer than Falco's last request: Falco's idle connection is the one evicted
      const newcomer = new Worker(
        `const { parentPort } = require('node:worker_threads');
       parentPort.once('message', (port) => require('node:net').connect(port, '127.0.0.1').on('error', () => {}));`,
        { eval: true },
      );
      cleanups.push(() => newcomer.terminate().then(() => undefined));
      await new Promise((r) => newcomer.once('online', r));
      // The newcomer's connection completes first, then the POST lands on Falco's idle connection: the server
      // sees both in one poll, the accept first, so Falco's connection is evicted with the POST unread.
      await holdLoop(300, () => newcomer.postMessage(port));
      await holdLoop(300, () => falco.socket.write(post(execAlert())));
      const evicted = () =>
        h.metric('exfilwatch_receiver_connections_closed_total', { source: 'falco-http', reason: 'evicted' });
      await until(async () => (await evicted()) === 1, 2000, "Falco's connection evicted");
      await until(() => falco.socket.readableEnded, 2000, "Falco's connection half-closed (FIN), not another's");
      await h.waitFor(2); // the POST on the evicted connection was read and ingested, not reset
      expect(await h.metric('exfilwatch_receiver_requests_total', { source: 'falco-http', code: '200' })).toBe(2);
    },
  );

  it('a flood of newcomers leaves at most maxConnections / 4 evicted connections lingering', async () => {
    const max = 8;
    const { h, port } = await receiver({ maxConnections: max, fastPath });
    await new Promise((r) => setTimeout(r, 100)); // an earlier test's sockets, destroyed, are released by now
    const before = serverSockets();
    const clients = 40;
    for (let i = 0; i < clients; i++) await client(port);
    await until(
      async () =>
        (await h.metric('exfilwatch_receiver_connections_closed_total', {
          source: 'falco-http',
          reason: 'evicted',
        })) ===
        clients - max,
      2000,
      'every connection past the limit evicted one',
    );
    await new Promise((r) => setTimeout(r, 50)); // destroyed sockets' handles are released a turn later
    // The clients keep their sockets (half-open); the rest are the server's: its slots plus the lingering.
    expect(serverSockets() - before - clients).toBeLessThanOrEqual(max + max / 4);
  });
});
