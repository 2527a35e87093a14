/**
 * One alert per (rule, container, destination) per suppression period, on event time, unless a match is
 * graver than the alert that opened the period. Matches inside the
 * period are counted, and the count rides on the next alert sent for the key (`suppressed`), so nothing
 * is dropped silently (falco#1333).
 */

import { MapSweep } from './sweep.js';

interface Entry {
  /** End of the period, on event time: later matches before it are suppressed. */
  untilMs: number;
  /**
   * When the key may be forgotten, on the node clock: a period's length after the alert was judged. An
   * alert for events that arrived late (far behind the clock) keeps its key as long as a timely one, so a
   * repeat of it (its process expired and seen again) is still caught.
   */
  keepUntilMs: number;
  /** Rank of the severity of the alert that opened the period: only a graver match goes out inside it. */
  rank: number;
  suppressed: number;
}

export class Suppressor {
  private readonly entries = new Map<string, Entry>();
  private sweepNowMs = Number.NEGATIVE_INFINITY;
  private readonly sweep = new MapSweep(this.entries, (k, e) => {
    if (e.keepUntilMs < this.sweepNowMs && e.suppressed === 0) this.entries.delete(k);
  });

  constructor(
    private readonly periodMs: number,
    private readonly maxKeys: number,
    private readonly onEvict: () => void,
  ) {}

  /**
   * null: suppressed (counted). Otherwise the alert goes out carrying this many earlier suppressed matches.
   * `timeMs` is the match's event time, `clockMs` its node's clock when it is judged, `rank` its severity's
   * rank: a graver match than the period's first is never suppressed (a stolen key pushed after a bulk
   * copy to the same forge is news, not a repeat), and opens a new period at its own severity.
   */
  admit(key: string, timeMs: number, clockMs: number, rank: number): number | null {
    const e = this.entries.get(key);
    if (e && timeMs < e.untilMs && rank <= e.rank) {
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
    this.entries.set(key, {
      untilMs: timeMs + this.periodMs,
      keepUntilMs: Math.max(timeMs, clockMs) + this.periodMs,
      rank,
      suppressed: 0,
    });
    return carried;
  }

  /** A pass forgetting keys whose period is over at `nowMs` and that hold no count to carry. */
  sweepStart(nowMs: number): void {
    this.sweepNowMs = nowMs;
    this.sweep.start();
  }

  /** Visits up to `budget` keys of the pass; returns the budget left (> 0 once it is done). */
  sweepStep(budget: number): number {
    return this.sweep.step(budget);
  }

  get size(): number {
    return this.entries.size;
  }
}
