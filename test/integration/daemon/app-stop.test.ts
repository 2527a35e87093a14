/**
 * The pipeline (createApp) with the real NATS sink and nats-server: a stop in the middle of a burst loses
 * no alert (every alert the correlator produced, including those it flushes at stop, is in JetStream or
 * in the spool, and a restart delivers the rest, once, in order); the pipeline updates the metrics.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import type { Correlator } from '../../../src/correlate/types.js';
import type { Alert } from '../../../src/model/alert.js';
import { createNatsSink, natsSinkConfigSchema } from '../../../src/sinks/nats/index.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { chunkedExecSource } from '../../helpers/exec-source.js';
import { startNatsServer } from '../../helpers/nats-server.js';
import { makeAlert } from '../../unit/sinks/make-alert.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One alert per tenth exec event; at flush, one more "pending" alert (a window closed by the stop). */
function echoCorrelator(emitted: Alert[]): Correlator {
  let n = 0;
  const next = (severity: Alert['severity']) => {
    const a = makeAlert(n++, severity);
    emitted.push(a);
    return a;
  };
  return {
    // One alert per 10 execs: alerts are much rarer than events, as in production.
    ingest: (batch) =>
      batch
        .filter((e) => e.kind === 'exec' && (e.process.pid ?? 0) % 10 === 0)
        .map(() => next(n % 5 === 0 ? 'low' : 'high')),
    advance: () => [],
    flush: () => [next('critical')],
    trackedContainers: () => 1,
  };
}

async function storedIds(nc: NatsConnection): Promise<string[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info('EXFILWATCH_ALERTS');
  const ids: string[] = [];
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
    ids.push((await jsm.streams.getMessage('EXFILWATCH_ALERTS', { seq })).header.get('Nats-Msg-Id'));
  }
  return ids;
}

describe('pipeline stop during a burst (real nats-server)', () => {
  it('loses no alert when the broker is gone and the stop comes mid-burst: what is not acked is spooled and delivered, once, in order, after a restart', async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    const spoolDir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-'));
    cleanups.push(() => rmSync(spoolDir, { recursive: true, force: true }));
    const config = parseConfig({
      sinks: { nats: { servers: [srv.url], spool: { dir: spoolDir }, maxInFlight: 8, reconnectTimeWaitMs: 100 } },
      pipeline: { shutdownTimeoutMs: 3000, alertQueueCapacity: 16 },
    });
    const metrics = createMetrics();
    const logLines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
    const deps = { logger, metrics, clock: { now: () => Date.now() }, node: 'node-a' };
    const emitted: Alert[] = [];
    // 6000 events (600 alerts), then idle until stopped: the stop comes while they are still flowing.
    const source = chunkedExecSource({ id: 'test burst', count: 6000, chunk: 20, pauseMs: 0 });
    const app = createApp(config, deps, { sources: [source], correlator: echoCorrelator(emitted), live: true });
    await app.start();
    expect(app.ready()).toBe(true);
    const waitFor = async (count: number) => {
      const deadline = Date.now() + 10_000;
      while (emitted.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    };
    await waitFor(150);
    // The broker goes away in the middle of the burst, and then the stop comes.
    await srv.stop();
    await waitFor(300);
    const stopStarted = Date.now();
    await app.stop();
    expect(Date.now() - stopStarted).toBeLessThan(config.pipeline.shutdownTimeoutMs + 1000);
    // Flushed once: by stop(), not again by the sources' own end.
    await new Promise((r) => setTimeout(r, 200));
    expect(logLines.filter((l) => l.includes('alerts left in the spool'))).toHaveLength(1);

    expect(emitted.length).toBeGreaterThanOrEqual(300);
    expect(emitted.at(-1)?.severity).toBe('critical'); // the correlator's flush went through too
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/exfilwatch_alerts_total\{rule="bulk-read-then-push",severity="critical"\} 1/);
    expect(text).toMatch(/exfilwatch_events_total\{source="tetragon",kind="exec"\} \d+/);
    expect(text).toMatch(/exfilwatch_tracked_containers 1/);
    expect(text).toMatch(/exfilwatch_detection_latency_seconds_count [1-9]/);

    // Whatever was not acked before the stop is still in the spool: a fresh sink (the next start) sends it.
    await srv.start();
    const next = createNatsSink(natsSinkConfigSchema.parse({ servers: [srv.url], spool: { dir: spoolDir } }), deps);
    await next.start();
    cleanups.push(() => next.close());
    const nc = await connect({ servers: srv.url });
    cleanups.push(() => nc.close());
    const want = emitted.map((a) => a.id);
    const t1 = Date.now() + 15_000;
    let got: string[] = [];
    while (Date.now() < t1) {
      got = await storedIds(nc);
      if (got.length >= want.length && next.status().spooled === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(got).toEqual(want);
  });
});
