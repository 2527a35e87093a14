/**
 * Read accounting for one container: bytes and distinct files into the time buckets, the biggest files
 * (bounded), sensitive files, archive staging. The hot path of every counted file event.
 */
import type { FileEvent } from '../model/normalized-event.js';
import type { CorrelatorConfig } from './config.js';
import type { ContainerState, FileEntry, ProcState } from './state.js';

export class ReadTracker {
  constructor(
    private readonly cfg: CorrelatorConfig,
    private readonly bucketMs: number,
    private readonly slots: number,
    private readonly fileEvicted: { inc(): void },
    private readonly outOfWindow: { inc(): void },
  ) {}

  /** Counts one read (or open) of a non-noise path by `proc` in container `c`. */
  record(c: ContainerState, proc: ProcState, e: FileEvent, sensitive: boolean): void {
    const f = e.file;
    const t = e.timeMs;
    const bytes = f.bytes !== null && f.bytes > 0 ? f.bytes : 0;
    const secret = sensitive ? this.noteSensitive(c, f.path, e, proc) : null;
    let files = c.files;
    if (files === null) {
      files = new Map();
      c.files = files;
    }
    let entry = files.get(f.path);
    let isNew = false;
    if (entry === undefined) {
      if (files.size >= this.cfg.caps.maxFilesPerContainer) this.pruneFiles(c, t);
      entry = {
        path: f.path,
        bytes: 0,
        firstMs: t,
        lastMs: t,
        countedMs: t,
        time: e.time,
        binary: proc.binary,
        pushEp: null,
      };
      files.set(f.path, entry);
      isNew = true;
    } else if (t - entry.countedMs >= this.cfg.windowMs) {
      // Re-read after a whole window: it is a distinct file of the new window.
      entry.countedMs = t;
      entry.firstMs = t;
      entry.time = e.time;
      entry.bytes = 0;
      entry.pushEp = null;
      isNew = true;
    }
    entry.bytes += bytes;
    if (t > entry.lastMs) entry.lastMs = t;
    if (!c.addToBucket(t, bytes, isNew, this.bucketMs, this.slots)) {
      this.outOfWindow.inc();
      return;
    }
    if (c.pending.length > 0) this.notePending(c, proc, t, bytes, isNew, entry, secret);
    if (proc.archiver) {
      if (isNew) proc.archiveFiles++;
      proc.archiveBytes += bytes;
      if (!proc.archiveFlagged && proc.archiveFiles >= this.cfg.reads.archiveMinFiles) {
        proc.archiveFlagged = true;
        const marks = c.archives ?? [];
        c.archives = marks;
        if (marks.length >= 4) marks.shift();
        marks.push({ proc, timeMs: proc.timeMs, time: proc.time });
      }
    }
  }

  /**
   * A read while pushes of this container are pending. The read buckets are coarse (window / 30), so a
   * push's read total would otherwise depend on where push + pushSettleMs falls within its bucket: the
   * bucket holds reads up to a minute later. Here, per pending push, reads after its settle time are
   * either taken back out of that bucket (another process's) or, when its own lineage read them, counted
   * whatever the bucket (a streaming uploader reads while it sends). Pending pushes are rare: not the
   * common path.
   */
  private notePending(
    c: ContainerState,
    proc: ProcState,
    t: number,
    bytes: number,
    isNew: boolean,
    entry: FileEntry,
    secret: FileEntry | null,
  ): void {
    const { pushSettleMs } = this.cfg;
    const bucket = Math.floor(t / this.bucketMs);
    for (const ep of c.pending) {
      if (ep.judged || t <= ep.timeMs || t > ep.dueMs) continue;
      const toMs = ep.timeMs + pushSettleMs;
      if (t <= toMs) {
        if (t > ep.settleLastMs) ep.settleLastMs = t;
        continue;
      }
      const sameBucket = bucket === Math.floor(toMs / this.bucketMs);
      if (proc.episode === ep) {
        if (!sameBucket) {
          ep.lateAddBytes += bytes;
          if (isNew) ep.lateAddFiles++;
        }
        if (t > ep.lateLastMs) ep.lateLastMs = t;
        entry.pushEp = ep;
        if (secret !== null) secret.pushEp = ep;
      } else if (sameBucket) {
        ep.lateSubBytes += bytes;
        if (isNew) ep.lateSubFiles++;
      }
    }
  }

  private noteSensitive(c: ContainerState, path: string, e: FileEvent, proc: ProcState): FileEntry {
    const list = c.sensitive ?? [];
    c.sensitive = list;
    const t = e.timeMs;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (s.path === path) {
        // Read again after a whole window: it belongs to the new window from now on.
        if (t - s.lastMs >= this.cfg.windowMs) {
          s.firstMs = t;
          s.time = e.time;
          s.binary = proc.binary;
          s.pushEp = null;
        }
        if (t > s.lastMs) s.lastMs = t;
        return s;
      }
    }
    if (list.length >= this.cfg.caps.maxSensitivePerContainer) {
      let oldest = 0;
      for (let i = 1; i < list.length; i++) if (list[i]!.lastMs < list[oldest]!.lastMs) oldest = i;
      list.splice(oldest, 1);
      this.fileEvicted.inc();
    }
    const s: FileEntry = {
      path,
      bytes: 0,
      firstMs: t,
      lastMs: t,
      countedMs: t,
      time: e.time,
      binary: proc.binary,
      pushEp: null,
    };
    list.push(s);
    return s;
  }

  /** Drops stale entries, then the smallest, down to 3/4 of the cap (amortised: sorts once per cap/4 inserts). */
  private pruneFiles(c: ContainerState, t: number): void {
    const files = c.files!;
    const horizon = t - this.cfg.windowMs - this.cfg.latenessMs;
    for (const [k, f] of files) if (f.lastMs < horizon) files.delete(k);
    const target = Math.floor((this.cfg.caps.maxFilesPerContainer * 3) / 4);
    if (files.size <= target) return;
    const bySize = [...files.values()].sort((a, b) => a.bytes - b.bytes);
    for (let i = 0; i < bySize.length - target; i++) {
      files.delete(bySize[i]!.path);
      this.fileEvicted.inc();
    }
  }
}
