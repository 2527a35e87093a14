/**
 * Each container's reads in time buckets (window / 30 each) over the window plus settle and lateness: a
 * ring of `slots` buckets, bucket id → slot id % slots; a newer id takes its slot over, an older one than
 * the slot holds is out of window. Sums over a window are exact to one bucket at its start.
 *
 * Most containers read in a few distinct minutes of the last half hour (a short-lived job, a service that
 * read its files at start), so a container starts with a sparse list of up to SPARSE buckets, each with
 * its id, and moves to the full ring only when it needs more. The list follows the ring's rules exactly
 * (one bucket per slot: an id meeting another of the same slot takes it over or is refused as the ring
 * would) and sums in slot order, so totals are the same to the last bit. Both live in shared block pools
 * (./blocks.ts): 480 bytes for the list, 1,056 for the ring.
 */
import { BlockPool } from './blocks.js';
import { beyondClockJump } from './node-clock.js';
import type { ContainerState } from './state.js';

/** Ring: per bucket [bytes, new files, min time, max time]; the id is floor(min / bucketMs). */
const RING_STRIDE = 4;
/** Min time of a ring bucket never written: sorts before every id, so the first read (re)starts it. */
const EMPTY = Number.NEGATIVE_INFINITY;
/** Sparse list: per bucket [id, bytes, new files, min time, max time]. */
const SPARSE_STRIDE = 5;
const SPARSE = 12;
const B_BYTES = 0;
const B_FILES = 1;
const B_MIN = 2;
const B_MAX = 3;
/** ContainerState.bucketsUsed once the container has the full ring. */
export const RING = -1;

export interface ReadSums {
  bytes: number;
  files: number;
  firstMs: number;
  lastMs: number;
}

export class ReadBuckets {
  private readonly ringPool: BlockPool<Float64Array>;
  private readonly sparsePool = new BlockPool(SPARSE * SPARSE_STRIDE, (n) => new Float64Array(n), 0);
  /** Sum order scratch (slot of each sparse bucket). */
  private readonly order: number[] = [];

  constructor(
    readonly bucketMs: number,
    readonly slots: number,
  ) {
    this.ringPool = new BlockPool(slots * RING_STRIDE, (n) => new Float64Array(n), EMPTY);
  }

  /**
   * Adds bytes and a distinct-file weight (0, 1, or the sketch's estimate) to the bucket of `t`; false when
   * `t` is older than the ring keeps (or before 1970: no bucket).
   */
  add(c: ContainerState, t: number, bytes: number, newFiles: number): boolean {
    const id = Math.floor(t / this.bucketMs);
    if (id < 0) return false;
    if (c.buckets === null) {
      const block = this.sparsePool.alloc();
      c.buckets = this.sparsePool.chunkOf(block);
      c.bucketBase = this.sparsePool.offsetOf(block);
      c.bucketBlock = block;
      c.bucketsUsed = 0;
    }
    const used = c.bucketsUsed;
    if (used === RING)
      return this.addRing(c, c.buckets, c.bucketBase + (id % this.slots) * RING_STRIDE, id, t, bytes, newFiles);
    const b = c.buckets;
    const slot = id % this.slots;
    let at = -1;
    // Newest first: most reads land in the latest bucket, appended last.
    for (let o = c.bucketBase + (used - 1) * SPARSE_STRIDE; o >= c.bucketBase; o -= SPARSE_STRIDE) {
      const held = b[o]!;
      if (held === id) {
        at = o;
        break;
      }
      if (held % this.slots === slot) {
        if (held > id && !this.aheadOfClock(c, held)) return false;
        at = o;
        b[o] = id;
        b[o + 1 + B_BYTES] = 0;
        b[o + 1 + B_FILES] = 0;
        b[o + 1 + B_MIN] = t;
        b[o + 1 + B_MAX] = t;
        break;
      }
    }
    if (at < 0) {
      if (used === SPARSE) {
        this.toRing(c);
        return this.add(c, t, bytes, newFiles);
      }
      at = c.bucketBase + used * SPARSE_STRIDE;
      c.bucketsUsed = used + 1;
      b[at] = id;
      b[at + 1 + B_BYTES] = 0;
      b[at + 1 + B_FILES] = 0;
      b[at + 1 + B_MIN] = t;
      b[at + 1 + B_MAX] = t;
    }
    const o = at + 1;
    b[o + B_BYTES] = b[o + B_BYTES]! + bytes;
    if (newFiles > 0) b[o + B_FILES] = b[o + B_FILES]! + newFiles;
    if (t < b[o + B_MIN]!) b[o + B_MIN] = t;
    if (t > b[o + B_MAX]!) b[o + B_MAX] = t;
    return true;
  }

  private addRing(
    c: ContainerState,
    b: Float64Array,
    base: number,
    id: number,
    t: number,
    bytes: number,
    newFiles: number,
  ): boolean {
    const min = b[base + B_MIN]!;
    if (min === EMPTY || Math.floor(min / this.bucketMs) !== id) {
      const held = Math.floor(min / this.bucketMs);
      if (min !== EMPTY && held > id && !this.aheadOfClock(c, held)) return false;
      b[base + B_BYTES] = 0;
      b[base + B_FILES] = 0;
      b[base + B_MIN] = t;
      b[base + B_MAX] = t;
    }
    b[base + B_BYTES] = b[base + B_BYTES]! + bytes;
    if (newFiles > 0) b[base + B_FILES] = b[base + B_FILES]! + newFiles;
    if (t < b[base + B_MIN]!) b[base + B_MIN] = t;
    if (t > b[base + B_MAX]!) b[base + B_MAX] = t;
    return true;
  }

  /**
   * A bucket that starts beyond a jump of its node's clock holds only reads of a jump the clock did not take (one
   * bogus timestamp, year 2999: ./node-clock.ts beyondClockJump): a read of the node's time takes its slot over. Kept, it refused
   * that slot's reads for the container's life, a minute of every `slots`.
   */
  private aheadOfClock(c: ContainerState, id: number): boolean {
    return beyondClockJump(c.node, id * this.bucketMs);
  }

  /** The sparse list is full: its buckets move to their ring slots (at most one per slot, by construction). */
  private toRing(c: ContainerState): void {
    const from = c.buckets!;
    const fromBase = c.bucketBase;
    const block = this.ringPool.alloc();
    const ring = this.ringPool.chunkOf(block);
    const base = this.ringPool.offsetOf(block);
    for (let i = 0, o = fromBase; i < c.bucketsUsed; i++, o += SPARSE_STRIDE) {
      const to = base + (from[o]! % this.slots) * RING_STRIDE;
      for (let k = 0; k < RING_STRIDE; k++) ring[to + k] = from[o + 1 + k]!;
    }
    this.sparsePool.release(c.bucketBlock);
    c.buckets = ring;
    c.bucketBase = base;
    c.bucketBlock = block;
    c.bucketsUsed = RING;
  }

  /** Bytes, new files and the first/last read time in buckets overlapping [fromMs, toMs], in slot order. */
  sum(c: ContainerState, fromMs: number, toMs: number): ReadSums {
    const out = { bytes: 0, files: 0, firstMs: Number.POSITIVE_INFINITY, lastMs: Number.NEGATIVE_INFINITY };
    const b = c.buckets;
    if (b === null) return out;
    if (c.bucketsUsed === RING) {
      const end = c.bucketBase + this.slots * RING_STRIDE;
      for (let base = c.bucketBase; base < end; base += RING_STRIDE) {
        const min = b[base + B_MIN]!;
        if (min === EMPTY) continue;
        this.sumOne(out, b, base, Math.floor(min / this.bucketMs), fromMs, toMs);
      }
      return out;
    }
    const order = this.order;
    order.length = 0;
    for (let i = 0, o = c.bucketBase; i < c.bucketsUsed; i++, o += SPARSE_STRIDE) order.push(o);
    order.sort((x, y) => (b[x]! % this.slots) - (b[y]! % this.slots));
    for (const o of order) this.sumOne(out, b, o + 1, b[o]!, fromMs, toMs);
    return out;
  }

  private sumOne(out: ReadSums, b: Float64Array, base: number, id: number, fromMs: number, toMs: number): void {
    const start = id * this.bucketMs;
    if (start + this.bucketMs <= fromMs || start > toMs) return;
    if (b[base + B_BYTES] === 0 && b[base + B_FILES] === 0) return;
    out.bytes += b[base + B_BYTES]!;
    out.files += b[base + B_FILES]!;
    if (b[base + B_MIN]! < out.firstMs) out.firstMs = b[base + B_MIN]!;
    if (b[base + B_MAX]! > out.lastMs) out.lastMs = b[base + B_MAX]!;
  }

  /** The container left the table: its block goes back to its pool. */
  release(c: ContainerState): void {
    if (c.buckets === null) return;
    (c.bucketsUsed === RING ? this.ringPool : this.sparsePool).release(c.bucketBlock);
    c.buckets = null;
    c.bucketBlock = -1;
  }

  get blocksInUse(): number {
    return this.ringPool.live + this.sparsePool.live;
  }
}
