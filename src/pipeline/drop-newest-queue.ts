/**
 * Sensor → correlator hand-off. When full it DROPS THE NEWEST item and counts it: a sensor stream must
 * never be stalled (Tetragon silently drops past its own 10,000-event per-client queue if we stop reading),
 * and losing the newest keeps what we already hold in order. The loss is not silent: the next batch the
 * consumer takes starts with a marker built by `makeGap`, so alerts whose window spans it say `degraded`.
 *
 * The consumer takes batches (everything queued so far, up to a bound it chooses) to amortise the async
 * hand-off without one backlog becoming one unbounded piece of work.
 */
export interface DropNewestQueueOptions<T> {
  capacity: number;
  /** Called once per dropped item (metrics). */
  onDrop?: (item: T) => void;
  /** Builds the marker placed before the next batch after drops; given the count and the last dropped item. */
  makeGap?: (dropped: number, lastDropped: T) => T;
}

export class DropNewestQueue<T> implements AsyncIterable<T[]> {
  /**
   * Replaced by every take(). Assigned in the constructor, not here: V8 takes a field written once for a
   * constant and the first take() would throw away the producer's optimized code (docs/scan.md).
   */
  private items: T[];
  private droppedSinceTake = 0;
  private lastDropped: T | undefined;
  private waiter: (() => void) | null = null;
  private wakeScheduled = false;
  private roomWaiters: Array<{ below: number; resolve: () => void }> = [];
  private closed = false;
  /** performance.now() when the oldest item of the batch being filled arrived (latency accounting). */
  private fillStartedAt = 0;
  /** performance.now() when the oldest item of the last batch returned by take() arrived. */
  lastBatchStartedAt = 0;
  readonly capacity: number;

  constructor(private readonly options: DropNewestQueueOptions<T>) {
    if (!(options.capacity > 0)) throw new RangeError('capacity must be positive');
    this.capacity = options.capacity;
    this.items = [];
  }

  get size(): number {
    return this.items.length;
  }

  /** Offers one item; false when it was dropped (queue full or closed). Never blocks. */
  offer(item: T): boolean {
    if (this.closed || this.items.length >= this.capacity) {
      this.droppedSinceTake++;
      this.lastDropped = item;
      this.options.onDrop?.(item);
      return false;
    }
    if (this.items.length === 0) this.fillStartedAt = performance.now();
    this.items.push(item);
    this.wakeSoon();
    return true;
  }

  /**
   * For producers that CAN pause without losing anything (files: the bytes stay on disk): resolves once
   * fewer than `below` items are queued, so offline input is never dropped. Live sensor streams never wait.
   */
  waitForRoom(below = Math.ceil(this.capacity / 2)): Promise<void> {
    if (this.items.length < below || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => this.roomWaiters.push({ below, resolve }));
  }

  /** No more items will be offered; the consumer drains what is queued and then ends. */
  close(): void {
    this.closed = true;
    this.wake();
    for (const w of this.roomWaiters.splice(0)) w.resolve();
  }

  /**
   * Wakes the consumer once per event-loop turn, not once per item: a receiver that gets one event per
   * request (Falco http_output) would otherwise hand the correlator batches of one, paying the async
   * hand-off for every event. Costs at most one loop turn of latency.
   */
  private wakeSoon(): void {
    if (this.waiter === null || this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(this.wakeNow);
  }

  private readonly wakeNow = (): void => {
    this.wakeScheduled = false;
    this.wake();
  };

  private wake(): void {
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w();
    }
  }

  /**
   * The oldest items queued now, at most `max` of them (plus a leading gap marker after drops), or null
   * when closed and drained.
   */
  async take(max = Number.POSITIVE_INFINITY): Promise<T[] | null> {
    while (this.items.length === 0 && this.droppedSinceTake === 0) {
      if (this.closed) return null;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
    let batch: T[];
    if (this.items.length <= max) {
      batch = this.items;
      this.items = [];
    } else {
      // The rest stays queued; its oldest item arrived no earlier than this batch's, so fillStartedAt
      // stays as an upper bound of its age.
      batch = this.items.splice(0, max);
    }
    this.lastBatchStartedAt = this.fillStartedAt;
    if (this.droppedSinceTake > 0 && this.options.makeGap && this.lastDropped !== undefined) {
      batch.unshift(this.options.makeGap(this.droppedSinceTake, this.lastDropped));
    }
    this.droppedSinceTake = 0;
    this.lastDropped = undefined;
    if (this.roomWaiters.length > 0) {
      const size = this.items.length;
      const waiting = this.roomWaiters;
      this.roomWaiters = waiting.filter((w) => size >= w.below);
      for (const w of waiting) if (size < w.below) w.resolve();
    }
    return batch;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T[]> {
    for (;;) {
      const batch = await this.take();
      if (batch === null) return;
      if (batch.length > 0) yield batch;
    }
  }
}
