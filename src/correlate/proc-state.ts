/**
 * What the correlator keeps of one process. Most of a node's ~20,000 processes are plain (a server and
 * its health checks): they need their identity, lineage, last activity and destinations. What only a few
 * need (their command line, a push recognition, a forge/registry host in argv or lineage, an archiver's
 * start and counts) lives in one `rare` object that plain processes do not have: 208 bytes and three
 * boxed doubles per process before, 144 bytes and two now. Accessors keep the old field names.
 */
import type { ActivityEvent, FileEvent } from '../model/normalized-event.js';
import type { PushRecognition } from '../rules/recognize.js';
import type { LastChild } from './archive-extractions.js';
import type { ProcExemptions } from './exemption-state.js';
import type { SigningKeyRead } from './signing-keys.js';
import type { ContainerState, DestEntry, NodeState, PushEpisode } from './state.js';
import type { TimeNote } from './times.js';

export interface ProcRare {
  /** Its command line, kept only where an alert or a child's recognition reads it. */
  args: string | null;
  push: PushRecognition | null;
  /** Forge/registry/internal host named in its own argv (a URL, `git@host:`, `host/ref`). */
  argvHost: string | null;
  /** Its own argv host, else its parent's: classes the IPs it connects to (issue 4, "same lineage"). */
  lineageHost: string | null;
  /** Start time, for archivers (archive evidence): NaN / '' otherwise. */
  timeMs: number;
  time: TimeNote;
  archiveFiles: number;
  archiveBytes: number;
  archiveFlagged: boolean;
  /** The same archiver as the other sensor on the node reports it (./dual-sensor.ts): they count as one. */
  archiveTwin: ProcState | null;
  /**
   * The push whose stdin this process's pipeline feeds (./pipeline.ts): its reads count like the push's own. Held
   * weakly (read through `feeds`): every reader compares it with a push it holds itself (pending, or being
   * judged), so a push nothing else keeps is one no reader asks about. Held strongly, a stdin pusher evicted while
   * the push it fed pended kept that push, and through it its pusher, which kept the push it fed: every push since
   * the first (docs/correlator-memory.md, "Lineage").
   */
  pipeEp: WeakRef<PushEpisode> | null;
  /** Its own signing keys (`cosign --key K`): its reads of them are not counted as sensitive (engine.ts). */
  keyFiles: readonly string[] | null;
  /** The one file its key reads are bound to, and how (./signing-keys.ts). */
  keyRead: SigningKeyRead | null;
  /**
   * A compiler or build JVM an install or build runs (./download-lineage.ts buildToolchain): its reads of the
   * package caches are the build's (./download-reads.ts); nothing else about it is.
   */
  toolchain: boolean;
  /** The credential reads it was exempted from as a download, kept for the case it turns out an upload. */
  downloadSecrets: FileEvent[] | null;
  /** It lost a download's exemption, or descends from one that did: no download, whatever its command line. */
  lostDownload: boolean;
  /** What the CI/CD exemptions keep of it (./exemption-state.ts); null for most. */
  exempt: ProcExemptions | null;
}

function newRare(): ProcRare {
  return {
    args: null,
    push: null,
    argvHost: null,
    lineageHost: null,
    timeMs: Number.NaN,
    time: '',
    archiveFiles: 0,
    archiveBytes: 0,
    archiveFlagged: false,
    archiveTwin: null,
    pipeEp: null,
    keyFiles: null,
    keyRead: null,
    toolchain: false,
    downloadSecrets: null,
    lostDownload: false,
    exempt: null,
  };
}

export class ProcState {
  exitedMs = Number.NaN;
  dests: DestEntry[] | null = null;
  /** CLOCK bit for the bounded process table. */
  hot = true;
  /** Gone from the process table (evicted, expired or replaced): caches must not return it. */
  dropped = false;
  rare: ProcRare | null = null;
  /** Whether it may read its own products (./own-products.ts mayReadOwnProducts), asked at its first read. */
  ownProducts: boolean | null = null;
  /** Its last child exec'd, for a pipeline's stages (./archive-extractions.ts noteSiblings); null: none yet. */
  lastChild: LastChild | null = null;

  constructor(
    public execId: string | null,
    public pid: number | null,
    public binary: string | null,
    public parent: ProcState | null,
    public container: ContainerState | null,
    readonly node: NodeState,
    public lastMs: number,
    /** In a download lineage (clone, fetch, pull): its egress is never a push. */
    public download: boolean,
    public episode: PushEpisode | null,
    readonly archiver: boolean,
  ) {}

  /**
   * Leaves the tables (evicted, expired, replaced, its node evicted). What it keeps reachable is cut to what a
   * check can still read (issue 8: memory bounded and flat): every lineage check reads one level up from a
   * process in the tables, never a dropped one's parent (the one that did keeps it: PushEpisode.stdinParent),
   * so it lets go of its own; a 40,000-deep exec chain under one live process held every ancestor (11 MB)
   * through `.parent`. Its parent's `lastChild` stops holding it too: an exited one reads as no child
   * (./archive-extractions.ts noteSiblings answers both alike), a running one as one running for good (no exit
   * reaches a dropped process). The readers and the measurements: docs/correlator-memory.md ("Lineage").
   */
  drop(): void {
    this.dropped = true;
    const parent = this.parent;
    if (parent === null) return;
    const last = parent.lastChild;
    if (last !== null && last.proc === this)
      parent.lastChild = Number.isNaN(this.exitedMs) ? { proc: null, x: last.x } : null;
    this.parent = null;
  }

  /** It is a member of `ep`'s pipeline (./pipeline.ts). */
  feeds(ep: PushEpisode): boolean {
    const rare = this.rare;
    return rare !== null && rare.pipeEp !== null && rare.pipeEp.deref() === ep;
  }

  /** Its rare fields, made on first write. */
  more(): ProcRare {
    let rare = this.rare;
    if (rare === null) {
      rare = newRare();
      this.rare = rare;
    }
    return rare;
  }

  get args(): string | null {
    return this.rare === null ? null : this.rare.args;
  }

  set args(v: string | null) {
    if (v !== null || this.rare !== null) this.more().args = v;
  }

  get push(): PushRecognition | null {
    return this.rare === null ? null : this.rare.push;
  }

  set push(v: PushRecognition | null) {
    if (v !== null || this.rare !== null) this.more().push = v;
  }

  get argvHost(): string | null {
    return this.rare === null ? null : this.rare.argvHost;
  }

  get lineageHost(): string | null {
    return this.rare === null ? null : this.rare.lineageHost;
  }
}

/**
 * A stand-in for the unseen parent of a helper (a transport helper whose push's process is not in the table):
 * a copy of the helper's state under the parent's exec id, pid, binary and args, which a later event of that
 * process joins (pushes.ts parentStub).
 */
export function parentStandIn(proc: ProcState, e: ActivityEvent): ProcState {
  const p = e.process;
  const stub = new ProcState(
    p.parentExecId,
    p.ppid ?? null,
    p.parentBinary ?? null,
    null,
    proc.container,
    proc.node,
    proc.lastMs,
    proc.download,
    proc.episode,
    proc.archiver,
  );
  stub.exitedMs = proc.exitedMs;
  stub.hot = proc.hot;
  stub.dropped = proc.dropped;
  if (proc.rare !== null) stub.rare = { ...proc.rare, push: null, exempt: null };
  stub.args = p.parentArgs ?? null;
  return stub;
}

/**
 * Falco keys processes by pid: one that exited before `timeMs` is not the pid's owner then but its last one
 * (the pid reused by a fork that did not exec, so no exec replaced it), for an event's own pid and its ppid
 * alike. Found by red-team review: the new process took the dead one's state, a `cosign --key credentials`
 * exemption not yet bound included; a push's parent was the dead one (its binary named in the response).
 */
export function pidOwner(node: NodeState, pid: number, timeMs: number): ProcState | undefined {
  const found = node.pids.get(pid);
  return found !== undefined && found.exitedMs < timeMs ? undefined : found;
}
