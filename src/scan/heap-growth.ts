/**
 * Lets the old generation grow to twice its live size between mark-compacts while a scan runs (V8's
 * `--heap-growing-percent=100`; by default V8 picks the factor itself, and on scan's heap under the image's flags it collected again at ~1.1x the live size).
 *
 * Why: a scan's correlator state and its hand-over tables only grow (every container and process of the
 * input is new): ~13 → 42 MB on the main thread over the bench's 200k lines. Under the image's heap flags
 * (NODE_OPTIONS: 8 MB semi-spaces, so more is promoted) V8's own factor left room for 3-4 MB after each
 * mark-compact, and the main isolate ran 16-20 of them per 200k lines, one every ~150 ms, each marking the
 * whole, growing state on V8's helper threads (`perf`: ~10% of the scan's CPU in concurrent marking, as
 * much as TurboFan). At factor 2: 9. `exfilwatch scan` over the bench file with those flags, 10
 * alternated pairs: CPU 5.49 s against 5.98 (medians, start-up included; lower in 9 of 10), wall 3.06 s
 * against 3.29, peak RSS 204-218 MB against 189-208. Without the flags (V8's default young generation, as
 * `npm`/the bench run scan) V8 ran 3 mark-compacts and now runs 7, and still CPU 4.74-5.44 s against
 * 4.95-5.65 (4 pairs, lower in 4), peak RSS 221-227 MB against 226-241 (docs/scan.md, "Heap growth").
 *
 * scan only: the daemon's state levels off instead of growing, its memory is a target, and there the
 * same factor moved RSS from 1M to 3M events by +9-13% against +1-4% (docs/scan.md).
 *
 * Set from inside the process because Node 20 refuses V8 flags like this in NODE_OPTIONS; V8 reads it at
 * every collection, so it takes effect from the next one, and it is process-wide (the line workers too).
 */
import { setFlagsFromString } from 'node:v8';

export const SCAN_HEAP_GROWING_PERCENT = 100;

let applied = false;

/** Idempotent. */
export function letScanHeapGrow(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString(`--heap-growing-percent=${SCAN_HEAP_GROWING_PERCENT}`);
}
