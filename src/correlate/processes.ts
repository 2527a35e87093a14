/**
 * The correlator's tables of nodes, containers and processes: lookups on every event (with a one-entry
 * cache for the common run of events from one node and container), first sight of a process (lineage,
 * argv host, push recognition once per process), bounded by CLOCK eviction, and TTL expiry of idle state.
 */
import type { ActivityEvent } from '../model/normalized-event.js';
import { basename } from '../rules/argv.js';
import { appletOf, MULTI_CALL } from '../rules/launchers.js';
import { noteBuildOutput } from './build-outputs.js';
import type { CorrelatorConfig } from './config.js';
import { noteStorageBuilder } from './container-storage.js';
import { ContainerTimes } from './container-times.js';
import type { DestinationClassifier } from './destinations.js';
import { inheritLostDownload } from './download-egress.js';
import { buildToolchain, downloadHelper, jvmBuild, runsFromUnexpectedLocation } from './download-lineage.js';
import { RefPool, StringPool } from './intern.js';
import { noteKanikoArgvCut } from './kaniko-reads.js';
import { ARCHIVERS } from './paths.js';
import { noteExec } from './pipeline.js';
import { countPodStorageEvictions, type PodStorageEvictions } from './pod-storage.js';
import { pidOwner } from './proc-state.js';
import type { PushTracker } from './pushes.js';
import { RecognitionMemo } from './recognition-memo.js';
import { holdsStagedData } from './staging-hold.js';
import { ContainerState, clockEvict, type NodeState, newNodeState, ProcState, type PushEpisode } from './state.js';
import { MapSweep } from './sweep.js';
import { noteTime } from './times.js';

const MAX_INTERNED_BINARIES = 4096;

export interface ProcessTableDeps {
  classifier: DestinationClassifier;
  pushes: PushTracker;
  /** Judges a push now (its container is evicted). */
  judge: (ep: PushEpisode) => void;
  containerEvicted: { inc(): void };
  processEvicted: { inc(): void };
  nodeEvicted: { inc(): void };
  /** Where each node's table of pods that staged into buildah's storage counts its drops (./pod-storage.ts). */
  podStorage: PodStorageEvictions;
  /** A container left the table (its pushes judged): its read state goes back to the pools. */
  released: (c: ContainerState) => void;
}

export class ProcessTable {
  readonly nodes = new Map<string, NodeState>();
  readonly containers = new Map<string, ContainerState>();
  private readonly execs = new Map<string, ProcState>();
  /** One copy of each binary path (thousands of processes share a few dozen). */
  private readonly binaries = new StringPool(MAX_INTERNED_BINARIES);
  private readonly refs = new RefPool();
  private readonly times = new ContainerTimes();
  /** Push-tool recognition, its unchanging answers kept per command line (./recognition-memo.ts). */
  private readonly recognition: RecognitionMemo;
  private lastNode: NodeState | null = null;
  /** Processes in every node's `pids` together (Falco's pid-keyed processes), against caps.maxProcesses. */
  private pidCount = 0;
  private lastContainer: ContainerState | null = null;
  private readonly containerSweep = new MapSweep(this.containers, (k, c) => this.expireContainer(k, c));
  private readonly execSweep = new MapSweep(this.execs, (k, p) => {
    if (this.expired(p)) {
      p.drop();
      this.execs.delete(k);
    }
  });
  /** The nodes of the current pass, the one being swept and its cursor over pids. */
  private readonly sweepNodes: NodeState[] = [];
  private sweepNode = 0;
  private pidSweep: MapSweep<number, ProcState> | null = null;

  constructor(
    private readonly cfg: CorrelatorConfig,
    private readonly deps: ProcessTableDeps,
  ) {
    this.recognition = new RecognitionMemo((host, path) => deps.classifier.isUploadTarget(host, path));
  }

  nodeOf(name: string): NodeState {
    const last = this.lastNode;
    if (last !== null && last.name === name) return last;
    let node = this.nodes.get(name);
    if (node === undefined) {
      // Node names come from the events: a forged stream can name a new node in every event, hence the cap.
      if (this.nodes.size >= this.cfg.caps.maxNodes) this.evictNode();
      node = newNodeState(name);
      countPodStorageEvictions(node, this.deps.podStorage);
      this.nodes.set(name, node);
    }
    node.hot = true;
    this.lastNode = node;
    return node;
  }

  /** Evicts the least recently active node (preferring one with no push waiting): its pushes judged now. */
  private evictNode(): void {
    const victim = clockEvict(this.nodes, (n) => n.pending.length > 0);
    if (victim === undefined) return;
    this.deps.nodeEvicted.inc();
    for (const ep of [...victim.pending]) this.deps.judge(ep);
    victim.pending = [];
    victim.judgedPending = 0;
    victim.bridgeWaiting = [];
    for (const p of victim.pids.values()) p.drop();
    this.pidCount -= victim.pids.size;
    victim.pids.clear();
    if (this.lastNode === victim) this.lastNode = null;
  }

  containerOf(e: ActivityEvent, node: NodeState): ContainerState | null {
    const ref = e.container;
    if (ref === null) return null;
    // Falco gives 12 hex characters, Tetragon the full id: one key for both (ids compared went to V8's runtime).
    const key = ref.id.length > 12 ? ref.id.slice(0, 12) : ref.id;
    let c: ContainerState | undefined = this.lastContainer ?? undefined;
    if (c === undefined || c.key !== key) {
      c = this.containers.get(key);
      if (c === undefined) {
        if (this.containers.size >= this.cfg.caps.maxContainers) {
          const victim = clockEvict(this.containers, (v) => v.pending.length > 0);
          if (victim) {
            this.deps.containerEvicted.inc();
            // A copy: judging takes each push out of the list (iterating the list itself skipped every other one).
            for (const ep of [...victim.pending]) this.deps.judge(ep);
            if (this.lastContainer === victim) this.lastContainer = null;
            victim.detach();
            this.deps.released(victim);
          }
        }
        c = new ContainerState(key, this.refs.ref(ref), this.refs.pod(e.pod), node, e.timeMs, this.times);
        this.containers.set(key, c);
      }
      this.lastContainer = c;
    }
    c.hot = true;
    // Idle means untouched for a while on the node's clock, not "its events are old": a stream arriving
    // late (a scan's earlier file after a later one) must not expire while its events still come. (The
    // event's own time when it is ahead: a jump not yet taken by the node's clock.)
    const touchedMs = Math.max(e.timeMs, node.maxMs);
    if (touchedMs > c.lastMs) c.lastMs = touchedMs;
    if (e.timeMs < c.firstMs) c.firstMs = e.timeMs;
    // Falco prints the pod's labels on execs only: a container first seen by a read gets them from its next exec.
    // Checked on execs alone: the container's pod is another object, cold at thousands of containers, and
    // reading it on every event cost the correlator measurably.
    if (
      e.pod !== null &&
      (c.pod === null || (e.kind === 'exec' && e.pod.labels !== undefined && c.pod.labels === undefined))
    )
      c.setPod(this.refs.pod(e.pod));
    if (c.betterRef(ref)) c.setRef(this.refs.ref(ref));
    return c;
  }

  lookupProc(e: ActivityEvent, node: NodeState): ProcState | undefined {
    const p = e.process;
    if (p.execId !== null) return this.execs.get(p.execId);
    if (p.pid === null) return undefined;
    return pidOwner(node, p.pid, e.timeMs);
  }

  /** The process of an event; first sight (no exec seen) creates and classifies it. */
  procOf(e: ActivityEvent, node: NodeState, c: ContainerState): ProcState {
    const p = e.process;
    // What lookupProc would return, while it is still in the table.
    let found = c.lastProc;
    if (
      found === null ||
      found.dropped ||
      (p.execId !== null
        ? found.execId !== p.execId
        : p.pid === null ||
          found.execId !== null ||
          found.pid !== p.pid ||
          found.node !== node ||
          found.exitedMs < e.timeMs)
    ) {
      found = this.lookupProc(e, node) ?? null;
      if (found === null) {
        found = this.newProc(e, node, c);
        c.lastProc = found;
        return found;
      }
      c.lastProc = found;
    }
    found.hot = true;
    const touchedMs = Math.max(e.timeMs, node.maxMs);
    if (touchedMs > found.lastMs) found.lastMs = touchedMs;
    return found;
  }

  newProc(e: ActivityEvent, node: NodeState, c: ContainerState | null): ProcState {
    const p = e.process;
    const { classifier } = this.deps;
    const parent =
      (p.parentExecId !== null ? this.execs.get(p.parentExecId) : undefined) ??
      (p.ppid != null && p.execId === null ? pidOwner(node, p.ppid, e.timeMs) : undefined) ??
      null;
    const argvHost = classifier.hostNamedIn(p.args);
    const archiver = ARCHIVERS.has(programName(p.binary, p.args));
    const lineageHost = argvHost ?? (parent !== null ? parent.argvHost : classifier.hostNamedIn(p.parentArgs ?? null));
    const proc = new ProcState(
      p.execId,
      p.pid,
      this.binaries.internOrNull(p.binary),
      parent,
      c,
      node,
      Math.max(e.timeMs, node.maxMs),
      parent?.download === true &&
        downloadHelper(p.binary, p.args, p.cwd ?? null, parent.binary, parent.args ?? p.parentArgs ?? null),
      // A child started after its parent's push was judged is not part of it (long-lived pushers).
      parent?.episode && !parent.episode.judged ? parent.episode : null,
      archiver,
    );
    if (parent !== null && !proc.download && buildToolchain(proc.binary, parent)) proc.more().toolchain = true;
    inheritLostDownload(proc, parent);
    noteBuildOutput(proc, p.args, p.cwd ?? null);
    noteStorageBuilder(proc, p.args);
    if (archiver || lineageHost !== null) {
      const rare = proc.more();
      rare.argvHost = argvHost;
      rare.lineageHost = lineageHost;
      // Only an archiver's start time is shown (archive evidence).
      if (archiver) {
        rare.timeMs = e.timeMs;
        rare.time = noteTime(e.time, e.timeMs);
      }
    }
    // Before it is classified: a push reading stdin looks for the pipeline exec'd just before it.
    if (e.kind === 'exec' && parent !== null && c !== null) noteExec(c, proc, parent, e.timeMs);
    if (p.execId !== null) {
      if (this.execs.size >= this.cfg.caps.maxProcesses) this.evicted(clockEvict(this.execs));
      this.execs.set(p.execId, proc);
    } else if (p.pid !== null) {
      // A new process under a reused pid (Falco) replaces the old one.
      const replaced = node.pids.get(p.pid);
      if (replaced !== undefined) replaced.drop();
      else {
        // One budget for every node's pids together (the table per node would be a cap per node name).
        if (this.pidCount >= this.cfg.caps.maxProcesses) this.evictPid(node);
        this.pidCount++;
      }
      node.pids.set(p.pid, proc);
    }
    this.classify(proc, e, c);
    // Command lines can be kilobytes (JVMs): keep one only where an alert or a child's recognition reads it;
    // elsewhere the events carry it again (own args for an egress push, parentArgs for a helper's parent).
    if (proc.push !== null || proc.download || archiver || argvHost !== null) proc.args = p.args;
    return proc;
  }

  /** Makes room for one pid: from this node's table, or the first other node holding any. */
  private evictPid(node: NodeState): void {
    let from = node;
    if (from.pids.size === 0) {
      for (const n of this.nodes.values()) {
        if (n.pids.size === 0) continue;
        from = n;
        break;
      }
    }
    const victim = from.pids.size > 0 ? clockEvict(from.pids) : undefined;
    if (victim === undefined) return;
    this.pidCount--;
    this.evicted(victim);
  }

  private evicted(victim: ProcState | undefined): void {
    if (victim === undefined) return;
    victim.drop();
    this.deps.processEvicted.inc();
  }

  private classify(proc: ProcState, e: ActivityEvent, c: ContainerState | null): void {
    const p = e.process;
    const r = this.recognition.recognize({
      binary: proc.binary,
      args: p.args,
      parentBinary: p.parentBinary ?? proc.parent?.binary ?? null,
      parentArgs: p.parentArgs ?? proc.parent?.args ?? null,
      argvTruncated: p.argvTruncated === true,
      argvCount: p.argvCount,
    });
    if (r === null) {
      if (jvmBuild(proc.binary, p.args)) proc.more().toolchain = true;
      return;
    }
    if (r.kind === 'download') {
      // A download tool staged in a scratch or hidden directory is no download (`/tmp/.x/git fetch` wrapping
      // its own uploads, `python3 /tmp/.x/pip install`), nor one under a download that uploaded
      // (./download-egress.ts): its egress and its reads of git's stores are judged like any process's.
      if (!runsFromUnexpectedLocation(proc.binary, p.args, p.cwd ?? null) && proc.rare?.lostDownload !== true) {
        proc.download = true;
      }
      return;
    }
    const rare = proc.more();
    rare.keyFiles = r.keyFiles.length > 0 ? r.keyFiles : null;
    if (rare.keyFiles !== null && c !== null) c.signers = true;
    if (r.kind === 'signer') return;
    rare.push = r;
    // `mvn deploy`, `gradle publish`: the publishing JVM loads the build's dependencies as a verifying one does.
    if (jvmBuild(proc.binary, p.args)) rare.toolchain = true;
    // The push's evidence shows its command line (newProc keeps it too).
    rare.args = p.args;
    if (r.tool === 'kaniko' && p.argvTruncated === true) noteKanikoArgvCut(proc);
    if (c !== null) this.deps.pushes.recognized(proc, r, e, c);
  }

  /**
   * Starts a TTL pass over idle containers, processes and gaps (normal ageing, not counted as eviction):
   * each node's clock is taken now (`nowOf`) and the pass judges every entry by it, so an entry touched
   * meanwhile stays and none expires earlier than a whole sweep at this moment would have. Returns the
   * oldest node clock (for node-independent tables).
   */
  sweepStart(nowOf: (node: NodeState) => number): number {
    let oldestNode = Number.POSITIVE_INFINITY;
    this.sweepNodes.length = 0;
    for (const node of this.nodes.values()) {
      node.sweepNowMs = nowOf(node);
      if (node.sweepNowMs < oldestNode) oldestNode = node.sweepNowMs;
      this.sweepNodes.push(node);
    }
    this.sweepNode = 0;
    this.containerSweep.start();
    this.execSweep.start();
    this.pidSweep = null;
    return oldestNode;
  }

  /** Visits up to `budget` entries of the pass; returns the budget left (> 0 once the pass is done). */
  sweepStep(budget: number): number {
    let left = this.containerSweep.step(budget);
    if (left > 0) left = this.execSweep.step(left);
    while (left > 0 && this.sweepNode < this.sweepNodes.length) {
      const node = this.sweepNodes[this.sweepNode]!;
      if (this.pidSweep === null) {
        this.pidSweep = new MapSweep(node.pids, (k, p) => {
          if (this.expired(p)) {
            p.drop();
            node.pids.delete(k);
            this.pidCount--;
          }
        });
        this.pidSweep.start();
      }
      left = this.pidSweep.step(left);
      if (left === 0) break;
      const horizon = this.cfg.windowMs + this.cfg.latenessMs + this.cfg.pushSettleMs;
      while (node.gaps.length >= 2 && node.gaps[1]! < node.sweepNowMs - horizon) node.gaps.splice(0, 2);
      left--;
      this.pidSweep = null;
      this.sweepNode++;
    }
    if (left > 0) this.sweepNodes.length = 0;
    return left;
  }

  /**
   * Idle containers expire; an exited one too, not sooner: an exit with containerPid 1 need not be its init's
   * (the init of a nested pid namespace, `unshare -Urpf true`, is pid 1 there, and both sensors give the pid in
   * the innermost namespace), and releasing on it forgot the reads of a container that went on to push.
   */
  private expireContainer(k: string, c: ContainerState): void {
    const { windowMs, latenessMs, pushSettleMs } = this.cfg;
    const now = c.node.sweepNowMs;
    if (
      c.pending.length === 0 &&
      c.lastMs < now - windowMs - latenessMs - pushSettleMs &&
      // Staging marks (a cache, node_modules/dist, buildah's storage) wait for the push (./staging-hold.ts).
      !holdsStagedData(c, now, this.cfg.bulkReadBytes / 4)
    ) {
      this.containers.delete(k);
      if (this.lastContainer === c) this.lastContainer = null;
      c.detach();
      this.deps.released(c);
    }
  }

  private expired(p: ProcState): boolean {
    const { windowMs, latenessMs, pushSettleMs } = this.cfg;
    const now = p.node.sweepNowMs;
    if (p.episode !== null && !p.episode.judged) return false;
    return (
      (!Number.isNaN(p.exitedMs) && p.exitedMs < now - latenessMs - pushSettleMs) ||
      p.lastMs < now - (windowMs + latenessMs + pushSettleMs)
    );
  }
}

/**
 * The program a process runs: a multi-call binary's applet (`busybox tar czf …`, and with Falco Alpine's `tar`
 * through its link, whose resolved binary is busybox; found by review: no archive staging), else its name.
 */
function programName(binary: string | null, args: string | null): string {
  const name = basename(binary);
  return MULTI_CALL.has(name) ? basename(appletOf({ binary, args })?.binary ?? null) : name;
}
