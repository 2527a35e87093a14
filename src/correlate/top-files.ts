/**
 * The biggest files a container read (space-saving, at most caps.maxFilesPerContainer), kept in columns:
 * the numbers of every entry in a block of a shared Float64Array (./blocks.ts), the strings in an array.
 * As objects, each of the ~80,000 entries of 10,000 containers cost a 104-byte object plus six 16-byte
 * boxed doubles; in columns a container's list is one small object and one array. Judging copies the
 * entries it shows into FileEntry objects (./judge.ts), so nothing outside ReadTracker sees the columns.
 */
import { BlockPool } from './blocks.js';
import type { FileEntry, PushEpisode } from './state.js';
import type { TimeNote } from './times.js';

/** Numbers per entry: [hash, bytes, err, firstMs, lastMs]. */
export const TOP_STRIDE = 5;
const STRIDE = TOP_STRIDE;
export const F_HASH = 0;
export const F_BYTES = 1;
/** Bytes the entry it replaced was credited with (space-saving's error bound): only used to pick victims. */
export const F_ERR = 2;
export const F_FIRST = 3;
export const F_LAST = 4;
/**
 * When this path was last counted as a distinct file in the read buckets: always its first read since it
 * was listed or re-counted (both are set together), so the same number.
 */
export const F_COUNTED = F_FIRST;
/** Strings per entry: [path, time (./times.ts: usually a small integer), binary]. */
const TEXT_STRIDE = 3;
const T_PATH = 0;
const T_TIME = 1;
const T_BINARY = 2;

/** The number blocks of every container's top list (capacity × TOP_STRIDE each). */
export function topFilesPool(capacity: number): BlockPool<Float64Array> {
  return new BlockPool(capacity * STRIDE, (n) => new Float64Array(n), 0);
}

export class TopFiles {
  /** Entries listed (≤ capacity). */
  length = 0;
  /**
   * STRIDE numbers per entry from `base` in a chunk shared with other containers (`block`: its handle). In
   * the V8 heap (a plain double array) the 10,000 lists' numbers were ~4 MB that the GC moved and its
   * heap limit counted; a typed array of its own per list costs ~300 bytes beside the data.
   */
  private readonly num: Float64Array;
  private readonly base: number;
  private block: number;
  /**
   * TEXT_STRIDE strings per entry: [path, first read's time string (evidence), binary]. One array sized
   * once: three arrays grown by appending held ~550 bytes per container, this one ~240.
   */
  private readonly text: Array<string | TimeNote | null>;
  /** A push whose own processes read this file after its settle time (it is part of that push); rare: lazily made. */
  pushEp: Array<PushEpisode | null> | null = null;

  constructor(
    readonly capacity: number,
    private readonly pool: BlockPool<Float64Array>,
  ) {
    this.block = pool.alloc();
    this.num = pool.chunkOf(this.block);
    this.base = pool.offsetOf(this.block);
    this.text = new Array<string | TimeNote | null>(capacity * TEXT_STRIDE).fill(null);
  }

  /** Gives its block back to the pool (its container is gone): it must not be used after this. */
  release(): void {
    if (this.block < 0) return;
    this.pool.release(this.block);
    this.block = -1;
  }

  /** Index of the entry for this path, or -1. Hashes are compared first (numbers, no string access). */
  find(hash: number, path: string): number {
    const num = this.num;
    for (let i = 0, o = this.base + F_HASH; i < this.length; i++, o += STRIDE) {
      if (num[o] === hash && this.text[i * TEXT_STRIDE + T_PATH] === path) return i;
    }
    return -1;
  }

  get(i: number, field: number): number {
    return this.num[this.base + i * STRIDE + field]!;
  }

  set(i: number, field: number, value: number): void {
    this.num[this.base + i * STRIDE + field] = value;
  }

  add(i: number, field: number, value: number): void {
    const o = this.base + i * STRIDE + field;
    this.num[o] = this.num[o]! + value;
  }

  /** (Re)starts entry i for a path first read (or re-counted) at t. */
  reset(i: number, hash: number, path: string, err: number, t: number, time: TimeNote, binary: string | null): void {
    const o = this.base + i * STRIDE;
    const num = this.num;
    num[o + F_HASH] = hash;
    num[o + F_BYTES] = 0;
    num[o + F_ERR] = err;
    num[o + F_FIRST] = t;
    num[o + F_LAST] = t;
    const to = i * TEXT_STRIDE;
    this.text[to + T_PATH] = path;
    this.text[to + T_TIME] = time;
    this.text[to + T_BINARY] = binary;
    if (this.pushEp !== null) this.pushEp[i] = null;
  }

  /** Entry i counts afresh from t (read again a whole window after it was counted): path, last read and binary stay. */
  recount(i: number, t: number, time: TimeNote): void {
    const o = this.base + i * STRIDE;
    this.num[o + F_BYTES] = 0;
    this.num[o + F_ERR] = 0;
    this.num[o + F_FIRST] = t;
    this.text[i * TEXT_STRIDE + T_TIME] = time;
    if (this.pushEp !== null) this.pushEp[i] = null;
  }

  pushEpOf(i: number): PushEpisode | null {
    return this.pushEp === null ? null : (this.pushEp[i] ?? null);
  }

  setPushEp(i: number, ep: PushEpisode | null): void {
    if (this.pushEp === null) {
      if (ep === null) return;
      this.pushEp = new Array<PushEpisode | null>(this.capacity).fill(null);
    }
    this.pushEp[i] = ep;
  }

  /** Entry i as the FileEntry judging and alerts read (a copy). */
  entry(i: number): FileEntry {
    const o = this.base + i * STRIDE;
    const num = this.num;
    const to = i * TEXT_STRIDE;
    return {
      path: this.text[to + T_PATH] as string,
      hash: num[o + F_HASH]!,
      bytes: num[o + F_BYTES]!,
      err: num[o + F_ERR]!,
      firstMs: num[o + F_FIRST]!,
      lastMs: num[o + F_LAST]!,
      countedMs: num[o + F_COUNTED]!,
      time: this.text[to + T_TIME] as TimeNote,
      binary: this.text[to + T_BINARY] as string | null,
      pushEp: this.pushEpOf(i),
    };
  }
}
