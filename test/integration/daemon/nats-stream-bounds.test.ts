/**
 * The stream settings the schema accepts are the ones JetStream accepts (real nats-server). A retention
 * past int64 nanoseconds ("keep forever" as a huge number) failed every stream creation with "invalid
 * json", and a de-duplication window longer than the retention (maxAgeMs at its old minimum of one minute,
 * with the default 10-minute window) with "duplicates window can not be larger then max age": check-config
 * said ok, and every alert stayed spooled for good. Both are now config errors naming the key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configProblems } from '../../../src/config/load.js';
import { createNatsSink, natsSinkConfigSchema } from '../../../src/sinks/nats/index.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { startNatsServer } from '../../helpers/nats-server.js';
import { until } from '../../helpers/until.js';
import { makeAlert } from '../../unit/sinks/make-alert.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const MAX_MS = 9_223_372_036_854;
const nats = (stream: Record<string, unknown>) => ({ sinks: { nats: { servers: ['nats://n:4222'], stream } } });

describe('NATS stream settings', () => {
  it('beyond what JetStream takes are config errors naming the key', () => {
    expect(configProblems(nats({ maxAgeMs: MAX_MS + 1 })).map((p) => p.keyPath)).toEqual([
      'sinks.nats.stream.maxAgeMs',
    ]);
    const longWindow = configProblems(nats({ maxAgeMs: 300_000, duplicateWindowMs: 600_000 }));
    expect(longWindow).toEqual([
      {
        keyPath: 'sinks.nats.stream.duplicateWindowMs',
        message:
          'must not exceed stream.maxAgeMs (300000): JetStream refuses a de-duplication window longer than the retention (got 600000)',
      },
    ]);
    expect(configProblems(nats({ maxAgeMs: 60_000 }))[0]?.keyPath).toBe('sinks.nats.stream.maxAgeMs');
  });

  it.each([
    ['the longest retention and window', { maxAgeMs: MAX_MS, duplicateWindowMs: MAX_MS }],
    ['the shortest retention and window', { maxAgeMs: 120_000, duplicateWindowMs: 120_000 }],
  ])('at the bounds (%s) create the stream and deliver', async (_what, stream) => {
    expect(configProblems(nats(stream))).toEqual([]);
    const server = await startNatsServer();
    cleanups.push(() => server.dispose());
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = natsSinkConfigSchema.parse({
      servers: [server.url],
      reconnectTimeWaitMs: 100,
      ackTimeoutMs: 1000,
      stream,
      spool: { dir },
    });
    const sink = createNatsSink(config, {
      logger: silentLogger(),
      metrics: createMetrics(),
      clock: { now: () => Date.now() },
      node: 'node-a',
    });
    await sink.start();
    cleanups.push(() => sink.close());
    expect((await sink.send(makeAlert(1))).status).toBe('ok');
    await until(() => sink.status().spooled === 0, 10_000, 'the alert acked');
    expect(sink.status().mode).toBe('jetstream');
  });
});
