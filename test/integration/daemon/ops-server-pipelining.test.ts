import { connect } from 'node:net';
import { Gauge } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpsServer, startOpsServer } from '../../../src/http/index.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';
import { probe } from '../../helpers/http-probe.js';
import { until } from '../../helpers/until.js';

let server: OpsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function start(metrics: Metrics): Promise<OpsServer> {
  return startOpsServer({
    listen: { host: '127.0.0.1', port: 0 },
    metrics,
    logger: silentLogger(),
    ready: () => true,
    sources: () => [],
  });
}

/** Sends `count` pipelined GETs in one write; resolves with the answers once all are in, or when the server closes. */
function pipeline(port: number, path: string, count: number): Promise<{ answers: string[]; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const answers: string[] = [];
    let text = '';
    socket.on('error', () => undefined);
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(count)));
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      for (;;) {
        const head = text.indexOf('\r\n\r\n');
        const length = head < 0 ? null : /content-length: (\d+)\r\n/i.exec(text.slice(0, head + 2));
        if (!length || text.length < head + 4 + Number(length[1])) break;
        const end = head + 4 + Number(length[1]);
        answers.push(text.slice(0, end));
        text = text.slice(end);
      }
      if (answers.length === count) {
        socket.destroy();
        resolve({ answers, closedByServer: false });
      }
    });
    socket.on('close', () => resolve({ answers, closedByServer: true }));
  });
}

/** Counts registry renders (one collect() per render); each costs `busyMs` of blocked event loop, like a big registry. */
function countRenders(metrics: Metrics, busyMs: number): { renders: number } {
  const seen = { renders: 0 };
  new Gauge({
    name: 'test_renders',
    help: 'renders so far',
    registers: [metrics.registry],
    collect() {
      seen.renders++;
      this.set(seen.renders);
      const until = performance.now() + busyMs;
      while (performance.now() < until) {
        // a big registry being rendered: the event loop is blocked
      }
    },
  });
  return seen;
}

describe('ops server under pipelined /metrics requests', () => {
  it('64 pipelined /metrics on each of two connections: both closed, at most two renders each, probes stay 200', async () => {
    // Before: 128 renders at once (~1 MB each on a busy node) stalled the event loop for seconds, /healthz said 503
    // and the kubelet restarted the pod.
    const metrics = createMetrics();
    const seen = countRenders(metrics, 60); // 128 renders: ~7.7 s stalled, past /healthz's 5 s
    server = await start(metrics);
    const port = server.address.port;
    const [a, b] = await Promise.all([pipeline(port, '/metrics', 64), pipeline(port, '/metrics', 64)]);
    expect(a.closedByServer && b.closedByServer).toBe(true);
    expect(await probe(port, '/healthz')).toBe(200);
    expect(await probe(port, '/readyz')).toBe(200);
    // Each connection's burst shared two renders (the one its first request started, the one after it for
    // the rest, which arrived once that one had sampled the registry): not 128.
    expect(seen.renders).toBeLessThanOrEqual(4);
    expect(a.answers.length + b.answers.length).toBe(0); // closed before any answer was written
    const closed = (await metrics.opsConnectionsClosed.get()).values;
    expect(closed).toEqual([{ value: 2, labels: { reason: 'pipelined' } }]);
  }, 30_000);

  it('up to 8 pipelined requests are all answered in full, from one shared render each', async () => {
    const metrics = createMetrics();
    new Gauge({ name: 'padding', help: 'x'.repeat(1 << 20), registers: [metrics.registry] }).set(1);
    const seen = countRenders(metrics, 0);
    server = await start(metrics);
    const { answers, closedByServer } = await pipeline(server.address.port, '/metrics', 8);
    expect(closedByServer).toBe(false);
    expect(answers).toHaveLength(8);
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      expect(Buffer.byteLength(body, 'latin1')).toBe(Number(/content-length: (\d+)/i.exec(answer)![1]));
      expect(body).toMatch(/^test_renders [12]$/m);
    }
    expect(seen.renders).toBeLessThanOrEqual(2);
    expect((await metrics.opsConnectionsClosed.get()).values).toEqual([]);
  }, 20_000);

  it('a request arriving during a render gets the next one: no answer predates its request', async () => {
    const metrics = createMetrics();
    let value = 1;
    let renders = 0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    new Gauge({
      name: 'test_value',
      help: 'a value that changes',
      registers: [metrics.registry],
      async collect() {
        renders++;
        this.set(value);
        if (renders === 1) await held; // the first render is slow
      },
    });
    server = await start(metrics);
    const base = `http://127.0.0.1:${server.address.port}/metrics`;
    const first = fetch(base).then((r) => r.text());
    await until(() => renders === 1, 5000, 'the first render started');
    value = 2;
    const later = [fetch(base).then((r) => r.text()), fetch(base).then((r) => r.text())];
    await new Promise((r) => setTimeout(r, 200)); // both requests reach the server while the first render waits
    expect(renders).toBe(1);
    release();
    expect(await first).toMatch(/^test_value 1$/m);
    for (const text of await Promise.all(later)) expect(text).toMatch(/^test_value 2$/m);
    expect(renders).toBe(2);
  });
});
