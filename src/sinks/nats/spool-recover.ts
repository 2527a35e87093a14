/**
 * Reading the spool file back at start (format: spool.ts). The file can hold far more than today's
 * bounds allow: deleted records until compaction, and a whole outage's alerts when the bounds were lowered
 * across a restart, or when it was written by a release whose bounds did not fit the heap. So it is read
 * twice, line by line: first only what each live record is (sequence, id, severity, size), to pick what
 * the bounds drop by the spool's policy; then the payloads of the records that stay. Memory holds the
 * kept alerts, never the file.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, unlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Severity } from '../../model/alert.js';
import type { Logger } from '../../telemetry/logger.js';
import type { SpoolEntry } from './spool.js';

export interface SpoolBounds {
  maxMessages: number;
  maxBytes: number;
}

/** A live record the bounds left out: counted and logged as dropped by the caller. */
export interface DroppedRecord extends Pick<SpoolEntry, 'seq' | 'id' | 'severity'> {
  /** Where its line starts in the file (bytes). */
  offset: number;
}

export interface RecoveredSpool {
  /** Live records that fit the bounds, oldest first. */
  entries: SpoolEntry[];
  dropped: DroppedRecord[];
  maxSeq: number;
}

interface RecordMeta extends DroppedRecord {
  bytes: number;
}

interface SpoolRecord {
  op?: unknown;
  seq?: unknown;
  id?: unknown;
  severity?: unknown;
  rule?: unknown;
  alert?: unknown;
}

/** The severities a full spool drops first (the spool's policy; recovery applies the same). */
export const LOW_SEVERITIES: ReadonlySet<string> = new Set(['info', 'low']);

export async function recoverSpool(path: string, bounds: SpoolBounds, logger: Logger): Promise<RecoveredSpool> {
  await unlink(`${path}.tmp`).catch(() => undefined);
  const live = new Map<number, RecordMeta>();
  let maxSeq = 0;
  let skipped = 0;
  const found = await eachRecord(path, (record, seq, offset) => {
    if (record === null) {
      skipped++;
      return;
    }
    maxSeq = Math.max(maxSeq, seq);
    if (record.op === 'del') live.delete(seq);
    else if (isAdd(record)) {
      const bytes = Buffer.byteLength(JSON.stringify(record.alert));
      live.set(seq, { seq, id: record.id, severity: record.severity as Severity, bytes, offset });
    } else skipped++;
  });
  if (!found) return { entries: [], dropped: [], maxSeq: 0 };
  if (skipped > 0) logger.warn({ path, skipped }, 'skipped unreadable spool records (a write torn by a crash)');

  const dropped = overBounds(
    [...live.values()].sort((a, b) => a.seq - b.seq),
    bounds,
  );
  for (const d of dropped) live.delete(d.seq);
  const entries: SpoolEntry[] = [];
  if (live.size > 0) {
    await eachRecord(path, (record, seq) => {
      if (record !== null && live.has(seq) && isAdd(record)) {
        const { id, severity, rule } = record;
        entries.push({ seq, id, severity: severity as Severity, rule, payload: JSON.stringify(record.alert) });
        // A record written twice under one sequence (never by this spool): the last one counts, as before.
        live.delete(seq);
      }
    });
  }
  return { entries: entries.sort((a, b) => a.seq - b.seq), dropped, maxSeq };
}

function isAdd(r: SpoolRecord): r is SpoolRecord & { id: string; severity: string; rule: string } {
  return (
    r.op === 'add' &&
    typeof r.id === 'string' &&
    typeof r.severity === 'string' &&
    typeof r.rule === 'string' &&
    !!r.alert
  );
}

/**
 * What the spool's full policy drops from `records` (oldest first) to fit `bounds`: the oldest info/low
 * first, then the oldest overall, as a full spool does at runtime.
 */
export function overBounds(records: RecordMeta[], bounds: SpoolBounds): RecordMeta[] {
  let count = records.length;
  let bytes = 0;
  for (const r of records) bytes += r.bytes;
  const lows = records.filter((r) => LOW_SEVERITIES.has(r.severity));
  const dropped = new Set<RecordMeta>();
  let nextLow = 0;
  let nextAny = 0;
  while (count > bounds.maxMessages || bytes > bounds.maxBytes) {
    let victim: RecordMeta | undefined;
    if (nextLow < lows.length) victim = lows[nextLow++];
    else {
      while (nextAny < records.length && dropped.has(records[nextAny]!)) nextAny++;
      victim = records[nextAny++];
    }
    if (victim === undefined) break;
    dropped.add(victim);
    count--;
    bytes -= victim.bytes;
  }
  return [...dropped];
}

/**
 * Calls `visit` for every non-empty line of the file: the parsed record and its sequence, or null for a
 * line that is not a record (torn by a crash), and where the line starts (bytes; exact for the records this
 * spool writes: one `\n` ends each, and valid UTF-8 reads back to its own length). False when there is no file.
 */
async function eachRecord(
  path: string,
  visit: (record: SpoolRecord | null, seq: number, offset: number) => void,
): Promise<boolean> {
  let input: FileHandle;
  try {
    input = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const lines = createInterface({ input: input.createReadStream({ encoding: 'utf8' }), crlfDelay: Infinity });
  let next = 0;
  try {
    for await (const line of lines) {
      const offset = next;
      next += Buffer.byteLength(line) + 1;
      if (line === '') continue;
      let record: SpoolRecord;
      try {
        record = JSON.parse(line) as SpoolRecord;
      } catch {
        visit(null, Number.NaN, offset);
        continue;
      }
      const seq = typeof record?.seq === 'number' ? record.seq : Number.NaN;
      visit(Number.isSafeInteger(seq) ? record : null, seq, offset);
    }
  } finally {
    lines.close();
  }
  return true;
}

/**
 * Turns the add records of `dropped` into delete records where they stand (`"op":"add"` → `"op":"del"`, the
 * same length), for when the compaction that would have left them out failed (a full disk): overwriting in
 * place needs no free space, and the next start neither loads them nor counts them as dropped again. A
 * record is only changed after its line is checked to be that record. Returns those left unmarked.
 */
export async function markDroppedInPlace(path: string, dropped: readonly DroppedRecord[]): Promise<DroppedRecord[]> {
  if (dropped.length === 0) return [];
  const del = Buffer.from('del');
  const unmarked: DroppedRecord[] = [];
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r+');
    for (const d of dropped) {
      const expected = Buffer.from(`{"op":"add","seq":${d.seq},`);
      const found = Buffer.alloc(expected.length);
      const { bytesRead } = await fh.read(found, 0, found.length, d.offset);
      if (bytesRead === found.length && found.equals(expected)) await fh.write(del, 0, del.length, d.offset + 7);
      else unmarked.push(d);
    }
    await fh.datasync();
    return unmarked;
  } catch {
    // Not known to be on disk: each one is recorded again by the caller (a second delete is harmless).
    return [...dropped];
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** The file's length up to its last newline: past it is a record torn by a crash. */
export async function wholeLinesLength(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    for (let end = (await fh.stat()).size; end > 0; ) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await fh.read(chunk, 0, end - start, start);
      const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) return start + newline + 1;
      end = start;
    }
    return 0;
  } finally {
    await fh.close();
  }
}
