import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFalcoHttpPoster } from '../../../src/sensors-sim/falco-http-poster.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../../src/sources/falco-http/index.js';
import { execAlert } from '../../fixtures/falco/events.js';
import { until } from '../../helpers/until.js';
import { runSource } from './harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(config: Record<string, unknown>) {
  const cfg = falcoHttpConfigSchema.parse({ listen: '127.0.0.1:0', ...config });
  const h = runSource((d) => createFalcoHttpSource(cfg, d));
  cleanups.push(() => h.stop());
  const { port } = await (h.source as ReturnType<typeof createFalcoHttpSource>).listening;
  return { h, port };
}

/** A connection that sends `text` (possibly nothing) and never finishes its request; it keeps what it reads. */
async function holder(port: number, text: string): Promise<{ socket: net.Socket; read(): string }> {
  const socket = net.connect(port, '127.0.0.1');
  let got = '';
  socket.on('error', () => undefined);
  socket.on('data', (d: Buffer) => {
    got += d.toString('latin1');
  });
  cleanups.push(() => void socket.destroy());
  await new Promise((r) => socket.once('connect', r));
  if (text) socket.write(text);
  return { socket, read: () => got };
}

describe.each([true, false])('falco-http connection slots (fastPath %s)', (fastPath) => {
  it('sockets that never finish a request fill maxConnections; a Falco-like client still gets every POST in', async () => {
    // net.Server's maxConnections closed the newcomer: Falco's connection was refused and its events lost.
    const { h, port } = await receiver({ maxConnections: 8, fastPath });
    const body = execAlert();
    // The oldest: a request in progress (head in, body coming); it must not be cut to make room.
    const inProgress = await holder(
      port,
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    await new Promise((r) => setTimeout(r, 50)); // its head is parsed before the others connect
    const idle: Array<Awaited<ReturnType<typeof holder>>> = [];
    for (let i = 0; i < 4; i++) idle.push(await holder(port, '')); // never send anything
    for (let i = 0; i < 3; i++) idle.push(await holder(port, 'POST / HTTP/1.1\r\nHost: x\r\n')); // head never ends
    await new Promise((r) => setTimeout(r, 50));
    expect([inProgress, ...idle].every((c) => !c.socket.destroyed)).toBe(true);

    const falco = createFalcoHttpPoster({ url: `http://127.0.0.1:${port}/` });
    cleanups.push(() => falco.close());
    const results = await falco.postAll(Array.from({ length: 5 }, () => execAlert()));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.localPort)).size).toBe(1); // its keep-alive connection was kept
    await h.waitFor(5);

    // Falco's connection took the slot of the one idle longest (the first that never sent anything).
    await until(() => idle[0]!.socket.destroyed || idle[0]!.socket.readableEnded, 2000, 'the longest-idle closed');
    expect(idle.slice(1).every((c) => !c.socket.destroyed)).toBe(true);
    const closed = (reason: string) =>
      h.metric('exfilwatch_receiver_connections_closed_total', { source: 'falco-http', reason });
    expect(await closed('evicted')).toBe(1);
    expect(await closed('refused')).toBe(0);

    // The request in progress, the oldest connection, was not cut: its body completes and is ingested.
    inProgress.socket.write(body);
    await until(() => /^HTTP\/1\.1 200 /.test(inProgress.read()), 2000, 'the request in progress answered');
    await h.waitFor(6);
  });

  it('a newcomer is refused only while every connection has a request in progress (counted as code dropped)', async () => {
    const { h, port } = await receiver({ maxConnections: 2, fastPath });
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';
    const busy = [await holder(port, head), await holder(port, head)];
    await new Promise((r) => setTimeout(r, 50));
    const newcomer = await holder(port, '');
    await until(() => newcomer.socket.destroyed || newcomer.socket.readableEnded, 2000, 'the newcomer closed');
    expect(busy.every((c) => !c.socket.destroyed)).toBe(true);
    expect(
      await h.metric('exfilwatch_receiver_connections_closed_total', { source: 'falco-http', reason: 'refused' }),
    ).toBe(1);
    expect(await h.metric('exfilwatch_receiver_requests_total', { source: 'falco-http', code: 'dropped' })).toBe(1);
  });
});
