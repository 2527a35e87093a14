/**
 * A live app warms its hot code up before its sources connect (src/warm-up), and nothing of the warm-up
 * reaches the real pipeline: no event counted, no container tracked, no alert, no metric sample.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import type { EventSource, WarmUpStream } from '../../../src/sources/types.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type SourceTypeLabel } from '../../../src/telemetry/metrics.js';
import { collectSink } from '../../helpers/collect-sink.js';
import { shellExec } from '../../helpers/exec-source.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

const exec = shellExec;

/** A stand-in source of `type`, declaring the warm-up stream its real counterpart declares (or none). */
interface StandIn {
  type: SourceTypeLabel;
  warmUpStream?: WarmUpStream;
}

function oneEventSource(
  startedAt: number[],
  { type, warmUpStream }: StandIn,
  warmUpCalls: Array<{ budgetMs: number; at: number }> = [],
): EventSource {
  return {
    id: 'test one',
    type,
    warmUpStream,
    async warmUp(budgetMs) {
      warmUpCalls.push({ budgetMs, at: performance.now() });
    },
    async run(out, signal) {
      startedAt.push(performance.now());
      out.connection(true);
      out.offer(exec);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    },
  };
}

async function runApp(
  warmUp: boolean | undefined,
  raw: Record<string, unknown> = {},
  standIn: StandIn = { type: 'tetragon-grpc', warmUpStream: 'tetragon' },
) {
  const metrics = createMetrics();
  const { sink, alerts } = collectSink();
  const sourceStarted: number[] = [];
  const sourceWarmUps: Array<{ budgetMs: number; at: number }> = [];
  const logLines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line)) });
  const deps = { logger, metrics, clock: { now: () => Date.now() }, node: 'node-a' };
  const app = createApp(parseConfig(raw), deps, {
    sources: [oneEventSource(sourceStarted, standIn, sourceWarmUps)],
    extraSinks: [sink],
    live: true,
    warmUp,
    helperThreadNice: 0,
  });
  const calledAt = performance.now();
  await app.start();
  stops.push(() => app.stop());
  while (app.stats().events < 1) await new Promise((r) => setTimeout(r, 5));
  const text = await metrics.registry.metrics();
  const warmedUp = logLines.find((l) => l.msg === 'hot code warmed up before the sources connect');
  return {
    app,
    alerts,
    text,
    sourceStartedAfterMs: sourceStarted[0]! - calledAt,
    warmedUp,
    sourceWarmUps,
    sourceStartedAt: sourceStarted[0]!,
  };
}

/** The value of one sample line (`name{labels} value`), or null when the sample is absent. */
function sample(text: string, prefix: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? null : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('app start-up warm-up', () => {
  it('leaves no trace in the real pipeline: only the real event is counted and tracked', async () => {
    const { app, alerts, text } = await runApp(true);
    expect(app.stats()).toMatchObject({ events: 1, alerts: 0, trackedContainers: 1 });
    expect(alerts).toEqual([]);
    expect(sample(text, 'exfilwatch_events_total{source="tetragon",kind="exec"}')).toBe(1);
    // The warm-up's reads, sends and exits went to its own registry.
    expect(sample(text, 'exfilwatch_events_total{source="tetragon",kind="file"}')).toBeNull();
    expect(sample(text, 'exfilwatch_events_total{source="tetragon",kind="net"}')).toBeNull();
    expect(sample(text, 'exfilwatch_component_received_total{component="correlator"}')).toBe(1);
  });

  it('runs before the sources start, and not at all when off', async () => {
    const warm = await runApp(true);
    const cold = await runApp(false);
    // The warm-up correlates thousands of events first; without it the source starts at once. Either way
    // the result is the same single event.
    expect(warm.sourceStartedAfterMs).toBeGreaterThan(cold.sourceStartedAfterMs);
    expect(cold.app.stats()).toMatchObject({ events: 1, alerts: 0, trackedContainers: 1 });
  });

  it('is on by default in a live app, for at most pipeline.warmUpMs; 0 turns it off', async () => {
    // 25 ms: far less than the 60k-event cap takes even on a fast idle box (~250 ms), so the budget ends it.
    const byDefault = await runApp(undefined, { pipeline: { warmUpMs: 25 } });
    expect(byDefault.warmedUp).toBeDefined();
    expect(byDefault.warmedUp!.events as number).toBeGreaterThan(0);
    // Ended by its budget (checked before each 32-event batch), not by the 60k-event cap it would run without the
    // check. Not a wall-clock bound: a loaded box stretches the one batch past any.
    expect(byDefault.warmedUp).toMatchObject({ stoppedBy: 'budget' });
    expect(byDefault.warmedUp!.ms as number).toBeGreaterThanOrEqual(25);
    // The sources warm their own transports up at the same time, with the same budget, before they run.
    expect(byDefault.sourceWarmUps.map((c) => c.budgetMs)).toEqual([25]);
    expect(byDefault.sourceWarmUps[0]!.at).toBeLessThan(byDefault.sourceStartedAt);
    const off = await runApp(undefined, { pipeline: { warmUpMs: 0 } });
    expect(off.warmedUp).toBeUndefined();
    expect(off.sourceWarmUps).toEqual([]);
    expect(off.app.stats()).toMatchObject({ events: 1, alerts: 0, trackedContainers: 1 });
  });

  const falcoHttp: StandIn = { type: 'falco-http', warmUpStream: 'falco' };

  it('warms a falco-http source up with the Falco stream, leaving no trace in the real pipeline', async () => {
    const falco = await runApp(undefined, { pipeline: { warmUpMs: 25 } }, falcoHttp);
    expect(falco.warmedUp).toMatchObject({ streams: ['falco'] });
    expect(falco.warmedUp!.events as number).toBeGreaterThan(0);
    expect(falco.warmedUp).toMatchObject({ stoppedBy: 'budget' });
    expect(falco.app.stats()).toMatchObject({ events: 1, alerts: 0, trackedContainers: 1 });
    expect(falco.alerts).toEqual([]);
    // The warm-up's Falco reads and sends went to its own registry; only the real event is counted.
    expect(falco.text).not.toMatch(/^exfilwatch_events_total\{source="falco"/m);
    expect(sample(falco.text, 'exfilwatch_component_received_total{component="correlator"}')).toBe(1);
    const off = await runApp(undefined, { pipeline: { warmUpMs: 0 } }, falcoHttp);
    expect(off.warmedUp).toBeUndefined();
  });

  it('is not run by default with file sources only (read offline, judged by throughput)', async () => {
    const fileOnly = await runApp(undefined, { pipeline: { warmUpMs: 300 } }, { type: 'tetragon-file' });
    expect(fileOnly.warmedUp).toBeUndefined();
    expect(fileOnly.app.stats()).toMatchObject({ events: 1, alerts: 0, trackedContainers: 1 });
    // Turned on for a source that declares no stream, it runs Tetragon's, and its line says so (it said none).
    const turnedOn = await runApp(true, { pipeline: { warmUpMs: 300 } }, { type: 'tetragon-file' });
    expect(turnedOn.warmedUp).toMatchObject({ streams: ['tetragon'] });
    expect(turnedOn.warmedUp!.events as number).toBeGreaterThan(0);
  });
});
