/**
 * A sensor address where something other than a gRPC server listens (a port taken by an HTTP/1 server, a
 * unix socket of another program): the TCP/unix connect succeeds, the gRPC handshake never does. Against the
 * real daemon, each source type says so, instead of grpc-js's "Failed to connect before the deadline", which
 * sent an operator to debug a network that was fine (found by running the daemon against such a port).
 */
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, tempDir } from './helpers/daemon.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Answers every connection the way a plain HTTP/1 server answers a request it cannot parse. */
async function http1Server(listen: { port: 0; host: string } | { path: string }): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(listen, resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  );
  return server;
}

const CASES = [
  ['tetragon-grpc on TCP (ingest worker)', 'tcp', 'tetragonGrpc', {}],
  ['tetragon-grpc on TCP (main thread)', 'tcp', 'tetragonGrpc', { worker: false }],
  ['falco-grpc on a unix socket', 'unix', 'falcoGrpc', {}],
] as const;

describe('a sensor address where no gRPC server answers', () => {
  for (const [name, kind, key, extra] of CASES) {
    it(`${name}: the warning says the peer gave no gRPC answer, /readyz is 503`, async () => {
      const dir = tempDir();
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const sock = join(dir, 'other.sock');
      const server = await http1Server(kind === 'tcp' ? { port: 0, host: '127.0.0.1' } : { path: sock });
      const address = kind === 'tcp' ? `127.0.0.1:${(server.address() as { port: number }).port}` : `unix://${sock}`;
      const d = await startDaemon({
        sources: { [key]: [{ address, connectTimeoutMs: 300, ...extra }] },
        sinks: { stdout: { enabled: true } },
      });
      cleanups.push(() => d.dispose());
      const line = await d.waitForLog((l) => l.level === 40 && String(l.msg).includes(address), 10_000);
      expect(line.msg).toContain('connected, but no gRPC server answered within 300 ms');
      const ready = await fetch(`${d.base}/readyz`);
      expect(ready.status).toBe(503);
    });
  }
});
