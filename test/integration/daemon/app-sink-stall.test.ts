/**
 * A stalled sink does not hold back the others. The pipeline (createApp) with the real NATS sink against
 * nats-server, and a stdout sink writing into a real pipe whose reader never reads (`exfilwatch run
 * --alerts-stdout | slow-consumer`): every alert still reaches JetStream, the alerts the stdout sink's full
 * queue refused are counted and logged once, the queue gauges say where alerts wait, and stop() returns
 * within the shutdown timeout, counting what stdout never took.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import type { Correlator } from '../../../src/correlate/types.js';
import { createStdoutSink } from '../../../src/sinks/stdout/index.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';
import { chunkedExecSource } from '../../helpers/exec-source.js';
import { natsClient, startNatsServer } from '../../helpers/nats-server.js';
import { stalledPipe } from '../../helpers/stalled-pipe.js';
import { until } from '../../helpers/until.js';
import { makeAlert } from '../../unit/sinks/make-alert.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The stdout sink's queue here: small, so a few hundred alerts overflow it (the default is 1024). */
const STDOUT_QUEUE = 16;
/** More alerts than the pipe buffers (~100 of these, 64 KiB + the stream's 16 KiB) plus stdout's queue. */
const ALERTS = 400;

/** One alert per event: alerts far faster than in production, to fill a stalled sink's queue. */
function alertPerEvent(): Correlator {
  return {
    ingest: (batch) => batch.flatMap((e) => (e.kind === 'exec' ? [makeAlert(e.process.pid ?? 0)] : [])),
    advance: () => [],
    flush: () => [],
    trackedContainers: () => 0,
  };
}

/** The lines the stdout sink was still writing at the flush deadline (its one line then). */
function unwrittenAtStop(logLines: string[]): number {
  const said = logLines.filter((l) => l.includes('stdout had not written by the shutdown deadline'));
  expect(said).toHaveLength(1);
  return (JSON.parse(said[0]!) as { alerts: number }).alerts;
}

async function value(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  const found = values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want));
  return found?.value ?? 0;
}

/** Every sample of `name` whose labels include `labels`, summed. */
async function sum(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const values = (await metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((total, v) => total + v.value, 0);
}

describe('a stalled sink (real pipe, real nats-server)', () => {
  it('holds back no other sink: every alert reaches NATS, stdout drops are counted and logged once, stop() keeps its timeout', async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    const spoolDir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-'));
    cleanups.push(() => rmSync(spoolDir, { recursive: true, force: true }));
    const shutdownTimeoutMs = 1500;
    const config = parseConfig({
      sinks: { nats: { servers: [srv.url], spool: { dir: spoolDir }, reconnectTimeWaitMs: 100 } },
      pipeline: { shutdownTimeoutMs, alertQueueCapacity: 16 },
    });
    const metrics = createMetrics();
    const logLines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
    const deps = { logger, metrics, clock: { now: () => Date.now() }, node: 'node-a' };
    const stalledStdout = stalledPipe((c) => cleanups.push(c));
    const app = createApp(config, deps, {
      sources: [chunkedExecSource({ id: 'test events', count: ALERTS, chunk: 50, pauseMs: 1 })],
      correlator: alertPerEvent(),
      extraSinks: [{ sink: createStdoutSink(stalledStdout, deps), queueCapacity: STDOUT_QUEUE }],
      live: true,
    });
    await app.start();

    // Responders keep getting alerts: every one is stored by JetStream, though stdout stopped long ago.
    const nc = await natsClient(srv.url, (close) => cleanups.push(close));
    const jsm = await nc.jetstreamManager();
    const stored = async () => {
      try {
        return (await jsm.streams.info('EXFILWATCH_ALERTS')).state.messages;
      } catch {
        return 0;
      }
    };
    await until(async () => (await stored()) === ALERTS, 30_000, `all ${ALERTS} alerts stored in JetStream`);
    expect(app.stats().alerts).toBe(ALERTS);

    // stdout wrote what the pipe took, holds one line whose write waits and a full queue; the rest it
    // never got, and each of those is counted, for stdout only.
    const written = await value(metrics, 'exfilwatch_alerts_published_total', { sink: 'stdout' });
    const dropped = await value(metrics, 'exfilwatch_alerts_dropped_total', { sink: 'stdout', reason: 'queue_full' });
    expect(written).toBeGreaterThan(0);
    expect(dropped).toBe(ALERTS - written - 1 - STDOUT_QUEUE);
    expect(await value(metrics, 'exfilwatch_alert_publish_failures_total', { sink: 'stdout' })).toBe(dropped);
    expect(await value(metrics, 'exfilwatch_alerts_dropped_total', { sink: 'nats', reason: 'queue_full' })).toBe(0);
    expect(await value(metrics, 'exfilwatch_alerts_published_total', { sink: 'nats' })).toBe(ALERTS);
    // The gauges say where alerts wait: stdout's queue is full, NATS's and the shared one are empty.
    expect(await value(metrics, 'exfilwatch_queue_depth', { queue: 'sink:stdout' })).toBe(STDOUT_QUEUE);
    expect(await value(metrics, 'exfilwatch_queue_depth', { queue: 'sink:nats' })).toBe(0);
    expect(await value(metrics, 'exfilwatch_queue_depth', { queue: 'alerts' })).toBe(0);
    // Logged once per episode (its start, and its end when the sink caught up), not once per alert: before
    // the pipe filled, stdout may have emptied its queue between bursts; the last episode lasts.
    const starts = logLines.filter((l) => l.includes('sink queue full'));
    const ends = logLines.filter((l) => l.includes('sink caught up'));
    expect(starts.every((l) => l.includes('"sink":"stdout"'))).toBe(true);
    expect(starts.length).toBe(ends.length + 1);
    expect(starts.length).toBeLessThan(dropped);

    const stopStarted = Date.now();
    await app.stop();
    const stopMs = Date.now() - stopStarted;
    expect(stopMs).toBeLessThan(shutdownTimeoutMs + 1000);
    // What stdout still held at the deadline is dropped for it, counted and logged: its queue, and the line
    // whose write into the full pipe never completed.
    expect(await value(metrics, 'exfilwatch_alerts_dropped_total', { sink: 'stdout', reason: 'shutdown' })).toBe(
      STDOUT_QUEUE + unwrittenAtStop(logLines),
    );
    expect(unwrittenAtStop(logLines)).toBe(1);
    expect(logLines.filter((l) => l.includes('before the shutdown timeout'))).toHaveLength(1);
    expect(await value(metrics, 'exfilwatch_queue_depth', { queue: 'sink:stdout' })).toBe(0);
    // Each alert offered to stdout is counted once: written (published) or dropped, never both. A line the
    // stream had buffered was counted published when buffered and dropped again at the deadline.
    const droppedForStdout = await sum(metrics, 'exfilwatch_alerts_dropped_total', { sink: 'stdout' });
    const publishedAtEnd = await value(metrics, 'exfilwatch_alerts_published_total', { sink: 'stdout' });
    expect(publishedAtEnd).toBe(written);
    expect(publishedAtEnd + droppedForStdout).toBe(ALERTS);
  }, 60_000);
});
