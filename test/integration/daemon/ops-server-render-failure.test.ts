/**
 * A /metrics render that fails is shared by every request waiting for it (src/http/metrics-render.ts): each
 * is answered 500, and the failure is logged once per render, not once per waiting request (a scraper pool
 * or pipelined scrapes turned one broken collector into a log line per request).
 */
import { Gauge } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpsServer, startOpsServer } from '../../../src/http/index.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';

let server: OpsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** Concurrent scrapes, enough that most of them wait for a render already under way. */
const SCRAPES = 12;

describe('ops server: a failed shared /metrics render', () => {
  it('answers every waiting request 500 and logs once per failed render', async () => {
    const metrics = createMetrics();
    let renders = 0;
    new Gauge({
      name: 'test_broken_collector',
      help: 'a collector that fails after a while',
      registers: [metrics.registry],
      async collect() {
        renders++;
        await new Promise((r) => setTimeout(r, 100));
        throw new Error('collector broke');
      },
    });
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    server = await startOpsServer({
      listen: { host: '127.0.0.1', port: 0 },
      metrics,
      logger,
      ready: () => true,
      sources: () => [],
    });
    const url = `http://127.0.0.1:${server.address.port}/metrics`;
    const statuses = await Promise.all(
      Array.from({ length: SCRAPES }, async () => {
        const res = await fetch(url);
        await res.text();
        return res.status;
      }),
    );
    expect(statuses).toEqual(Array(SCRAPES).fill(500));
    // The renders were shared: one for the first request, one for all that arrived while it ran.
    expect(renders).toBeGreaterThan(0);
    expect(renders).toBeLessThan(SCRAPES);
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(renders);
    expect(errors.every((l) => String(l.err).includes('collector broke'))).toBe(true);
    // /healthz still answers.
    expect((await fetch(`http://127.0.0.1:${server.address.port}/healthz`)).status).toBe(200);
  });
});
