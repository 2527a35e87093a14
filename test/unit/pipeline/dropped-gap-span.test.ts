/**
 * A gap marker that meets a full event queue is dropped like any event, and the queue's own marker stands
 * for it. That marker used to start at the dropped marker's instant: a source reconnecting into a full
 * queue (its outage from `fromMs` to now) left the outage itself unmarked, so alerts whose window held
 * it did not say `degraded`. The queue's marker now starts where the dropped one did.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import type { GapEvent, NormalizedEvent } from '../../../src/model/normalized-event.js';
import type { EventSource, SourceOutput } from '../../../src/sources/types.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { gitPushExec } from '../../helpers/exec-source.js';

const T0 = 1_700_000_000_000;

/** Runs `fill` against a two-slot queue (filled in one turn) and returns the queue's own gap marker. */
async function queueMarker(fill: (out: SourceOutput, clock: { ms: number }) => void): Promise<GapEvent> {
  const batches: NormalizedEvent[][] = [];
  const clock = { ms: T0 };
  const source: EventSource = {
    id: 'test',
    type: 'replay',
    async run(out) {
      fill(out, clock);
    },
  };
  const config = parseConfig({ pipeline: { eventQueueCapacity: 2 } });
  const app = createApp(
    config,
    { logger: silentLogger(), metrics: createMetrics(), clock: { now: () => clock.ms }, node: 'node-a' },
    { mode: 'events', sources: [source], onEvents: (b) => batches.push([...b]) },
  );
  await app.start();
  await app.finished;
  const gaps = batches.flat().filter((e): e is GapEvent => e.kind === 'gap');
  expect(gaps).toHaveLength(1);
  return gaps[0]!;
}

describe('a gap marker dropped by a full event queue', () => {
  it('keeps its span: a reconnect into a full queue marks the outage, from the disconnect on', async () => {
    const marker = await queueMarker((out, clock) => {
      out.connection(true, 'up');
      clock.ms = T0 + 10_000;
      out.connection(false, 'agent restarted');
      out.offer(gitPushExec(1));
      out.offer(gitPushExec(2));
      clock.ms = T0 + 60_000;
      out.connection(true, 'up again'); // its gap marker meets the full queue
    });
    expect(marker.gap.reason).toBe('queue_full');
    expect(marker.timeMs).toBe(T0 + 60_000);
    expect(marker.gap.fromMs).toBe(T0 + 10_000);
  });

  it('a dropped event without a span still marks its own instant', async () => {
    const marker = await queueMarker((out) => {
      out.offer(gitPushExec(1));
      out.offer(gitPushExec(2));
      out.offer(gitPushExec(5_000));
    });
    expect(marker.gap.fromMs).toBe(T0 + 5_000);
    expect(marker.timeMs).toBe(T0 + 5_000);
  });
});
