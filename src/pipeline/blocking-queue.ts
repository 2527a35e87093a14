/**
 * Correlator → sinks hand-off. When full it BLOCKS the producer: alerts are rare and must never be lost,
 * so back-pressure is the right answer here (the sensor-side queue absorbs it by dropping and marking).
 * `offer` is the non-blocking way in, for a producer that must not wait (a `drop` sink's delivery queue).
 */
export class BlockingQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private closed = false;
  private consumerWaiter: (() => void) | null = null;
  private producerWaiters: Array<() => void> = [];

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError('capacity must be positive');
  }

  get size(): number {
    return this.items.length;
  }

  /** Resolves once the item is queued; waits while the queue is full. Throws after close(). */
  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => this.producerWaiters.push(resolve));
    }
    if (this.closed) throw new Error('queue closed');
    this.items.push(item);
    const w = this.consumerWaiter;
    if (w) {
      this.consumerWaiter = null;
      w();
    }
  }

  /**
   * Queues the item only if there is room now, never waiting: false when full or closed (the caller
   * decides what a refusal means; a sink's delivery queue drops and counts it).
   */
  offer(item: T): boolean {
    if (this.closed || this.items.length >= this.capacity) return false;
    this.items.push(item);
    const w = this.consumerWaiter;
    if (w) {
      this.consumerWaiter = null;
      w();
    }
    return true;
  }

  /** Closes the queue and hands back what it still held (the consumer gets none of it). */
  closeAndTakeAll(): T[] {
    const left = this.items;
    this.items = [];
    this.close();
    return left;
  }

  close(): void {
    this.closed = true;
    const w = this.consumerWaiter;
    this.consumerWaiter = null;
    w?.();
    for (const p of this.producerWaiters.splice(0)) p();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.items.length > 0) {
        const item = this.items.shift() as T;
        this.producerWaiters.shift()?.();
        yield item;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.consumerWaiter = resolve;
      });
    }
  }
}
