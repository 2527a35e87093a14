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

export class DistinctFiles {
  /** Exact mode: [hash, counted second] pairs; 0 hash = empty slot. null in sketch mode. */
  private table: Uint32Array | null = new Uint32Array(FIRST_SLOTS * 2);
  private used = 0;
  private cur: Uint32Array | null = null;
  private prev: Uint32Array | null = null;
  private gen = 0;
  private unionBits = 0;

  constructor(private readonly windowMs: number) {}

  /** true once counting is approximate. */
  get sketched(): boolean {
    return this.table === null;
  }

  /**
   * A read of the file with this hash at `t`: how much it adds to the container's distinct-file count
   * (0 when it was counted within the window; 1 in exact mode; the linear-counting weight in sketch mode).
   */
  add(hash: number, t: number): number {
    const table = this.table;
    if (table === null) return this.addSketch(hash, t);
    const sec = t > 0 ? Math.floor(t / 1000) : 0;
    const mask = table.length / 2 - 1;
    let i = hash & mask;
    for (;;) {
      const h = table[i * 2]!;
      if (h === 0) break;
      if (h === hash) {
        if ((sec - table[i * 2 + 1]!) * 1000 < this.windowMs) return 0;
        table[i * 2 + 1] = sec; // read again a whole window later: a distinct file of the new window
        return 1;
      }
      i = (i + 1) & mask;
    }
    if ((this.used + 1) * 4 > (mask + 1) * 3) {
      this.rebuild(sec);
      if (this.table === null) return this.addSketch(hash, t);
      return this.add(hash, t);
    }
    table[i * 2] = hash;
    table[i * 2 + 1] = sec;
    this.used++;
    return 1;
  }

  /**
   * Drops entries counted a window ago; grows the table, or switches to the sketch past EXACT_MAX files.
   * A table that keeps its size is refilled in place: a container at its steady size allocates nothing
   * (a new typed array per rebuild churned the native heap and the GC's external-memory accounting).
   */
  private rebuild(nowSec: number): void {
    const old = this.table!;
    const live = SCRATCH;
    let n = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 && (nowSec - old[i + 1]!) * 1000 < this.windowMs) {
        live[n * 2] = old[i]!;
        live[n * 2 + 1] = old[i + 1]!;
        n++;
      }
    }
    let slots = old.length / 2;
    while ((n + 1) * 4 > slots * 3 && slots < MAX_SLOTS) slots *= 2;
    if ((n + 1) * 4 > slots * 3) {
      this.toSketch(live, n, nowSec);
      return;
    }
    const table = slots * 2 === old.length ? old.fill(0) : new Uint32Array(slots * 2);
    const mask = slots - 1;
    for (let k = 0; k < n * 2; k += 2) {
      let i = live[k]! & mask;
      while (table[i * 2] !== 0) i = (i + 1) & mask;
      table[i * 2] = live[k]!;
      table[i * 2 + 1] = live[k + 1]!;
    }
    this.table = table;
    this.used = n;
  }

  private genOf(t: number): number {
    return Math.floor(t / Math.max(1, this.windowMs / 2));
  }

  /** `n` live [hash, counted second] pairs at the start of `live`. */
  private toSketch(live: Uint32Array, n: number, nowSec: number): void {
    this.table = null;
    this.used = 0;
    this.cur = new Uint32Array(SKETCH_WORDS);
    this.prev = new Uint32Array(SKETCH_WORDS);
    this.gen = this.genOf(nowSec * 1000);
    for (let k = 0; k < n * 2; k += 2) {
      const g = this.genOf(live[k + 1]! * 1000);
      const into = g >= this.gen ? this.cur : g === this.gen - 1 ? this.prev : null;
      if (into === null) continue;
      const bit = live[k]! & (SKETCH_BITS - 1);
      into[bit >>> 5] = into[bit >>> 5]! | (1 << (bit & 31));
    }
    this.unionBits = 0;
    for (let w = 0; w < SKETCH_WORDS; w++) this.unionBits += popcount(this.cur[w]! | this.prev[w]!);
  }

  private addSketch(hash: number, t: number): number {
    const g = this.genOf(t);
    // Late events (g < gen) count in the current generation: they can only be counted again later, not earlier.
    if (g > this.gen) {
      const older = this.prev!;
      older.fill(0);
      if (g === this.gen + 1) {
        this.prev = this.cur;
        this.cur = older;
      } else {
        this.cur!.fill(0);
      }
      this.unionBits = 0;
      for (let w = 0; w < SKETCH_WORDS; w++) this.unionBits += popcount(this.prev![w]!);
      this.gen = g;
    }
    const cur = this.cur!;
    const prev = this.prev!;
    const bit = hash & (SKETCH_BITS - 1);
    const word = bit >>> 5;
    const m = 1 << (bit & 31);
    if ((cur[word]! & m) !== 0 || (prev[word]! & m) !== 0) return 0;
    const z = this.unionBits;
    cur[word] = cur[word]! | m;
    this.unionBits++;
    return SKETCH_BITS / (SKETCH_BITS - z);
  }
}
