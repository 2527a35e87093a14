/**
 * The sensor → correlator queue of the pipeline (app.ts): a DropNewestQueue of normalized events whose gap
 * marker covers every event it stands for.
 */
import type { NormalizedEvent } from '../model/normalized-event.js';
import { DropNewestQueue } from './drop-newest-queue.js';

export function createEventQueue(capacity: number): DropNewestQueue<NormalizedEvent> {
  // A burst of drops spans event time: the marker must cover the earliest to the latest dropped event, not
  // only the last one's instant, or an alert whose window holds some of them would not say `degraded`.
  // A dropped gap marker (a reconnect's, loss the sensor reported) stood for its whole span from `fromMs`:
  // taken at its own instant, a reconnect into a full queue left the outage unmarked.
  let droppedFromMs = Number.POSITIVE_INFINITY;
  let droppedLatest: NormalizedEvent | null = null;
  return new DropNewestQueue<NormalizedEvent>({
    capacity,
    onDrop: (e) => {
      const fromMs = e.kind === 'gap' ? Math.min(e.gap.fromMs ?? e.timeMs, e.timeMs) : e.timeMs;
      if (fromMs < droppedFromMs) droppedFromMs = fromMs;
      if (droppedLatest === null || e.timeMs > droppedLatest.timeMs) droppedLatest = e;
    },
    makeGap: (dropped, last) => {
      const latest = droppedLatest ?? last;
      const fromMs = Math.min(droppedFromMs, latest.timeMs);
      droppedFromMs = Number.POSITIVE_INFINITY;
      droppedLatest = null;
      return {
        kind: 'gap',
        time: latest.time,
        timeMs: latest.timeMs,
        source: last.source,
        node: last.node,
        gap: { dropped, reason: 'queue_full', fromMs },
      };
    },
  });
}
