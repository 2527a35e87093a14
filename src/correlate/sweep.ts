/**
 * TTL expiry in bounded pieces. Expiring all idle state in one go cost 2–20 ms of CPU at 5,000 containers
 * (docs/latency.md), a stall inside one `ingest()`; a pass instead visits a bounded number of entries per
 * call and resumes where it stopped. JS Map iterators stay valid across deletes and also reach entries
 * set after they were made, so a cursor is just a live iterator.
 */

/** A resumable pass over one Map. `check` deletes the entry when it has expired. */
export class MapSweep<K, V> {
  private it: MapIterator<[K, V]> | null = null;

  constructor(
    private readonly map: Map<K, V>,
    private readonly check: (key: K, value: V) => void,
  ) {}

  start(): void {
    this.it = this.map.entries();
  }

  get done(): boolean {
    return this.it === null;
  }

  /** Visits up to `budget` entries; returns the budget left (> 0 only once the pass is done). */
  step(budget: number): number {
    const it = this.it;
    if (it === null) return budget;
    let left = budget;
    while (left > 0) {
      const r = it.next();
      if (r.done === true) {
        this.it = null;
        return left;
      }
      left--;
      this.check(r.value[0], r.value[1]);
    }
    return 0;
  }
}
