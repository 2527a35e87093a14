/**
 * Reads kept apart from the container's read buckets, per bucket of the same size: a builder's storage reads
 * (./container-storage.ts) and what went into the storage (./storage-ingest.ts). Buckets older than any pending
 * push's window (window + settle + lateness, as the read ring keeps) fold into one total, so a tally holds a few
 * numbers however long its container lives.
 */

/** Distinct files remembered per tally for its file count; past it every read is a new file. */
const MAX_SEEN_FILES = 16_384;

export interface BucketTally {
  ids: number[];
  bytes: number[];
  files: number[];
  /** The buckets past the horizon, folded. */
  olderBytes: number;
  olderFiles: number;
  seen: Set<number>;
  lastMs: number;
}

export interface TallySums {
  bytes: number;
  files: number;
}

export function newBucketTally(nowMs: number): BucketTally {
  return { ids: [], bytes: [], files: [], olderBytes: 0, olderFiles: 0, seen: new Set(), lastMs: nowMs };
}

/**
 * Adds a read of `bytes` of the file `hash` at `t`; a file counts again once `recountMs` passed with no read into
 * the tally (a window: as the read buckets count files; Infinity: once for good). Returns whether it was new.
 */
export function tallyRead(
  tally: BucketTally,
  t: number,
  bytes: number,
  hash: number,
  o: { bucketMs: number; horizonMs: number; recountMs: number },
): boolean {
  if (t - tally.lastMs >= o.recountMs) tally.seen.clear();
  if (t > tally.lastMs) tally.lastMs = t;
  const isNew = tally.seen.size >= MAX_SEEN_FILES || !tally.seen.has(hash);
  if (isNew && tally.seen.size < MAX_SEEN_FILES) tally.seen.add(hash);
  const id = Math.floor(t / o.bucketMs);
  let at = tally.ids.lastIndexOf(id);
  if (at < 0) {
    const oldest = Math.floor((t - o.horizonMs) / o.bucketMs) - 1;
    for (let i = tally.ids.length - 1; i >= 0; i--) {
      if (tally.ids[i]! >= oldest) continue;
      tally.olderBytes += tally.bytes[i]!;
      tally.olderFiles += tally.files[i]!;
      tally.ids.splice(i, 1);
      tally.bytes.splice(i, 1);
      tally.files.splice(i, 1);
    }
    at = tally.ids.push(id) - 1;
    tally.bytes.push(0);
    tally.files.push(0);
  }
  tally.bytes[at]! += bytes;
  if (isNew) tally.files[at]! += 1;
  return isNew;
}

/** The sums of the buckets from `fromId` to `toId`, the folded ones too when `withOlder` (all older than any window). */
export function tallySum(tally: BucketTally, fromId: number, toId: number, withOlder: boolean): TallySums {
  let bytes = withOlder ? tally.olderBytes : 0;
  let files = withOlder ? tally.olderFiles : 0;
  for (let i = 0; i < tally.ids.length; i++) {
    const id = tally.ids[i]!;
    if (id < fromId || id > toId) continue;
    bytes += tally.bytes[i]!;
    files += tally.files[i]!;
  }
  return { bytes, files };
}
