/**
 * AppOptions.startGate (`run`: the first pod list, at most 3 s): the correlator takes no event before it ends,
 * yet a pulled source (a sensor's stream, a followed file) is connected meanwhile, its events queued: a
 * Tetragon gRPC stream connected only after the gate never gave what its sensor saw during the wait.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import type { GapEvent, NormalizedEvent } from '../../../src/model/normalized-event.js';
import type { EventSource } from '../../../src/sources/types.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { collectSink } from '../../helpers/collect-sink.js';
import { gitPushExec, shellExec } from '../../helpers/exec-source.js';
import { metricSum } from '../../helpers/metric-sum.js';
import { until } from '../../helpers/until.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

const exec = shellExec;

describe('the start gate', () => {
  it('connects a pulled source during the wait and correlates what it took once the gate ends', async () => {
    let connected = false;
    const pulled: EventSource = {
      id: 'pulled',
      type: 'tetragon-grpc',
      async run(out, signal) {
        connected = true;
        out.connection(true);
        out.offer(exec);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      },
    };
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const { sink } = collectSink();
    const deps = {
      logger: createLogger('silent'),
      metrics: createMetrics(),
      clock: { now: () => Date.now() },
      node: 'node-a',
    };
    const app = createApp(parseConfig({}), deps, {
      sources: [pulled],
      extraSinks: [sink],
      live: true,
      warmUp: false,
      helperThreadNice: 0,
      startGate: () => gate,
    });
    stops.push(() => app.stop());
    const starting = app.start();
    await until(() => connected, 5000, 'the pulled source connected while the gate is shut');
    await new Promise((r) => setTimeout(r, 50));
    expect(app.stats().events).toBe(0);
    openGate();
    await starting;
    await until(() => app.stats().events === 1, 5000, 'its event correlated after the gate');
  });

  it('counts what a full event queue drops during the wait and marks it before the first batch', async () => {
    // A busy node fills the queue (65,536 by default: 1-3 s of a 20-60k events/s Tetragon stream) before a
    // 3 s gate ends: the rest is dropped, counted and marked, where a later connect saw none of it and said nothing.
    let offered = false;
    const pulled: EventSource = {
      id: 'pulled',
      type: 'tetragon-grpc',
      async run(out, signal) {
        out.connection(true);
        for (let n = 1; n <= 5; n++) out.offer(gitPushExec(n));
        offered = true;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      },
    };
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const batches: NormalizedEvent[][] = [];
    const metrics = createMetrics();
    const app = createApp(
      parseConfig({ pipeline: { eventQueueCapacity: 2 } }),
      { logger: createLogger('silent'), metrics, clock: { now: () => Date.now() }, node: 'node-a' },
      { mode: 'events', sources: [pulled], onEvents: (b) => batches.push([...b]), startGate: () => gate },
    );
    stops.push(() => app.stop());
    const starting = app.start();
    await until(() => offered, 5000, 'the pulled source offered its events while the gate is shut');
    expect(await metricSum(metrics.eventsDropped, { reason: 'queue_full' })).toBe(3);
    expect(batches).toHaveLength(0);
    openGate();
    await starting;
    await until(() => batches.flat().length === 3, 5000, 'the two queued events and the marker taken');
    const [marker, ...kept] = batches.flat();
    expect((marker as GapEvent).gap).toEqual({ dropped: 3, reason: 'queue_full', fromMs: gitPushExec(3).timeMs });
    expect(marker!.timeMs).toBe(gitPushExec(5).timeMs);
    expect(kept.map((e) => e.timeMs)).toEqual([gitPushExec(1).timeMs, gitPushExec(2).timeMs]);
  });
});
