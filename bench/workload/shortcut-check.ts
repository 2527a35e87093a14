/**
 * The memory run's shortcut (./normalized.ts activityToEvent) and transport (./event-codec.ts) checked against the
 * real Tetragon normalizer: decode(encode(shortcut)) must deep-equal normalizeTetragonJson of the export line. The
 * feed (../children/correlate-feed.ts) refuses to start on a difference, and a unit test holds it, so a new
 * normalized field fails `npm test`, not only `npm run bench`.
 */
import { isDeepStrictEqual } from 'node:util';
import { normalizeTetragonJson } from '../../src/formats/tetragon/from-json.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import { tetragonEvent } from '../../src/scenarios/tetragon.js';
import type { Activity } from '../../src/scenarios/timeline.js';
import { BENCH_NODE } from './build.js';
import { EventDecoder, EventEncoder } from './event-codec.js';
import { activityToEvent } from './normalized.js';

/** The first of `count` activities whose shortcut differs from the normalizer's event, both printed; else null. */
export function shortcutMismatch(activities: Iterator<Activity>, count: number): string | null {
  const encoder = new EventEncoder();
  const decoder = new EventDecoder();
  const back: NormalizedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const next = activities.next();
    if (next.done === true) return null;
    const a = next.value;
    const real = normalizeTetragonJson(JSON.parse(JSON.stringify(tetragonEvent(a))), { node: BENCH_NODE });
    encoder.encode(activityToEvent(a));
    back.length = 0;
    decoder.push(encoder.take(), back);
    if (back.length !== 1 || !isDeepStrictEqual(back[0], real)) {
      return `${JSON.stringify(back[0])}\n${JSON.stringify(real)}`;
    }
  }
  return null;
}
