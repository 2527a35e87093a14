/**
 * Distinct files read by one container within the window, in at most ~1 KiB whatever the event count.
 *
 * Small counts are exact: an open-addressing table of 32-bit path hashes with the second each was
 * counted (a file read again a whole window after it was counted counts again, as before). Past
 * EXACT_MAX files the container switches for good to a sketch: two 4096-bit generations of half a
 * window each (a file is "seen" while its bit is set in either, so it counts again between half a
 * window and a window after it was counted) and linear counting — a new bit set with z of the M bits
 * already set adds M / (M - z), the expected number of distinct files behind it — so the sum stays an
 * unbiased estimate (standard error ~1% at 200–2,000 files, ~2% at 10,000). It saturates once every bit
 * is set (~30,000 distinct files in a window): counts beyond that are lower bounds.
 */
import { BlockPool } from './blocks.js';

/** FNV-1a over UTF-16 code units, then murmur3's finaliser so the low bits (slots, bits) are well mixed. Never 0. */
export function hashPath(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h === 0 ? 1 : h >>> 0;
}

const FIRST_SLOTS = 8;
const MAX_SLOTS = 128;
/** Files counted exactly (3/4 of the biggest table); more switch to the sketch. */
export const EXACT_MAX = (MAX_SLOTS * 3) / 4;
/** Live entries while a table is rebuilt (synchronous, so one scratch serves every container). */
const SCRATCH = new Uint32Array(MAX_SLOTS * 2);
const SKETCH_BITS = 4096;
const SKETCH_WORDS = SKETCH_BITS / 32;

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
}

/** Slots of the tables that fit a small block; bigger tables and the sketch take a large one. */
const SMALL_SLOTS = 16;

/**
 * Where the tables live, shared by every container of a correlator (./blocks.ts): small blocks for tables
 * of up to 16 slots (128 bytes), large ones (1 KiB) for bigger tables and for the sketch's two
 * generations. Two sizes, not one per table size: a pool keeps the most blocks it ever handed out, so a
 * pool per size would end up holding every size for every container that grew through them.
 */
export class DistinctPools {
  readonly small = new BlockPool(SMALL_SLOTS * 2, (n) => new Uint32Array(n), 0);
  readonly large = new BlockPool(Math.max(MAX_SLOTS * 2, SKETCH_WORDS * 2), (n) => new Uint32Array(n), 0);
}

export class DistinctFiles {
  /**
   * The block in use (a chunk shared with other containers, from `base`; `block` is its handle, in the
   * small pool while `slots` ≤ SMALL_SLOTS). Exact mode: `slots` [hash, counted second] pairs, 0 hash =
   * empty slot. Sketch mode (slots = 0): two SKETCH_WORDS generations, the current one at `cur` and the
   * previous one at `prev`.
   */
  private words: Uint32Array;
  private base: number;
  private block: number;
  private slots = FIRST_SLOTS;
  private used = 0;
  private cur = 0;
  private prev = 0;
  private gen = 0;
  private unionBits = 0;

  constructor(
    private readonly windowMs: number,
    private readonly pools: DistinctPools,
  ) {
    this.block = pools.small.alloc();
    this.words = pools.small.chunkOf(this.block);
    this.base = pools.small.offsetOf(this.block);
  }

  /** true once counting is approximate. */
  get sketched(): boolean {
    return this.slots === 0;
  }

  /** Gives its block back to the pool (its container is gone): it must not be used after this. */
  release(): void {
    if (this.block < 0) return;
    this.poolOf(this.slots).release(this.block);
    this.block = -1;
  }

  private poolOf(slots: number): BlockPool<Uint32Array> {
    return slots !== 0 && slots <= SMALL_SLOTS ? this.pools.small : this.pools.large;
  }

  /**
   * A read of the file with this hash at `t`: how much it adds to the container's distinct-file count
   * (0 when it was counted within the window; 1 in exact mode; the linear-counting weight in sketch mode).
   */
  add(hash: number, t: number): number {
    if (this.slots === 0) return this.addSketch(hash, t);
    const table = this.words;
    const base = this.base;
    const sec = t > 0 ? Math.floor(t / 1000) : 0;
    const mask = this.slots - 1;
    let i = hash & mask;
    for (;;) {
      const h = table[base + i * 2]!;
      if (h === 0) break;
      if (h === hash) {
        if ((sec - table[base + i * 2 + 1]!) * 1000 < this.windowMs) return 0;
        table[base + i * 2 + 1] = sec; // read again a whole window later: a distinct file of the new window
        return 1;
      }
      i = (i + 1) & mask;
    }
    if ((this.used + 1) * 4 > (mask + 1) * 3) {
      this.rebuild(sec);
      return this.slots === 0 ? this.addSketch(hash, t) : this.add(hash, t);
    }
    table[base + i * 2] = hash;
    table[base + i * 2 + 1] = sec;
    this.used++;
    return 1;
  }

  /**
   * Drops entries counted a window ago; grows the table, or switches to the sketch past EXACT_MAX files.
   * Refilled in place while the table fits its block; one outgrowing the small block moves to a large one.
   */
  private rebuild(nowSec: number): void {
    const old = this.words;
    const oldBase = this.base;
    const live = SCRATCH;
    let n = 0;
    for (let i = oldBase; i < oldBase + this.slots * 2; i += 2) {
      if (old[i] !== 0 && (nowSec - old[i + 1]!) * 1000 < this.windowMs) {
        live[n * 2] = old[i]!;
        live[n * 2 + 1] = old[i + 1]!;
        n++;
      }
    }
    let slots = this.slots;
    while ((n + 1) * 4 > slots * 3 && slots < MAX_SLOTS) slots *= 2;
    if ((n + 1) * 4 > slots * 3) {
      this.toSketch(live, n, nowSec);
      return;
    }
    if (this.poolOf(slots) === this.poolOf(this.slots)) {
      old.fill(0, oldBase, oldBase + slots * 2);
    } else {
      this.poolOf(this.slots).release(this.block);
      const pool = this.poolOf(slots);
      this.block = pool.alloc();
      this.words = pool.chunkOf(this.block);
      this.base = pool.offsetOf(this.block);
    }
    this.slots = slots;
    const table = this.words;
    const base = this.base;
    const mask = slots - 1;
    for (let k = 0; k < n * 2; k += 2) {
      let i = live[k]! & mask;
      while (table[base + i * 2] !== 0) i = (i + 1) & mask;
      table[base + i * 2] = live[k]!;
      table[base + i * 2 + 1] = live[k + 1]!;
    }
    this.used = n;
  }

  private genOf(t: number): number {
    return Math.floor(t / Math.max(1, this.windowMs / 2));
  }

  /** `n` live [hash, counted second] pairs at the start of `live`. */
  private toSketch(live: Uint32Array, n: number, nowSec: number): void {
    // Only a full-size table turns into the sketch, so its block is a large one: reused (`live` holds its entries).
    if (this.poolOf(this.slots) !== this.pools.large) {
      this.poolOf(this.slots).release(this.block);
      this.block = this.pools.large.alloc();
      this.words = this.pools.large.chunkOf(this.block);
      this.base = this.pools.large.offsetOf(this.block);
    }
    const words = this.words;
    words.fill(0, this.base, this.base + SKETCH_WORDS * 2);
    this.slots = 0;
    this.used = 0;
    this.cur = this.base;
    this.prev = this.base + SKETCH_WORDS;
    this.gen = this.genOf(nowSec * 1000);
    for (let k = 0; k < n * 2; k += 2) {
      const g = this.genOf(live[k + 1]! * 1000);
      const into = g >= this.gen ? this.cur : g === this.gen - 1 ? this.prev : -1;
      if (into < 0) continue;
      const bit = live[k]! & (SKETCH_BITS - 1);
      words[into + (bit >>> 5)] = words[into + (bit >>> 5)]! | (1 << (bit & 31));
    }
    this.unionBits = 0;
    for (let w = 0; w < SKETCH_WORDS; w++) this.unionBits += popcount(words[this.cur + w]! | words[this.prev + w]!);
  }

  private addSketch(hash: number, t: number): number {
    const words = this.words;
    const g = this.genOf(t);
    // Late events (g < gen) count in the current generation: they can only be counted again later, not earlier.
    if (g > this.gen) {
      const older = this.prev;
      words.fill(0, older, older + SKETCH_WORDS);
      if (g === this.gen + 1) {
        this.prev = this.cur;
        this.cur = older;
      } else {
        words.fill(0, this.cur, this.cur + SKETCH_WORDS);
      }
      this.unionBits = 0;
      for (let w = 0; w < SKETCH_WORDS; w++) this.unionBits += popcount(words[this.prev + w]!);
      this.gen = g;
    }
    const bit = hash & (SKETCH_BITS - 1);
    const cw = this.cur + (bit >>> 5);
    const m = 1 << (bit & 31);
    if ((words[cw]! & m) !== 0 || (words[this.prev + (bit >>> 5)]! & m) !== 0) return 0;
    const z = this.unionBits;
    words[cw] = words[cw]! | m;
    this.unionBits++;
    return SKETCH_BITS / (SKETCH_BITS - z);
  }
}
