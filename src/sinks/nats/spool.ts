/**
 * The bounded on-disk spool behind the NATS sink: every alert is written here (and fsync'd) before the
 * sink reports it accepted, and removed once the broker acknowledged it. So an alert is only in memory
 * when the disk refuses it (append, below), a broker outage costs nothing, and a restart of exfilwatch
 * (even SIGKILL) replays what was pending, in order.
 *
 * Format: one file `<dir>/alerts.spool`, mode 0600, JSON lines, append-only:
 *   {"op":"add","seq":N,"id":"…","severity":"high","rule":"…","alert":{…}}   waiting for delivery
 *   {"op":"del","seq":N}                                                      delivered (or dropped)
 * Appends are group-committed: one write + fdatasync for everything queued meanwhile. At open, and when
 * deleted records outnumber live ones, the file is rewritten with the live records only (temp file,
 * fsync, rename, directory fsync; while that fsync fails, no append is reported durable). A torn last line
 * (crash mid-write) is skipped and counted.
 * An add record dropped at start whose compaction failed is turned into a del where it stands.
 *
 * Bounds: `maxMessages` and `maxBytes` (sum of alert JSON sizes). When an append would exceed one, the
 * oldest info/low alert goes first, then the oldest overall; alerts being published are never chosen.
 */
import { constants, mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../errors.js';
import type { Severity } from '../../model/alert.js';
import type { Logger } from '../../telemetry/logger.js';
import type { Metrics } from '../../telemetry/metrics.js';
import { compactionDue, cutToWholeLines, pickVictim, writeCompactedSpool } from './spool-compact.js';
import { addRecord, fsyncDir, writeAll } from './spool-file.js';
import { LOW_SEVERITIES, markDroppedInPlace, recoverSpool } from './spool-recover.js';

export interface SpoolOptions {
  dir: string;
  maxMessages: number;
  maxBytes: number;
  /** Rewrite the file when at least this many deleted records are in it and they outnumber live ones. */
  compactAfterDeletes?: number;
}

export interface SpoolDeps {
  logger: Logger;
  metrics: Metrics;
}

export interface SpoolEntry {
  readonly seq: number;
  readonly id: string;
  readonly severity: Severity;
  /** Alert rule (part of the subject). */
  readonly rule: string;
  /** The alert JSON, exactly as it will be published. */
  readonly payload: string;
}

export const SPOOL_FILE = 'alerts.spool';

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export class Spool {
  private readonly entries = new Map<number, SpoolEntry>();
  /**
   * The info/low ones among them, oldest first: the first victims of a full spool. (Looking for them in
   * `entries` walked past every older serious alert on each drop: quadratic in a long outage.)
   */
  private readonly lows = new Map<number, SpoolEntry>();
  private liveBytes = 0;
  private deadRecords = 0;
  private deadBytes = 0; // alert bytes of the records deleted since the last compaction
  /** The file's length as this spool wrote it: where a torn append is cut back to. */
  private fileBytes = 0;
  private nextSeq = 1;
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  private writing: Promise<void> | null = null;
  private closed = false;
  /** Appends admitted by the bounds but not yet durable (so concurrent appends cannot overshoot). */
  private reservedCount = 0;
  private reservedBytes = 0;
  /** Entries the caller is publishing right now: never chosen as drop victims. */
  private readonly busy = new Set<number>();
  /** The last compaction's directory fsync failed: retried before an append is reported durable. */
  private dirUnsynced = false;
  /**
   * Live entries whose add record the disk refused: written again once a write succeeds (they were in no
   * file until the next compaction, so a restart hours after the disk recovered still lost them).
   */
  private readonly unwritten = new Set<number>();
  /** Told of every entry appended after open (the publisher's queue; open's are in values()). */
  onAppend: ((entry: SpoolEntry) => void) | null = null;

  private constructor(
    private readonly path: string,
    private fh: FileHandle,
    private readonly options: SpoolOptions,
    private readonly deps: SpoolDeps,
  ) {}

  /** Opens (creating with mode 0700/0600) and recovers the spool in `options.dir`. */
  static async open(options: SpoolOptions, deps: SpoolDeps): Promise<Spool> {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const path = join(options.dir, SPOOL_FILE);
    const recovered = await recoverSpool(path, options, deps.logger);
    const fh = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    const spool = new Spool(path, fh, options, deps);
    for (const entry of recovered.entries) spool.addLive(entry);
    // More than today's bounds allow (bounds lowered across a restart): the policy's victims were not loaded.
    for (const entry of recovered.dropped) spool.countDrop(entry, 'over the spool bounds at start');
    spool.nextSeq = recovered.maxSeq + 1;
    try {
      await spool.compact();
    } catch (err) {
      // A full disk made start-up fail here (exit 2, again at every restart): the spooled alerts were never
      // delivered and nothing was watched. The records are loaded; the file is kept as it is and appended to.
      await spool.keepUncompacted(err);
      // The dropped ones stayed in it, live: loaded or counted again at the next start. Marked where they stand.
      const unmarked = await markDroppedInPlace(path, recovered.dropped);
      for (const d of unmarked) void spool.write(`{"op":"del","seq":${d.seq}}\n`, false).catch(() => undefined);
    }
    deps.metrics.alertSpoolMessages.set(spool.entries.size);
    if (spool.entries.size > 0) {
      deps.logger.info(
        { spooled: spool.entries.size, bytes: spool.liveBytes },
        'recovered spooled alerts; they are delivered first',
      );
    }
    return spool;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.liveBytes;
  }

  /** Live entries, oldest first. */
  values(): IterableIterator<SpoolEntry> {
    return this.entries.values();
  }

  head(): SpoolEntry | undefined {
    return this.entries.values().next().value;
  }

  has(seq: number): boolean {
    return this.entries.has(seq);
  }

  /** Marks entries being published (protected from the full-spool policy) or releases them. */
  setBusy(seq: number, busy: boolean): void {
    if (busy) this.busy.add(seq);
    else this.busy.delete(seq);
  }

  /**
   * Appends an alert; resolves once it is on disk (fdatasync'd). Returns false when the spool was full
   * and this alert itself was the one dropped (counted and logged). When the disk refuses the write (full,
   * read-only, I/O error) the alert is still kept, in memory only, within the same bounds: it is delivered
   * while the broker is up, and lost only if exfilwatch restarts first (counted and logged).
   */
  async append(item: Omit<SpoolEntry, 'seq'>): Promise<boolean> {
    if (this.closed) throw new Error('spool closed');
    const bytes = Buffer.byteLength(item.payload);
    if (!this.makeRoom({ seq: 0, ...item }, bytes)) return false;
    const entry: SpoolEntry = { seq: this.nextSeq++, ...item };
    this.reservedCount++;
    this.reservedBytes += bytes;
    try {
      await this.write(addRecord(entry), true);
    } catch (err) {
      if (this.closed) throw err;
      this.unwritten.add(entry.seq);
      this.deps.metrics.alertSpoolWriteFailures.inc();
      this.deps.logger.warn(
        { alertId: entry.id, severity: entry.severity, err: errorMessage(err) },
        'spool write failed: alert kept in memory only until the broker takes it (lost if exfilwatch restarts first)',
      );
    } finally {
      this.reservedCount--;
      this.reservedBytes -= bytes;
    }
    // Only once durable does the entry become visible to the publisher.
    this.addLive(entry);
    this.deps.metrics.alertSpoolMessages.set(this.entries.size);
    this.onAppend?.(entry);
    return true;
  }

  /** Delivered: forget it. The delete record rides on the next group commit (a lost delete = a re-send the broker de-duplicates). */
  remove(seq: number): void {
    // After close, an ack that still arrives is forgotten: the entry is re-sent next start and de-duplicated.
    if (this.closed || !this.removeLive(seq)) return;
    this.deps.metrics.alertSpoolMessages.set(this.entries.size);
    void this.write(`{"op":"del","seq":${seq}}\n`, false).catch(() => undefined);
  }

  /** Waits for queued writes (and gives alerts held in memory only a last try), then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.writing) await this.writing;
    if (this.unwritten.size > 0) {
      const lastTry = [...this.unwritten];
      await this.write(lastTry.map((seq) => addRecord(this.entries.get(seq)!)).join(''), true).then(
        () => this.unwritten.clear(),
        () => undefined,
      );
    }
    // Not delivered and in no file: gone with this process. Counted and logged here, where they are lost.
    for (const seq of this.unwritten)
      this.countDrop(
        this.entries.get(seq)!,
        'the disk refused it and it was undelivered at stop',
        'check the spool disk',
      );
    await this.fh.close();
  }

  private addLive(entry: SpoolEntry): void {
    this.entries.set(entry.seq, entry);
    if (LOW_SEVERITIES.has(entry.severity)) this.lows.set(entry.seq, entry);
    this.liveBytes += Buffer.byteLength(entry.payload);
  }

  private removeLive(seq: number): boolean {
    const entry = this.entries.get(seq);
    if (!entry) return false;
    this.entries.delete(seq);
    this.unwritten.delete(seq);
    this.lows.delete(seq);
    this.busy.delete(seq);
    this.liveBytes -= Buffer.byteLength(entry.payload);
    this.deadBytes += Buffer.byteLength(entry.payload);
    this.deadRecords++;
    return true;
  }

  /** Frees room for an incoming entry of `bytes`; false when the incoming one is itself the victim. */
  private makeRoom(incoming: SpoolEntry, bytes: number): boolean {
    if (bytes > this.options.maxBytes) {
      this.countDrop(incoming, 'larger than spool.maxBytes');
      return false;
    }
    const full = () =>
      this.entries.size + this.reservedCount + 1 > this.options.maxMessages ||
      this.liveBytes + this.reservedBytes + bytes > this.options.maxBytes;
    while (full()) {
      const victim = pickVictim(this.lows, this.entries, this.busy, LOW_SEVERITIES.has(incoming.severity));
      if (!victim) {
        this.countDrop(incoming, 'spool full');
        return false;
      }
      this.drop(victim);
    }
    return true;
  }

  /** Drops an entry that can never be delivered (the broker refuses it): counted and logged like a full spool's. */
  discard(seq: number, why: string): void {
    const entry = this.entries.get(seq);
    if (this.closed || entry === undefined) return;
    this.drop(entry, why, "raise the server's max_payload (or the stream's max_msg_size)");
  }

  private drop(entry: SpoolEntry, why = 'spool full', hint?: string): void {
    this.removeLive(entry.seq);
    void this.write(`{"op":"del","seq":${entry.seq}}\n`, false).catch(() => undefined);
    this.countDrop(entry, why, hint);
    this.deps.metrics.alertSpoolMessages.set(this.entries.size);
  }

  private countDrop(
    entry: Pick<SpoolEntry, 'id' | 'severity'>,
    why: string,
    hint = 'raise sinks.nats.spool bounds or restore the broker',
  ): void {
    this.deps.metrics.alertSpoolDropped.labels(entry.severity).inc();
    this.deps.logger.error(
      {
        alertId: entry.id,
        severity: entry.severity,
        spooled: this.entries.size,
        maxMessages: this.options.maxMessages,
        maxBytes: this.options.maxBytes,
      },
      `alert dropped from the NATS spool (${why}); ${hint}`,
    );
  }

  /** Queues a line; the writer loop group-commits. `durable` callers wait for the fdatasync. */
  private write(line: string, durable: boolean): Promise<void> {
    this.pending.push(line);
    const done = durable
      ? new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }))
      : Promise.resolve();
    this.writing ??= this.writerLoop().finally(() => {
      this.writing = null;
    });
    return done;
  }

  private async writerLoop(): Promise<void> {
    /** Entries whose add record is written again in the next batch (queued after the last good one). */
    let rewriting: number[] = [];
    while (this.pending.length > 0) {
      const lines = this.pending;
      const waiters = this.waiters;
      const rewritten = rewriting;
      this.pending = [];
      this.waiters = [];
      rewriting = [];
      try {
        try {
          this.fileBytes += await writeAll(this.fh, lines.join(''));
        } catch (err) {
          // A short write (disk full) left a torn record: cut it off, or the next record would be glued to it
          // and both lost at the next start.
          await this.fh.truncate(this.fileBytes).catch(() => undefined);
          throw err;
        }
        await this.fh.datasync();
        if (this.dirUnsynced) await this.syncDir();
        for (const seq of rewritten) this.unwritten.delete(seq);
        // The disk takes writes again: what it refused before is written now (a second add of one seq whose
        // first did land, e.g. before a failed fsync, is harmless: recovery keeps one).
        if (rewritten.length === 0 && this.unwritten.size > 0 && !this.closed) {
          rewriting = [...this.unwritten];
          this.pending.push(...rewriting.map((seq) => addRecord(this.entries.get(seq)!)));
          this.deps.logger.info({ alerts: rewriting.length }, 'NATS spool: writing the alerts held in memory only');
        }
        for (const w of waiters) w.resolve();
        // Deleted under us (an operator, a cleanup job): appends would go to a file no start can read.
        if ((await this.fh.stat()).nlink === 0) {
          this.deps.logger.warn({ path: this.path }, 'NATS spool file was deleted; writing it again');
          await this.compact();
        }
      } catch (err) {
        const error = new Error(`spool write failed: ${errorMessage(err)}`, { cause: err });
        this.deps.logger.error({ path: this.path, err: error.message }, 'NATS spool write failed');
        for (const w of waiters) w.reject(error);
      }
      if (compactionDue(this.deadRecords, this.deadBytes, this.entries.size, this.options)) {
        await this.compact().catch((err) =>
          this.deps.logger.warn(
            { path: this.path, err: errorMessage(err) },
            'NATS spool compaction failed; will retry',
          ),
        );
      }
    }
  }

  /** The compaction at open failed: go on appending to the file as it is, past any torn last record. */
  private async keepUncompacted(err: unknown): Promise<void> {
    this.fileBytes = await cutToWholeLines(this.path, this.fh);
    this.deps.metrics.alertSpoolWriteFailures.inc();
    this.deps.logger.warn(
      { path: this.path, err: errorMessage(err) },
      'NATS spool could not be compacted at start (disk full?); appending to it as it is',
    );
  }

  /** Rewrites the file with live entries only. Runs inside the writer loop (or before it starts). */
  private async compact(): Promise<void> {
    // The live entries now, and where the queue stands: deletes queued before this are of entries the new
    // file leaves out; those queued while it is written (an ack meanwhile) are of entries it holds.
    const live = [...this.entries.values()];
    const queuedBefore = this.pending.length;
    const { bytes, nowWritten } = await writeCompactedSpool(this.options.dir, this.path, live, this.unwritten);
    // From the rename on, the name is the new file, whatever the directory fsync says: appends kept going to
    // the old, unlinked one when it failed, and an alert reported spooled was in no file a restart reads.
    const old = this.fh;
    this.fh = await open(this.path, constants.O_WRONLY | constants.O_APPEND, 0o600);
    await old.close().catch(() => undefined);
    // A torn append is cut back to this length.
    this.fileBytes = bytes;
    const isDelete = (line: string) => line.startsWith('{"op":"del"');
    const since = this.pending.slice(queuedBefore);
    this.pending = [...this.pending.slice(0, queuedBefore).filter((line) => !isDelete(line)), ...since];
    this.deadRecords = since.filter(isDelete).length;
    this.deadBytes = 0;
    for (const seq of nowWritten) this.unwritten.delete(seq);
    this.dirUnsynced = true;
    await this.syncDir().catch((err) => {
      this.deps.metrics.alertSpoolWriteFailures.inc();
      this.deps.logger.warn(
        { path: this.path, err: errorMessage(err) },
        'NATS spool directory fsync failed after compaction; appends are reported durable once it succeeds',
      );
    });
  }

  /** Until a compaction's rename is fsync'd with its directory, a crash may undo it, and the appends since. */
  private async syncDir(): Promise<void> {
    await fsyncDir(this.options.dir);
    this.dirUnsynced = false;
  }
}
