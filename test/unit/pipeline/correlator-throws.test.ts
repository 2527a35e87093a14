/**
 * A correlator that throws (a bug) outside `ingest`, where a batch's throw was already counted and logged.
 * `advance` on the wall clock threw from start() (its first tick), so the daemon refused to start, and later
 * from a timer, which ended the process. `flush` at the end left the alert queue open: stop() rejected and
 * the delivery loop waited for ever. Now each is counted and logged; what was judged is still delivered.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import type { Correlator } from '../../../src/correlate/types.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import type { EventSource } from '../../../src/sources/types.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { collectSink } from '../../helpers/collect-sink.js';
import { makeAlert } from '../sinks/make-alert.js';

const exec: NormalizedEvent = {
  kind: 'exec',
  time: '2026-11-29T00:00:00.000000000Z',
  timeMs: Date.parse('2026-11-29T00:00:00Z'),
  source: 'tetragon',
  node: 'node-a',
  container: { id: 'c'.repeat(64), name: 'app', image: 'img' },
  pod: null,
  process: { execId: 'e1', parentExecId: null, pid: 1, binary: '/usr/bin/git', args: 'push' },
};

/** Judges one alert per batch; advance and flush always throw. */
function brokenCorrelator(calls: { advance: number; flush: number }): Correlator {
  let n = 0;
  return {
    ingest: () => [makeAlert(++n)],
    advance: () => {
      calls.advance++;
      throw new TypeError('advance bug');
    },
    flush: () => {
      calls.flush++;
      throw new TypeError('flush bug');
    },
    trackedContainers: () => 0,
  };
}

describe('a correlator that throws outside ingest', () => {
  it('does not stop the start, the process or the stop; alerts it judged are delivered', async () => {
    const calls = { advance: 0, flush: 0 };
    const { sink, alerts: delivered } = collectSink('stdout');
    const source: EventSource = {
      id: 'test',
      type: 'replay',
      async run(out, signal) {
        out.connection(true);
        out.offer(exec);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      },
    };
    const metrics = createMetrics();
    const app = createApp(
      parseConfig({ sinks: { stdout: { enabled: false } } }),
      { logger: silentLogger(), metrics, clock: { now: () => Date.now() }, node: 'node-a' },
      {
        live: true,
        warmUp: false,
        sources: [source],
        extraSinks: [sink],
        correlator: brokenCorrelator(calls),
      },
    );
    await app.start();
    // Two ticks of the wall clock (once a second), each advance throwing.
    await new Promise((r) => setTimeout(r, 1300));
    expect(calls.advance).toBeGreaterThanOrEqual(2);
    await app.stop();
    expect(calls.flush).toBe(1);
    expect(delivered.map((a) => a.id)).toEqual([makeAlert(1).id]);
    const errors = (await metrics.componentErrors.get()).values.find((v) => v.labels.component === 'correlator');
    expect(errors?.value).toBe(calls.advance + calls.flush);
  });
});
