import { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Gauge } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { type OpsServer, parseListenAddress, startOpsServer } from '../../../src/http/index.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { probe } from '../../helpers/http-probe.js';
import { until } from '../../helpers/until.js';

/** An ops server on a free loopback port, always ready, with no sources; `extra` overrides. */
function startIdle(extra: Partial<Parameters<typeof startOpsServer>[0]> = {}): Promise<OpsServer> {
  return startOpsServer({
    listen: { host: '127.0.0.1', port: 0 },
    metrics: createMetrics(),
    logger: silentLogger(),
    ready: () => true,
    sources: () => [],
    ...extra,
  });
}

/** A keep-alive connection that asks one request at a time and reads each whole answer. */
function keptAlive(port: number): Promise<{ request(path: string): Promise<string>; closed(): boolean }> {
  const socket = connect(port, '127.0.0.1');
  let closed = false;
  let text = '';
  let answered: (() => void) | null = null;
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
  });
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    const head = text.indexOf('\r\n\r\n');
    const length = /\r\ncontent-length: (\d+)/i.exec(text);
    const whole = length ? text.length >= head + 4 + Number(length[1]) : text.endsWith('\r\n0\r\n\r\n');
    if (head >= 0 && whole) answered?.();
  });
  const connection = {
    request(path: string) {
      text = '';
      return new Promise<string>((resolve) => {
        answered = () => resolve(text);
        socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      });
    },
    closed: () => closed,
  };
  return new Promise((resolve) =>
    socket.on('connect', () => void connection.request('/healthz').then(() => resolve(connection))),
  );
}

let server: OpsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('ops server', () => {
  it('/readyz follows the sources and says 503 once stopping; /healthz stays 200; unknown paths 404', async () => {
    let ready = false;
    const metrics = createMetrics();
    metrics.sourceUp.labels('tetragon-grpc').set(0);
    server = await startOpsServer({
      listen: { host: '127.0.0.1', port: 0 },
      metrics,
      logger: silentLogger(),
      ready: () => ready,
      sources: () => [{ id: 'tetragon-grpc unix:///run/t.sock', type: 'tetragon-grpc', up: ready }],
    });
    const base = `http://127.0.0.1:${server.address.port}`;
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({
      ready: false,
      sources: [{ type: 'tetragon-grpc', up: false }],
      reason: 'not connected: tetragon-grpc unix:///run/t.sock',
    });
    ready = true;
    const nowReady = await fetch(`${base}/readyz`);
    expect(nowReady.status).toBe(200);
    expect(await nowReady.json()).not.toHaveProperty('reason');
    const m = await fetch(`${base}/metrics`);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await m.text()).toContain('exfilwatch_source_up{source="tetragon-grpc"} 0');
    server.markStopping();
    const stopping = await fetch(`${base}/readyz`);
    expect(stopping.status).toBe(503);
    expect(await stopping.json()).toMatchObject({ ready: false, stopping: true, reason: 'stopping' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it("/readyz's reason says each down source's own error, cut short; a source without one is named alone", async () => {
    const long = `cannot connect: ${'x'.repeat(1000)}`;
    server = await startIdle({
      ready: () => false,
      sources: () => [
        { id: 'tetragon-file /var/run/t.log', type: 'tetragon-file', up: false, detail: '/var/run/t.log: ENOENT' },
        { id: 'tetragon-grpc 127.0.0.1:54321', type: 'tetragon-grpc', up: false, detail: long },
        { id: 'falco-grpc unix:///run/f.sock', type: 'falco-grpc', up: false },
        { id: 'falco-http 127.0.0.1:2801', type: 'falco-http', up: true },
      ],
    });
    const res = await fetch(`http://127.0.0.1:${server.address.port}/readyz`);
    const { reason } = (await res.json()) as { reason: string };
    expect(reason).toMatch(
      /^not connected: tetragon-file \/var\/run\/t\.log \(\/var\/run\/t\.log: ENOENT\), tetragon-grpc 127\.0\.0\.1:54321 \(cannot connect: x+…\), falco-grpc unix:\/\/\/run\/f\.sock$/,
    );
    expect(reason.length).toBeLessThan(400);
  });

  it("/readyz's reason cuts a down source's error between characters, not inside one (an emoji in a path)", async () => {
    // The cut falls between the two UTF-16 halves of the emoji: half of it is no character at all.
    const detail = `${'a'.repeat(198)}\u{1F4C1}/export.log: EACCES`;
    server = await startIdle({
      ready: () => false,
      sources: () => [{ id: 'tetragon-file /x', type: 'tetragon-file', up: false, detail }],
    });
    const { reason } = (await (await fetch(`http://127.0.0.1:${server.address.port}/readyz`)).json()) as {
      reason: string;
    };
    expect(reason).toMatch(/\(a{198}…\)$/);
    expect(reason).not.toMatch(/[\uD800-\uDFFF]/);
  });

  it('/healthz fails after the event loop stalled', async () => {
    server = await startIdle({ maxEventLoopStallMs: 100 });
    const base = `http://127.0.0.1:${server.address.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const until = performance.now() + 300; // monotonic: a wall-clock step must not cut the stall short
    while (performance.now() < until) {
      // busy: the event loop is blocked
    }
    await new Promise((r) => setTimeout(r, 50));
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { eventLoopMaxDelayMs: number }).eventLoopMaxDelayMs).toBeGreaterThanOrEqual(100);
  });

  it('parses HOST:PORT and [IPv6]:PORT, and names the key otherwise', () => {
    expect(parseListenAddress('0.0.0.0:9464', 'k')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parseListenAddress('[::]:0', 'k')).toEqual({ host: '::', port: 0 });
    expect(() => parseListenAddress('9464', 'metrics.listen')).toThrow(ConfigError);
    expect(() => parseListenAddress('host:99999', '--metrics-addr')).toThrow(/^--metrics-addr: /);
  });

  it('a port in use is a clear error: what holds it, and the flag and key that move /metrics', async () => {
    server = await startIdle();
    const at = `127.0.0.1:${server.address.port}`;
    // Node's own "listen EADDRINUSE: address already in use" told a user neither, where the receiver's said both.
    await expect(startIdle({ listen: { host: '127.0.0.1', port: server.address.port } })).rejects.toThrow(
      `cannot listen on ${at} for /metrics: EADDRINUSE: address in use: another process already listens on ${at} ` +
        '(a running exfilwatch daemon?); stop it, or give --metrics-addr (metrics.listen) another port',
    );
  });

  it('bounds clients that never finish a request: at most 256 held, each closed within seconds', async () => {
    // node:http's defaults held every one of them for 60 s (15,000 took ~90 MB of the daemon's memory).
    server = await startIdle();
    const port = server.address.port;
    const open = new Set<Socket>();
    const closedAt = new Map<Socket, number>();
    const startedAt = Date.now();
    for (let i = 0; i < 600; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.on('connect', () => s.write('GET /metrics HTTP/1.1\r\nHost: x\r\n')); // the head never ends
      s.resume(); // read the 408 and the server's FIN, or 'close' never comes
      s.on('close', () => {
        open.delete(s);
        closedAt.set(s, Date.now());
      });
      open.add(s);
    }
    await until(() => open.size <= 256, 5000, 'connections over the limit closed');
    await new Promise((r) => setTimeout(r, 500));
    expect(open.size).toBeGreaterThan(0);
    expect(open.size).toBeLessThanOrEqual(256);
    // The rest are answered 408 and closed once the head is overdue (5 s, checked every second).
    await until(() => open.size === 0, 9000, 'slow clients timed out');
    expect(Math.max(...closedAt.values()) - startedAt).toBeLessThan(9000);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 20_000);

  it("one client holding all 256 connections idle does not keep the kubelet's probes out", async () => {
    // net.Server's maxConnections closed every new connection instead: liveness failed, the pod was restarted.
    const metrics = createMetrics();
    server = await startIdle({ metrics });
    const port = server.address.port;
    const pool = await Promise.all(Array.from({ length: 256 }, () => keptAlive(port)));
    expect(pool.every((c) => !c.closed())).toBe(true);
    await pool[0]!.request('/healthz'); // the first is the freshest now: the second has idled longest
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(await probe(port, path)).toBe(200);
    // The probe took the slot of the connection idle longest; closing, it gave the slot back.
    await until(() => pool[1]!.closed(), 2000, 'the longest-idle connection closed');
    expect(pool.filter((c) => c.closed()).length).toBe(1);
    // Full again: the next probe closes the next longest idle (the third), not one used since.
    pool.push(await keptAlive(port));
    expect(await probe(port)).toBe(200);
    await until(() => pool[2]!.closed(), 2000, 'the next longest-idle connection closed');
    expect(pool.map((c, i) => (c.closed() ? i : -1)).filter((i) => i >= 0)).toEqual([1, 2]);
    expect((await metrics.opsConnectionsClosed.get()).values).toEqual([{ value: 2, labels: { reason: 'evicted' } }]);
    expect(await pool[4]!.request('/healthz')).toMatch(/^HTTP\/1\.1 200 /);
  }, 20_000);

  it('a connection whose client stopped reading its answers gives its slot up once stalled, not before', async () => {
    const metrics = createMetrics();
    // A /metrics answer of ~4 MB, cheap to build (a long help text): 8 unread ones (the most one connection
    // may have in progress) are far more than the socket buffers on both sides hold, and building them does
    // not stall the event loop.
    new Gauge({ name: 'padding', help: 'x'.repeat(1 << 22), registers: [metrics.registry] }).set(1);
    server = await startIdle({ metrics, maxConnections: 2 });
    const port = server.address.port;
    const stalled = Array.from({ length: 2 }, () => connect(port, '127.0.0.1'));
    await Promise.all(
      stalled.map(
        (s) =>
          new Promise<void>((answering) => {
            s.on('error', () => undefined);
            s.on('connect', () => s.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(8)));
            // The first bytes of the first answer: all 8 requests are in; from here on it never reads.
            s.once('data', () => {
              s.pause();
              answering();
            });
          }),
      ),
    );
    // Answers to them are still being written: they are busy, so the newcomer is the one refused.
    expect(await probe(port)).toBe('closed');
    expect(stalled.every((s) => !s.destroyed)).toBe(true);
    // Stuck for the headers timeout (5 s): the probe gets the slot of one of them.
    await until(async () => (await probe(port)) === 200, 9000, 'a probe served');
    for (const s of stalled) s.destroy();
    const closed = (await metrics.opsConnectionsClosed.get()).values;
    expect(closed.find((v) => v.labels.reason === 'evicted')?.value).toBe(1);
    expect(closed.find((v) => v.labels.reason === 'refused')?.value).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it('a server error once listening (an accept failing) is logged; the endpoints and the heartbeat go on', async () => {
    // The listen-time handler stayed: it stopped the heartbeat (so /healthz failed for good), and a second
    // error found no handler and ended the process.
    let listening: Server | null = null;
    const listen = vi.spyOn(Server.prototype, 'listen').mockImplementation(function (this: Server, ...args) {
      listening = this;
      listen.mockRestore();
      return this.listen(...(args as Parameters<Server['listen']>));
    });
    server = await startIdle({ maxEventLoopStallMs: 300 });
    expect(listening).not.toBeNull();
    const accept = Object.assign(new Error('accept ENFILE'), { code: 'ENFILE' });
    expect(() => listening!.emit('error', accept)).not.toThrow();
    expect(() => listening!.emit('error', accept)).not.toThrow();
    await new Promise((r) => setTimeout(r, 600)); // past maxEventLoopStallMs: a stopped heartbeat would show
    expect((await fetch(`http://127.0.0.1:${server.address.port}/healthz`)).status).toBe(200);
  });
});
