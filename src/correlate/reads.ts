/**
 * Read accounting for one container: bytes and distinct files into the time buckets, the biggest files
 * (bounded), sensitive files, archive staging. The hot path of every counted file event.
 */
import type { FileEvent } from '../model/normalized-event.js';
import type { BlockPool } from './blocks.js';
import type { ReadBuckets } from './buckets.js';
import type { CorrelatorConfig } from './config.js';
import { builderStorageRead } from './container-storage.js';
import { DistinctFiles, DistinctPools, hashPath } from './distinct-files.js';
import { archiveTwin, byteLeadsPool, releaseByteLeads, sameProcess } from './dual-sensor.js';
import { HashedPathPool } from './intern.js';
import { kanikoRootRead } from './kaniko-reads.js';
import { pathInsideRootLinks } from './procfs-paths.js';
import type { ArchiveMark, ContainerState, FileEntry, ProcState, PushEpisode, SensitiveEntry } from './state.js';
import { noteStdinRead } from './stdin-fed.js';
import { noteTime } from './times.js';
import { F_BYTES, F_COUNTED, F_ERR, F_LAST, TopFiles, topFilesPool } from './top-files.js';

/** Archive staging marks kept per container (the alert's archive evidence, the rule's archive staging). */
const MAX_ARCHIVE_MARKS = 4;

/** Slots of the pool of listed paths (two-way, 32 KB, plus the paths): the bench stream lists ~1,500 distinct. */
const POOLED_PATHS = 8192;

export class ReadTracker {
  private readonly pathPool = new HashedPathPool(POOLED_PATHS);
  private readonly distinctPools = new DistinctPools();
  private readonly topPool: BlockPool<Float64Array>;
  /** Containers' byte leads (./dual-sensor.ts), given back with the rest of a released container's blocks. */
  readonly leads = byteLeadsPool();

  constructor(
    private readonly cfg: CorrelatorConfig,
    private readonly buckets: ReadBuckets,
    private readonly fileEvicted: { inc(): void },
    private readonly outOfWindow: { inc(): void },
  ) {
    this.topPool = topFilesPool(cfg.caps.maxFilesPerContainer);
  }

  /** The container is gone from the table (expired or evicted, its pushes judged): its blocks are reused. */
  release(c: ContainerState): void {
    this.buckets.release(c);
    c.distinct?.release();
    c.distinct = null;
    c.mapped?.release();
    c.mapped = null;
    c.top?.release();
    c.top = null;
    releaseByteLeads(c, this.leads);
  }

  /** Blocks in use (tests: a released container's are reused, none leak). */
  blocksInUse(): number {
    const { buckets, distinctPools, topPool, leads } = this;
    return buckets.blocksInUse + distinctPools.small.live + distinctPools.large.live + topPool.live + leads.live;
  }

  private builderStorage(c: ContainerState, proc: ProcState, path: string, e: FileEvent): boolean {
    const { windowMs, pushSettleMs, latenessMs } = this.cfg;
    return builderStorageRead(c, proc, path, e, this.buckets.bucketMs, windowMs, windowMs + pushSettleMs + latenessMs);
  }

  /** A read counted before as a plain one that was sensitive after all (./download-egress.ts): noted as such. */
  noteSensitiveRead(c: ContainerState, proc: ProcState, e: FileEvent): void {
    this.noteSensitive(c, pathInsideRootLinks(e.file.path), e, proc);
  }

  /** Counts one read (or open) of a non-noise path by `proc` in container `c`. */
  record(c: ContainerState, proc: ProcState, e: FileEvent, sensitive: boolean): void {
    const f = e.file;
    const t = e.timeMs;
    // Falco names a file opened through `/proc/<pid>/root/` by that text, Tetragon by the file: one key for both.
    const lead = f.path.charCodeAt(1);
    const path = lead === 112 /* p */ || lead === 100 /* d */ ? pathInsideRootLinks(f.path) : f.path;
    // kaniko hashing the root it built on, buildah's or podman's layers (kept aside for other tools' pushes):
    // asked here, once the read is known to be no secret nor a copy of one.
    if (!sensitive && (kanikoRootRead(proc, path) || this.builderStorage(c, proc, path, e))) return;
    const secret = sensitive ? this.noteSensitive(c, path, e, proc) : null;
    const hash = hashPath(path);
    let distinct = c.distinct;
    if (distinct === null) {
      distinct = new DistinctFiles(this.cfg.windowMs, this.distinctPools);
      c.distinct = distinct;
    }
    const newFiles = distinct.add(hash, t);
    const isNew = newFiles > 0;
    let bytes = f.bytes !== null && f.bytes > 0 ? f.bytes : 0;
    if (f.op === 'map' && bytes > 0) bytes = this.mappedBytes(c, hash, t, bytes);
    let top = c.top;
    if (top === null) {
      top = new TopFiles(this.cfg.caps.maxFilesPerContainer, this.topPool);
      c.top = top;
    }
    let entry = top.find(hash, path);
    if (entry < 0) {
      entry = this.listTop(top, hash, path, e, proc);
    } else if (t - top.get(entry, F_COUNTED) >= this.cfg.windowMs) {
      // Re-read after a whole window: its bytes are the new window's.
      top.recount(entry, t, noteTime(e.time, t));
    }
    top.add(entry, F_BYTES, bytes);
    if (t > top.get(entry, F_LAST)) top.set(entry, F_LAST, t);
    if (!this.buckets.add(c, t, bytes, newFiles)) {
      this.outOfWindow.inc();
      return;
    }
    if (c.pending.length > 0) this.notePending(c, proc, t, bytes, newFiles, top, entry, secret, path);
    if (proc.archiver) {
      const a = proc.more();
      if (isNew) a.archiveFiles++;
      a.archiveBytes += bytes;
      // Both sensors on the node: a file the other's report of this archiver read first is not new here.
      if (a.archiveTwin === null && !isNew) archiveTwin(proc, a);
      const twin = a.archiveTwin?.rare ?? null;
      if (twin?.archiveFlagged === true) a.archiveFlagged = true;
      if (!a.archiveFlagged && a.archiveFiles + (twin?.archiveFiles ?? 0) >= this.cfg.reads.archiveMinFiles) {
        a.archiveFlagged = true;
        const marks = c.archives ?? [];
        c.archives = marks;
        if (marks.length >= MAX_ARCHIVE_MARKS) marks.splice(this.archiveVictim(c, marks), 1);
        marks.push({ proc, timeMs: a.timeMs, time: a.time });
      }
    }
  }

  /**
   * A mapping's bytes are the file's size: the file counts once in the window at that size, not per mapping
   * (the loader maps a file in pieces, git maps a pack window by window). Whether it was read before does
   * not matter: a read of its first bytes must not make the mapping count nothing.
   */
  private mappedBytes(c: ContainerState, hash: number, t: number, size: number): number {
    let mapped = c.mapped;
    if (mapped === null) {
      mapped = new DistinctFiles(this.cfg.windowMs, this.distinctPools);
      c.mapped = mapped;
    }
    return mapped.add(hash, t) > 0 ? size : 0;
  }

  /**
   * A read while pushes of this container are pending. The read buckets are coarse (window / 30), so a
   * push's read total would otherwise depend on where push + pushSettleMs falls within its bucket: the
   * bucket holds reads up to a minute later. Here, per pending push, reads after its settle time are
   * either taken back out of that bucket (another process's) or, when its own lineage read them, counted
   * whatever the bucket (a streaming uploader reads while it sends; so does the pipeline feeding the stdin
   * of a push that reads it, ./pipeline.ts). Pending pushes are rare: not the common path.
   */
  private notePending(
    c: ContainerState,
    proc: ProcState,
    t: number,
    bytes: number,
    newFiles: number,
    top: TopFiles,
    entry: number,
    secret: FileEntry | null,
    path: string,
  ): void {
    const { pushSettleMs } = this.cfg;
    const bucket = Math.floor(t / this.buckets.bucketMs);
    for (const ep of c.pending) {
      if (ep.judged || t <= ep.timeMs || t > ep.dueMs) continue;
      noteStdinRead(ep, proc, path);
      const toMs = ep.timeMs + pushSettleMs;
      if (t <= toMs) {
        if (t > ep.settleLastMs) ep.settleLastMs = t;
        continue;
      }
      const sameBucket = bucket === Math.floor(toMs / this.buckets.bucketMs);
      // Its own lineage, or its pipeline's when it reads stdin (./pipeline.ts).
      if (proc.episode === ep || proc.feeds(ep)) {
        if (!sameBucket) {
          ep.lateAddBytes += bytes;
          ep.lateAddFiles += newFiles;
        }
        if (t > ep.lateLastMs) ep.lateLastMs = t;
        top.setPushEp(entry, ep);
        if (secret !== null) secret.pushEp = ep;
      } else if (sameBucket) {
        ep.lateSubBytes += bytes;
        ep.lateSubFiles += newFiles;
      }
    }
  }

  private noteSensitive(c: ContainerState, eventPath: string, e: FileEvent, proc: ProcState): SensitiveEntry {
    const list = c.sensitive ?? [];
    c.sensitive = list;
    const t = e.timeMs;
    const path = stableSecretPath(eventPath);
    const { windowMs } = this.cfg;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (s.path === path) {
        // Read again after a whole window: it belongs to the new window from now on.
        if (t - s.lastMs >= windowMs) {
          s.firstMs = t;
          s.time = noteTime(e.time, t);
          s.binary = proc.binary;
          s.pushEp = null;
          s.othersFirstMs = Number.NaN;
          s.othersLastMs = Number.NaN;
        }
        if (t > s.lastMs) s.lastMs = t;
        noteReader(s, proc, t, windowMs);
        return s;
      }
    }
    if (list.length >= this.cfg.caps.maxSensitivePerContainer) {
      list.splice(this.sensitiveVictim(c, list), 1);
      this.fileEvicted.inc();
    }
    const s: SensitiveEntry = {
      path: this.pathPool.intern(path, hashPath(path)),
      hash: 0,
      bytes: 0,
      err: 0,
      firstMs: t,
      lastMs: t,
      countedMs: t,
      time: noteTime(e.time, t),
      binary: proc.binary,
      pushEp: null,
      reader: proc,
      readerFirstMs: t,
      readerLastMs: t,
      othersFirstMs: Number.NaN,
      othersLastMs: Number.NaN,
    };
    list.push(s);
    return s;
  }

  /**
   * Which sensitive file makes room: the least recently read, except one that is the last a pending push's
   * window holds (judge.ts takes those in [push − windowMs, push + pushSettleMs], or read by its own
   * processes). Files named like keys read after a push's settle time count for no pending push, and they
   * pushed out the token read before it while the push waited for its lateness: `high` became `low`.
   */
  private sensitiveVictim(c: ContainerState, list: FileEntry[]): number {
    const { windowMs, pushSettleMs } = this.cfg;
    return evictionVictim(
      c,
      list,
      (f) => f.lastMs,
      (ep, f) => f.pushEp === ep || (f.lastMs >= ep.timeMs - windowMs && f.firstMs <= ep.timeMs + pushSettleMs),
    );
  }

  /**
   * Which archive mark makes room: the oldest, with the same exception (judge.ts: an archiver started in
   * [push − windowMs, push + pushSettleMs]). Four `tar cf /dev/null /tmp/dN` after a push's settle time, in
   * no pending push's window, shifted out the staging before it: `medium` became `low`.
   */
  private archiveVictim(c: ContainerState, marks: ArchiveMark[]): number {
    const { windowMs, pushSettleMs } = this.cfg;
    return evictionVictim(
      c,
      marks,
      (m) => m.timeMs,
      (ep, m) => m.timeMs >= ep.timeMs - windowMs && m.timeMs <= ep.timeMs + pushSettleMs,
    );
  }

  /**
   * Lists a file not in the container's top list: appended while there is room, else it takes the place of
   * a stale entry or of the one with the fewest (estimated) bytes, inheriting that estimate as its error
   * (space-saving, Metwally et al. 2005): a file read more than total/N bytes in the window is always
   * listed, and the bytes shown are never more than it was read. O(N) per new file, N is small.
   */
  private listTop(top: TopFiles, hash: number, eventPath: string, e: FileEvent, proc: ProcState): number {
    const t = e.timeMs;
    const path = this.pathPool.intern(eventPath, hash);
    if (top.length < top.capacity) {
      const i = top.length++;
      top.reset(i, hash, path, 0, t, noteTime(e.time, t), proc.binary);
      return i;
    }
    const staleBefore = t - this.cfg.windowMs - this.cfg.latenessMs;
    let victim = 0;
    let victimScore = top.get(0, F_BYTES) + top.get(0, F_ERR);
    let stale = false;
    for (let i = 0; i < top.length; i++) {
      if (top.get(i, F_LAST) < staleBefore) {
        victim = i;
        stale = true;
        break;
      }
      const score = top.get(i, F_BYTES) + top.get(i, F_ERR);
      if (score < victimScore) {
        victim = i;
        victimScore = score;
      }
    }
    this.fileEvicted.inc();
    top.reset(victim, hash, path, stale ? 0 : victimScore, t, noteTime(e.time, t), proc.binary);
    return victim;
  }
}

/**
 * The entry of a full per-container list that makes room: the one with the lowest `age` (least recently
 * read, oldest), except an entry that is the last one some pending push `needs` (decoys after a push must not
 * evict what decides its rule); when every entry is some push's last, the lowest `age` anyway.
 */
function evictionVictim<T>(
  c: ContainerState,
  items: readonly T[],
  age: (item: T) => number,
  needs: (ep: PushEpisode, item: T) => boolean,
): number {
  const lastOfAPush = (item: T) =>
    c.pending.some((ep) => !ep.judged && needs(ep, item) && !items.some((o) => o !== item && needs(ep, o)));
  let victim = -1;
  let oldest = 0;
  for (let i = 0; i < items.length; i++) {
    const a = age(items[i]!);
    if (a < age(items[oldest]!)) oldest = i;
    if (victim >= 0 && a >= age(items[victim]!)) continue;
    if (c.pending.length === 0 || !lastOfAPush(items[i]!)) victim = i;
  }
  return victim >= 0 ? victim : oldest;
}

/**
 * Who read a sensitive file: the process of the current streak (reads each within windowMs of the one
 * before), or another. A streak whose process stopped a window ago is over: the next reader starts one.
 */
function noteReader(s: SensitiveEntry, proc: ProcState, t: number, windowMs: number): void {
  if (proc === s.reader || (s.reader !== null && sameProcess(proc, s.reader))) {
    if (t - s.readerLastMs >= windowMs) s.readerFirstMs = t;
    else if (t < s.readerFirstMs) s.readerFirstMs = t;
    if (t > s.readerLastMs) s.readerLastMs = t;
    return;
  }
  if (s.reader === null || t - s.readerLastMs >= windowMs) {
    s.reader = proc;
    s.readerFirstMs = t;
    s.readerLastMs = t;
    return;
  }
  if (!(t - s.othersLastMs < windowMs)) {
    s.othersFirstMs = t;
    s.othersLastMs = t;
    return;
  }
  if (t < s.othersFirstMs) s.othersFirstMs = t;
  if (t > s.othersLastMs) s.othersLastMs = t;
}

/** kubelet's atomic-writer directory of a Secret, ConfigMap or projected volume (`..2025_03_01_09_12_44.123456789`). */
const ATOMIC_WRITER_DIR = /\/\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+\//;

/**
 * A secret volume's file by the name the pod opens (`…/serviceaccount/token`), not the timestamped directory
 * kubelet writes each version into and Tetragon resolves the symlinks to: one entry for the file across the
 * token's rotations (about every 48 minutes), as with Falco, which names the path opened.
 */
export function stableSecretPath(path: string): string {
  return path.includes('/..') ? path.replace(ATOMIC_WRITER_DIR, '/') : path;
}
