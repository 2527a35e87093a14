/**
 * Every container's `lastMs` and `firstMs`, side by side in one Float64Array per correlator, instead of as
 * two fields of its ContainerState. A double field of a V8 object is a pointer to a box (a HeapNumber)
 * allocated apart from it: `containerOf` reads and writes both on every event, and with thousands of
 * containers interleaved each box was a cache miss of its own (under `perf`, 60% of containerOf's own
 * samples were the two boxes' loads). Here the two are one line of an array the correlator touches on
 * every event.
 *
 * A container holds its table and its slot. One that leaves the correlator's tables (expired, evicted) is
 * detached: its two times copied into a table of its own, its slot freed for the next container, so that
 * whatever still holds it (a push being judged, a process) reads what it had.
 */

/** Slots of a table at first: it doubles when full (a correlator holds at most caps.maxContainers). */
const FIRST_SLOTS = 256;

export class ContainerTimes {
  /** [lastMs, firstMs] of slot i at 2i, 2i+1. Replaced (copied) when it grows. */
  a: Float64Array;
  private used = 0;
  /** Freed slots' offsets (2i), reused first. */
  private readonly free: number[] = [];

  constructor(slots = FIRST_SLOTS) {
    this.a = new Float64Array(2 * slots);
  }

  /** A slot's offset, both times set to `nowMs`. */
  take(nowMs: number): number {
    let at = this.free.pop();
    if (at === undefined) {
      if (2 * this.used === this.a.length) {
        const grown = new Float64Array(2 * this.a.length);
        grown.set(this.a);
        this.a = grown;
      }
      at = 2 * this.used++;
    }
    this.a[at] = nowMs;
    this.a[at + 1] = nowMs;
    return at;
  }

  /** Frees a slot, its times moved into a table of one (at 0) for the container that leaves. */
  moveOut(at: number): ContainerTimes {
    const own = new ContainerTimes(1);
    own.take(this.a[at]!);
    own.a[1] = this.a[at + 1]!;
    this.free.push(at);
    return own;
  }

  /** Slots in use (tests). */
  get live(): number {
    return this.used - this.free.length;
  }
}
