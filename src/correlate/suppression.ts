/**
 * One alert per (rule, container, destination) per suppression period, on event time. Matches inside the
 * period are counted, and the count rides on the next alert sent for the key (`suppressed`), so nothing
 * is dropped silently (falco#1333).
 */

interface Entry {
  untilMs: number;
  suppressed: number;
}

export class Suppressor {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly periodMs: number,
    private readonly maxKeys: number,
    private readonly onEvict: () => void,
  ) {}

  /** null: suppressed (counted). Otherwise the alert goes out carrying this many earlier suppressed matches. */
  admit(key: string, timeMs: number): number | null {
    const e = this.entries.get(key);
    if (e && timeMs < e.untilMs) {
      e.suppressed++;
      return null;
    }
    const carried = e?.suppressed ?? 0;
    this.entries.delete(key);
    if (this.entries.size >= this.maxKeys) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) {
        this.entries.delete(oldest);
        this.onEvict();
      }
    }
    this.entries.set(key, { untilMs: timeMs + this.periodMs, suppressed: 0 });
    return carried;
  }

  /** Forgets keys whose period is over and that hold no count to carry. */
  sweep(nowMs: number): void {
    for (const [k, e] of this.entries) if (e.untilMs < nowMs && e.suppressed === 0) this.entries.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }
}
