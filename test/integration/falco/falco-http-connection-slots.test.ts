import { spawn } from 'node:child_process';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createFalcoHttpPoster } from '../../../src/sensors-sim/falco-http-poster.js';
import { execAlert } from '../../fixtures/falco/events.js';
import { until } from '../../helpers/until.js';
import { startFalcoReceiver } from './harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const receiver = (config: Record<string, unknown> = {}) => startFalcoReceiver(cleanups, config);

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

  it("Falco's idle keep-alive connection evicted between alerts: libcurl (curl) reconnects and every POST gets in", async () => {
    // Falco idle between alerts while other clients fill maxConnections: its connection is the one longest
    // without a request, so it goes. libcurl sees the closed connection before reusing it (or retries a request
    // sent on it with no answer begun) and opens a new one, which displaces the oldest other connection.
    const { h, port } = await receiver({ maxConnections: 4, fastPath });
    const url = `http://127.0.0.1:${port}/`;
    // --rate: one POST a second on curl's one keep-alive connection, like Falco's http_output worker.
    const args = ['-s', '--rate', '1/s', '-H', 'content-type: application/json', '--data-binary', execAlert()];
    for (let i = 0; i < 3; i++) args.push('-o', '/dev/null', '-w', '%{http_code} %{num_connects}\\n', url);
    const curl = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    curl.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => curl.on('close', resolve));
    cleanups.push(() => void curl.kill());
    await h.waitFor(1);
    // Newer than curl's last request: at the fourth, curl's idle connection is the one displaced.
    for (let i = 0; i < 4; i++) await holder(port, '');
    const closed = (reason: string) =>
      h.metric('exfilwatch_receiver_connections_closed_total', { source: 'falco-http', reason });
    await until(async () => (await closed('evicted')) === 1, 2000, "curl's idle connection evicted");
    expect(await h.metric('exfilwatch_receiver_requests_total', { source: 'falco-http', code: '200' })).toBe(1);

    expect(await exited).toBe(0);
    // The second POST needed a new connection (one connect), the third reused it; all three answered 200.
    expect(stdout.trim().split('\n')).toEqual(['200 1', '200 1', '200 0']);
    await h.waitFor(3);
    expect(await closed('evicted')).toBe(2); // curl's, then the oldest holder for curl's new connection
    expect(await closed('refused')).toBe(0);
  }, 15_000);

  it('a connection closed by a timeout but not yet gone frees its slot: a newcomer then displaces no one', async () => {
    // A socket destroyed (here: its head timed out) stays counted until its 'close', a phase later. A newcomer
    // accepted in between displaced a live connection, Falco's, though a slot had just been freed.
    const { h, port } = await receiver({ maxConnections: 2, fastPath, requestTimeoutMs: 1000 });
    const falco = createFalcoHttpPoster({ url: `http://127.0.0.1:${port}/` });
    cleanups.push(() => falco.close());
    const first = await falco.post(execAlert());
    expect(first.status).toBe(200);
    const timingOut = await holder(port, 'POST / HTTP/1.1\r\nHost: x\r\n'); // newer than Falco's last request
    // The newcomer connects from another thread while this one's event loop is held past the head's deadline,
    // so the timeout and the newcomer's accept come in one turn of it.
    const newcomer = new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.once('message', (port) => require('node:net').connect(port, '127.0.0.1').on('error', () => {}));`,
      { eval: true },
    );
    cleanups.push(() => newcomer.terminate().then(() => undefined));
    await new Promise((r) => newcomer.once('online', r));
    await new Promise((r) => setTimeout(r, 800));
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        newcomer.postMessage(port);
        const heldUntil = performance.now() + 700;
        while (performance.now() < heldUntil) {
          // held: the newcomer's connection completes in the kernel meanwhile
        }
        resolve();
      }),
    );
    await until(() => timingOut.socket.destroyed || timingOut.socket.readableEnded, 2000, 'the head timed out');
    await new Promise((r) => setTimeout(r, 100));
    expect(
      await h.metric('exfilwatch_receiver_connections_closed_total', { source: 'falco-http', reason: 'evicted' }),
    ).toBe(0);
    const again = await falco.post(execAlert());
    expect(again.status).toBe(200);
    expect(again.localPort).toBe(first.localPort); // Falco's keep-alive connection was left alone
    await h.waitFor(2);
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

  it('a request answered in one read marks its connection as used: a newcomer displaces an older idle one', async () => {
    // The fast path notes a whole request (head and body in one read) in one call (requestServed), not as a
    // start and an end: the connection's "last used" must still move, or Falco's busy connection, the first
    // to connect, would be the one displaced.
    const { h, port } = await receiver({ maxConnections: 2, fastPath });
    const falcoLike = await holder(port, '');
    await new Promise((r) => setTimeout(r, 20));
    const idle = await holder(port, '');
    await new Promise((r) => setTimeout(r, 20));
    const body = execAlert();
    falcoLike.socket.write(
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await until(() => /^HTTP\/1\.1 200 /.test(falcoLike.read()), 2000, 'the POST answered');
    await h.waitFor(1);
    await holder(port, '');
    await until(() => idle.socket.destroyed || idle.socket.readableEnded, 2000, 'the idle connection closed');
    expect(falcoLike.socket.destroyed || falcoLike.socket.readableEnded).toBe(false);
    expect(
      await h.metric('exfilwatch_receiver_connections_closed_total', { source: 'falco-http', reason: 'evicted' }),
    ).toBe(1);
  });
});
