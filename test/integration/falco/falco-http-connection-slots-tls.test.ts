/**
 * maxConnections over TLS (src/http/connection-slots.ts): the slot is taken by the TCP socket at accept and
 * linked to the TLS socket at 'secureConnection'; requests arrive on the TLS socket. Idle TLS keep-alive
 * connections and TCP connections that never finish the handshake fill the slots: newcomers must displace
 * them (closed cleanly, their slots given back), never a TLS request in progress.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../../src/sources/falco-http/index.js';
import { execAlert } from '../../fixtures/falco/events.js';
import { until } from '../../helpers/until.js';
import { runSource } from './harness.js';

const TLS_FIXTURES = new URL('../../fixtures/falco/tls/', import.meta.url).pathname;
const ca = readFileSync(join(TLS_FIXTURES, 'ca.crt'));
const MAX_CONNECTIONS = 6;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tlsReceiver(fastPath: boolean) {
  const cfg = falcoHttpConfigSchema.parse({
    listen: '127.0.0.1:0',
    maxConnections: MAX_CONNECTIONS,
    fastPath,
    tls: { certFile: join(TLS_FIXTURES, 'server.crt'), keyFile: join(TLS_FIXTURES, 'server.key') },
  });
  const h = runSource((d) => createFalcoHttpSource(cfg, d));
  cleanups.push(() => h.stop());
  const { port } = await (h.source as ReturnType<typeof createFalcoHttpSource>).listening;
  return { h, port };
}

/** A client connection and what it saw: the server's bytes, a clean end (FIN), an error, its close. */
interface Held {
  socket: net.Socket;
  read(): string;
  ended(): boolean;
  errored(): string | null;
  closed(): boolean;
}

function watch(socket: net.Socket): Held {
  let got = '';
  let ended = false;
  let closed = false;
  let error: string | null = null;
  socket.on('data', (d: Buffer) => {
    got += d.toString('latin1');
  });
  socket.on('end', () => {
    ended = true;
  });
  socket.on('error', (err: NodeJS.ErrnoException) => {
    error = err.code ?? err.message;
  });
  socket.on('close', () => {
    closed = true;
  });
  cleanups.push(() => void socket.destroy());
  return { socket, read: () => got, ended: () => ended, errored: () => error, closed: () => closed };
}

/** A TLS connection, handshake done; then `text` (possibly nothing) and never the rest of its request. */
async function tlsHolder(port: number, text = ''): Promise<Held> {
  const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca });
  const held = watch(socket);
  await new Promise((r) => socket.once('secureConnect', r));
  if (text) socket.write(text);
  return held;
}

/** A TCP connection that never finishes the TLS handshake: silent, or a ClientHello cut short. */
async function handshakeHolder(port: number, partialHello: boolean): Promise<Held> {
  const socket = net.connect(port, '127.0.0.1');
  const held = watch(socket);
  await new Promise((r) => socket.once('connect', r));
  // A handshake record header announcing 512 bytes, then only a few of them.
  if (partialHello) socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]));
  return held;
}

/** POSTs over one keep-alive TLS connection (Falco's http_output): statuses and the local port of each. */
async function tlsPosts(port: number, n: number): Promise<Array<{ status: number; localPort: number }>> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca });
  cleanups.push(() => agent.destroy());
  const results: Array<{ status: number; localPort: number }> = [];
  for (let i = 0; i < n; i++) {
    results.push(
      await new Promise((resolve, reject) => {
        const req = https.request(
          {
            host: '127.0.0.1',
            port,
            servername: 'localhost',
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            const localPort = res.socket.localPort ?? 0; // the socket goes back to the agent at 'end'
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, localPort }));
          },
        );
        req.on('error', reject);
        req.end(execAlert());
      }),
    );
  }
  return results;
}

const gone = (c: Held) => c.closed();

describe.each([true, false])('falco-http connection slots over TLS (fastPath %s)', (fastPath) => {
  it('idle TLS connections and unfinished handshakes are displaced cleanly, their slots given back; a TLS request in progress is not', async () => {
    const { h, port } = await tlsReceiver(fastPath);
    const closed = (reason: string) =>
      h.metric('exfilwatch_receiver_connections_closed_total', { source: 'falco-http', reason });
    const body = execAlert();
    // The oldest: a TLS request in progress (head in, body awaited).
    const inProgress = await tlsHolder(
      port,
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    await new Promise((r) => setTimeout(r, 50)); // its head is parsed before the others connect
    const idleTls: Held[] = [];
    for (let i = 0; i < 3; i++) idleTls.push(await tlsHolder(port));
    const handshaking = [await handshakeHolder(port, false), await handshakeHolder(port, true)];
    const displaceable = [...idleTls, ...handshaking]; // oldest first
    await new Promise((r) => setTimeout(r, 50));
    expect([inProgress, ...displaceable].some(gone)).toBe(false);

    // A Falco-like TLS client: every POST in, on one keep-alive connection; it displaced the oldest idle one.
    const first = await tlsPosts(port, 5);
    expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(first.map((r) => r.localPort)).size).toBe(1);
    await h.waitFor(5);
    await until(() => gone(idleTls[0]!), 2000, 'the longest-idle TLS connection closed');
    expect(displaceable.slice(1).some(gone)).toBe(false);
    expect(await closed('evicted')).toBe(1);

    // Four more newcomers displace the rest, oldest first: the idle TLS ones, then the unfinished handshakes.
    for (let i = 1; i < displaceable.length; i++) {
      const r = await tlsPosts(port, 1);
      expect(r[0]!.status).toBe(200);
      await until(() => gone(displaceable[i]!), 2000, `displaced connection ${i} closed`);
      expect(displaceable.slice(i + 1).some(gone)).toBe(false);
    }
    await h.waitFor(5 + displaceable.length - 1);
    expect(await closed('evicted')).toBe(displaceable.length);
    // Closed cleanly: each saw the server's FIN (not a reset) and no TLS or socket error.
    expect(displaceable.map((c) => [c.ended(), c.errored()])).toEqual(displaceable.map(() => [true, null]));

    // The TLS request in progress, the oldest connection, was never cut: its body completes and is ingested.
    expect(gone(inProgress)).toBe(false);
    inProgress.socket.write(body);
    await until(() => /^HTTP\/1\.1 200 /.test(inProgress.read()), 2000, 'the TLS request in progress answered');
    await h.waitFor(5 + displaceable.length);
    expect(await closed('refused')).toBe(0);

    // Every slot comes back once its connection is gone: close them all (the agents too), then the limit
    // holds maxConnections new ones again without displacing anyone, and only the next one displaces.
    for (const c of cleanups.splice(1)) await c(); // all but the receiver's stop
    await new Promise((r) => setTimeout(r, 200)); // the server sees each close
    const evictedBefore = await closed('evicted');
    const again: Held[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) again.push(await tlsHolder(port));
    await new Promise((r) => setTimeout(r, 100));
    expect(again.some(gone)).toBe(false);
    expect(await closed('evicted')).toBe(evictedBefore);
    const extra = await tlsPosts(port, 1);
    expect(extra[0]!.status).toBe(200);
    await until(() => gone(again[0]!), 2000, 'the oldest of the new idle connections displaced');
    expect(await closed('evicted')).toBe(evictedBefore + 1);
    expect(await closed('refused')).toBe(0);
  });
});
