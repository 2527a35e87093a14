/**
 * The spool's entries in publish order (oldest first), with those of held subjects (the broker refuses them)
 * set aside, each held subject's own oldest first. The pump walked the spool from its head at every ack, past
 * every refused alert, which a subject refused for hours gathers by the ten thousand: 20k deliverable alerts
 * behind 10k refused ones took 130 s of CPU to send (1.5 s with none held). Now holding and releasing a
 * subject cost one pass each, once per episode, and the pump walks only what it may send.
 */
import type { SpoolEntry } from './spool.js';

export interface QueuedEntry {
  readonly entry: SpoolEntry;
  /** Computed once per entry (it was once per entry per pump). */
  readonly subject: string;
}

export class PublishQueue {
  private ready = new Map<number, QueuedEntry>();
  private readonly held = new Map<string, Map<number, QueuedEntry>>();
  private heldCount = 0;

  /** `live`: still in the spool (a full spool drops entries this queue learns of only here). */
  constructor(
    private readonly subjectOf: (entry: SpoolEntry) => string,
    private readonly live: (seq: number) => boolean,
    private readonly spooled: () => number,
  ) {}

  /** Entries tracked, stale ones included (bounded by twice the spool's, plus 1024). */
  get tracked(): number {
    return this.ready.size + this.heldCount;
  }

  /** A new spool entry; entries come in seq order. */
  add(entry: SpoolEntry): void {
    const item = { entry, subject: this.subjectOf(entry) };
    const aside = this.held.get(item.subject);
    if (aside) {
      aside.set(entry.seq, item);
      this.heldCount++;
    } else this.ready.set(entry.seq, item);
    // Entries the spool dropped while full, never walked past: pruned before they outgrow the spool.
    if (this.tracked > 2 * this.spooled() + 1024) this.prune();
  }

  /** Delivered or dropped. */
  forget(seq: number, subject: string): void {
    if (this.ready.delete(seq)) return;
    if (this.held.get(subject)?.delete(seq)) this.heldCount--;
  }

  /** Live entries the pump may send, oldest first (stale ones are dropped on the way). */
  *sendable(): Generator<QueuedEntry> {
    for (const [seq, item] of this.ready) {
      if (this.live(seq)) yield item;
      else this.ready.delete(seq);
    }
  }

  /** The oldest live entry of a held subject for which `skip` (in flight) is false. */
  oldestHeld(subject: string, skip: (seq: number) => boolean): QueuedEntry | undefined {
    const aside = this.held.get(subject);
    for (const [seq, item] of aside ?? []) {
      if (!this.live(seq)) {
        aside?.delete(seq);
        this.heldCount--;
      } else if (!skip(seq)) return item;
    }
    return undefined;
  }

  /** Sets `subject`'s entries aside until release (once per refusal episode: one pass). */
  hold(subject: string): void {
    if (this.held.has(subject)) return;
    const aside = new Map<number, QueuedEntry>();
    for (const [seq, item] of this.ready) {
      if (item.subject !== subject) continue;
      this.ready.delete(seq);
      if (this.live(seq)) aside.set(seq, item);
    }
    this.held.set(subject, aside);
    this.heldCount += aside.size;
  }

  /** Puts `subject`'s entries back in their places (one merge by seq). */
  release(subject: string): void {
    const aside = this.held.get(subject);
    if (!aside) return;
    this.held.delete(subject);
    this.heldCount -= aside.size;
    const merged = new Map<number, QueuedEntry>();
    const back = aside.values();
    let next = back.next();
    for (const [seq, item] of this.ready) {
      while (!next.done && next.value.entry.seq < seq) {
        merged.set(next.value.entry.seq, next.value);
        next = back.next();
      }
      merged.set(seq, item);
    }
    for (; !next.done; next = back.next()) merged.set(next.value.entry.seq, next.value);
    this.ready = merged;
  }

  /** Held entries are the only ones left (but for those in flight). */
  onlyHeldLeft(): boolean {
    for (const _ of this.sendable()) return false;
    return true;
  }

  private prune(): void {
    for (const seq of this.ready.keys()) if (!this.live(seq)) this.ready.delete(seq);
    for (const aside of this.held.values())
      for (const seq of aside.keys())
        if (!this.live(seq)) {
          aside.delete(seq);
          this.heldCount--;
        }
  }
}
