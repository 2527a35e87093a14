/**
 * How the spool makes room (format and policy: spool.ts): the file half of a compaction (the live records
 * written to a temp file, fsync'd and renamed over the spool; the spool swaps its file handle and bookkeeping
 * afterwards), what a failed one at start leaves, and which alert a full spool drops.
 */
import { type FileHandle, mkdir, open, rename, unlink } from 'node:fs/promises';
import type { SpoolEntry } from './spool.js';
import { addRecord, writeAll } from './spool-file.js';
import { wholeLinesLength } from './spool-recover.js';

/** Characters written per write while compacting. */
const COMPACT_CHUNK = 1024 * 1024;

export interface CompactedFile {
  /** The new file's length: where a torn append is cut back to. */
  bytes: number;
  /** Entries held in memory only until now that the new file holds. */
  nowWritten: number[];
}

/**
 * Whether the deleted records in the file are worth a rewrite: many of them (and more than live ones), or as
 * many alert bytes as the spool may hold. By bytes too, because a count alone let 1000 deleted alerts of a few
 * KB each fill the disk many times over a small maxBytes; this keeps the file within about twice maxBytes.
 */
export function compactionDue(
  deadRecords: number,
  deadBytes: number,
  live: number,
  bounds: { maxBytes: number; compactAfterDeletes?: number },
): boolean {
  const manyDead = deadRecords >= (bounds.compactAfterDeletes ?? 1000) && deadRecords > live;
  return manyDead || deadBytes >= bounds.maxBytes;
}

/**
 * Replaces `path` with the records of `entries`. On a failure before the rename the spool file is
 * untouched and the temp file removed (a partial copy on a full disk holds the very space the spool needs).
 */
export async function writeCompactedSpool(
  dir: string,
  path: string,
  entries: Iterable<SpoolEntry>,
  memoryOnly: ReadonlySet<number>,
): Promise<CompactedFile> {
  const tmp = `${path}.tmp`;
  // The whole directory deleted under us (a cleanup job): without it every write failed, and the alerts
  // counted as spooled lived only in the deleted file, lost at the next start.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const out = await open(tmp, 'w', 0o600);
  let bytes = 0;
  const nowWritten: number[] = [];
  try {
    // In pieces: one string of the whole spool would hold it in memory twice.
    let text = '';
    for (const e of entries) {
      text += addRecord(e);
      if (memoryOnly.has(e.seq)) nowWritten.push(e.seq);
      if (text.length >= COMPACT_CHUNK) {
        bytes += await writeAll(out, text);
        text = '';
      }
    }
    bytes += await writeAll(out, text);
    await out.chmod(0o600);
    await out.datasync();
  } catch (err) {
    await out.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await out.close();
  await rename(tmp, path);
  return { bytes, nowWritten };
}

/**
 * The compaction at open failed: the file is appended to as it is, cut back past any torn last record (that
 * needs no free space; an append glued to a torn record would be lost with it). Returns its new length.
 */
export async function cutToWholeLines(path: string, fh: FileHandle): Promise<number> {
  await unlink(`${path}.tmp`).catch(() => undefined);
  const length = await wholeLinesLength(path);
  await fh.truncate(length);
  return length;
}

/**
 * A full spool's victim: oldest info/low first, then oldest overall, never one in `busy` (being published).
 * When the incoming alert is info/low and no older info/low is spooled, the incoming one is the oldest
 * info/low: it goes (null) rather than an older serious one.
 */
export function pickVictim(
  lows: ReadonlyMap<number, SpoolEntry>,
  entries: ReadonlyMap<number, SpoolEntry>,
  busy: ReadonlySet<number>,
  incomingIsLow: boolean,
): SpoolEntry | null {
  for (const entry of lows.values()) if (!busy.has(entry.seq)) return entry;
  if (incomingIsLow) return null;
  for (const entry of entries.values()) if (!busy.has(entry.seq)) return entry;
  return null;
}
