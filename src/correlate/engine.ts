/**
 * The correlator's hot path: one pass per event, on event time, updating aggregated per-container and
 * per-process state; pushes wait in their node's pending list until the node's stream has passed them by
 * pushSettleMs + latenessMs, then ./judge.ts names them. No regex, closure or allocation per ordinary
 * event: read counters live in typed arrays, classification is cached per process.
 */
import type { Alert } from '../model/alert.js';
import type {
  ActivityEvent,
  ExecEvent,
  ExitEvent,
  FileEvent,
  NetEvent,
  NormalizedEvent,
} from '../model/normalized-event.js';
import { basename } from '../rules/argv.js';
import { recognizeProcess } from '../rules/index.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { CompiledAllowlist } from './allowlist.js';
import type { CorrelatorConfig } from './config.js';
import { DestinationClassifier, isLocalAddress } from './destinations.js';
import { type JudgeContext, judgeEpisode } from './judge.js';
import { ARCHIVERS, createPathClassifier, PATH_NOISE, PATH_SENSITIVE, type PathClassifier } from './paths.js';
import { PushTracker } from './pushes.js';
import { ReadTracker } from './reads.js';
import {
  ContainerState,
  clockEvict,
  type DestEntry,
  type NodeState,
  newNodeState,
  type ProcState,
  type PushEpisode,
} from './state.js';
import { Suppressor } from './suppression.js';

const BUCKETS_PER_WINDOW = 30;
const MAX_DESTS_PER_PROC = 8;
const MAX_GAPS_PER_NODE = 64;
const SWEEP_EVERY_MS = 60_000;

interface SocketEntry {
  dest: DestEntry;
  proc: ProcState;
  hot: boolean;
}

export class CorrelationEngine {
  readonly classifier: DestinationClassifier;
  private readonly classifyPath: PathClassifier;
  private readonly judgeCtx: JudgeContext;
  private readonly pushes: PushTracker;
  private readonly reads: ReadTracker;
  private readonly nodes = new Map<string, NodeState>();
  private readonly containers = new Map<string, ContainerState>();
  private readonly execs = new Map<string, ProcState>();
  private readonly sockets = new Map<string, SocketEntry>();
  private readonly bucketMs: number;
  private readonly slots: number;
  private readonly uploadTarget: (host: string, path: string) => boolean;
  private readonly ev: Record<'container' | 'process' | 'socket' | 'file' | 'suppression' | 'ip_hint', { inc(): void }>;
  private readonly outOfWindow: { inc(): void };
  private lastNode: NodeState | null = null;
  private lastContainerId = '';
  private lastContainer: ContainerState | null = null;
  private maxMs = Number.NEGATIVE_INFINITY;
  private lastSweepMs = Number.NEGATIVE_INFINITY;
  private lastWallSweepMs = Number.NEGATIVE_INFINITY;
  private out: Alert[] = [];

  constructor(
    private readonly cfg: CorrelatorConfig,
    allowlist: CompiledAllowlist,
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    const ev = (kind: string) => metrics.stateEvictions.labels(kind);
    this.ev = {
      container: ev('container'),
      process: ev('process'),
      socket: ev('socket'),
      file: ev('file'),
      suppression: ev('suppression'),
      ip_hint: ev('ip_hint'),
    };
    this.outOfWindow = metrics.eventsDropped.labels('out_of_window');
    this.classifier = new DestinationClassifier(cfg.destinations, cfg.caps.maxIpHints, () => this.ev.ip_hint.inc());
    this.pushes = new PushTracker(cfg, this.classifier, (ep) => this.judge(ep));
    this.uploadTarget = (host, path) => this.classifier.isUploadTarget(host, path);
    this.classifyPath = createPathClassifier(cfg.reads);
    this.bucketMs = Math.max(1000, Math.ceil(cfg.windowMs / BUCKETS_PER_WINDOW));
    this.slots = Math.ceil((cfg.windowMs + cfg.pushSettleMs + cfg.latenessMs) / this.bucketMs) + 2;
    this.reads = new ReadTracker(cfg, this.bucketMs, this.slots, this.ev.file, this.outOfWindow);
    this.judgeCtx = {
      config: cfg,
      thresholds: {
        bulkReadBytes: cfg.bulkReadBytes,
        criticalBulkFactor: cfg.criticalBulkFactor,
        moderateReadBytes: cfg.moderateReadBytes,
        moderateReadFiles: cfg.moderateReadFiles,
      },
      bucketMs: this.bucketMs,
      allowlist,
      suppressor: new Suppressor(cfg.suppressionMs, cfg.caps.maxSuppressionKeys, () => this.ev.suppression.inc()),
      logger,
      alertsSuppressed: metrics.alertsSuppressed,
      alertsAllowlisted: metrics.alertsAllowlisted,
    };
  }

  ingest(batch: readonly NormalizedEvent[]): Alert[] {
    for (let i = 0; i < batch.length; i++) this.one(batch[i]!);
    return this.take();
  }

  advance(nowMs: number): Alert[] {
    for (const node of this.nodes.values()) if (nowMs >= node.nextDueMs) this.judgeDue(node, nowMs);
    if (nowMs - this.lastWallSweepMs >= SWEEP_EVERY_MS) {
      this.lastWallSweepMs = nowMs;
      this.sweep(nowMs);
    }
    return this.take();
  }

  flush(): Alert[] {
    for (const node of this.nodes.values()) this.judgeDue(node, Number.POSITIVE_INFINITY);
    return this.take();
  }

  trackedContainers(): number {
    return this.containers.size;
  }

  private take(): Alert[] {
    const out = this.out;
    if (out.length > 0) this.out = [];
    return out;
  }

  private one(e: NormalizedEvent): void {
    const t = e.timeMs;
    if (!Number.isFinite(t)) return;
    const node = this.nodeOf(e.node);
    if (t > node.maxMs) node.maxMs = t;
    if (t > this.maxMs) this.maxMs = t;
    // Judge before handling: an event past a push's settle + lateness is not part of it.
    if (node.maxMs >= node.nextDueMs) this.judgeDue(node, node.maxMs);
    switch (e.kind) {
      case 'file':
        this.onFile(e, node);
        break;
      case 'net':
        this.onNet(e, node);
        break;
      case 'exec':
        this.onExec(e, node);
        break;
      case 'exit':
        this.onExit(e, node);
        break;
      case 'gap': {
        const from = e.gap.fromMs ?? t;
        if (node.gaps.length >= MAX_GAPS_PER_NODE * 2) node.gaps.splice(0, 2);
        node.gaps.push(Math.min(from, t), t);
        break;
      }
    }
    // A push that arrived later than its own lateness is due at once.
    if (node.maxMs >= node.nextDueMs) this.judgeDue(node, node.maxMs);
    if (this.maxMs - this.lastSweepMs >= SWEEP_EVERY_MS) this.sweep(null);
  }

  private nodeOf(name: string): NodeState {
    const last = this.lastNode;
    if (last !== null && last.name === name) return last;
    let node = this.nodes.get(name);
    if (node === undefined) {
      node = newNodeState(name);
      this.nodes.set(name, node);
    }
    this.lastNode = node;
    return node;
  }

  private containerOf(e: ActivityEvent, node: NodeState): ContainerState | null {
    const ref = e.container;
    if (ref === null) return null;
    let c: ContainerState | undefined;
    if (ref.id === this.lastContainerId && this.lastContainer !== null) {
      c = this.lastContainer;
    } else {
      // Falco gives 12 hex characters, Tetragon the full id: one key for both.
      const key = ref.id.length > 12 ? ref.id.slice(0, 12) : ref.id;
      c = this.containers.get(key);
      if (c === undefined) {
        if (this.containers.size >= this.cfg.caps.maxContainers) {
          const victim = clockEvict(this.containers, (v) => v.pending.length > 0);
          if (victim) {
            this.ev.container.inc();
            for (const ep of victim.pending) this.judge(ep);
            if (this.lastContainer === victim) this.lastContainer = null;
          }
        }
        c = new ContainerState(key, ref, e.pod, node, e.timeMs);
        this.containers.set(key, c);
      }
      this.lastContainerId = ref.id;
      this.lastContainer = c;
    }
    c.hot = true;
    if (e.timeMs > c.lastMs) c.lastMs = e.timeMs;
    if (c.pod === null && e.pod !== null) c.pod = e.pod;
    if (c.ref !== ref && (ref.id.length > c.ref.id.length || (c.ref.image === null && ref.image !== null))) c.ref = ref;
    return c;
  }

  private lookupProc(e: ActivityEvent, node: NodeState): ProcState | undefined {
    const p = e.process;
    if (p.execId !== null) return this.execs.get(p.execId);
    if (p.pid !== null) return node.pids.get(p.pid);
    return undefined;
  }

  /** The process of an event; first sight (no exec seen) creates and classifies it. */
  private procOf(e: ActivityEvent, node: NodeState, c: ContainerState | null): ProcState {
    const found = this.lookupProc(e, node);
    if (found !== undefined) {
      found.hot = true;
      if (e.timeMs > found.lastMs) found.lastMs = e.timeMs;
      return found;
    }
    return this.newProc(e, node, c);
  }

  private newProc(e: ActivityEvent, node: NodeState, c: ContainerState | null): ProcState {
    const p = e.process;
    const parent =
      (p.parentExecId !== null ? this.execs.get(p.parentExecId) : undefined) ??
      (p.ppid != null && p.execId === null ? node.pids.get(p.ppid) : undefined) ??
      null;
    const argvHost = this.classifier.hostNamedIn(p.args);
    const proc: ProcState = {
      execId: p.execId,
      pid: p.pid,
      binary: p.binary,
      args: p.args,
      parent,
      container: c,
      node,
      time: e.time,
      timeMs: e.timeMs,
      lastMs: e.timeMs,
      exitedMs: Number.NaN,
      push: null,
      download: parent?.download ?? false,
      // A child started after its parent's push was judged is not part of it (long-lived pushers).
      episode: parent?.episode && !parent.episode.judged ? parent.episode : null,
      archiver: ARCHIVERS.has(basename(p.binary)),
      archiveFiles: 0,
      archiveBytes: 0,
      archiveFlagged: false,
      dests: null,
      argvHost,
      lineageHost: argvHost ?? (parent !== null ? parent.argvHost : this.classifier.hostNamedIn(p.parentArgs ?? null)),
      hot: true,
    };
    if (p.execId !== null) {
      if (this.execs.size >= this.cfg.caps.maxProcesses && clockEvict(this.execs)) this.ev.process.inc();
      this.execs.set(p.execId, proc);
    } else if (p.pid !== null) {
      if (node.pids.size >= this.cfg.caps.maxProcesses && clockEvict(node.pids)) this.ev.process.inc();
      node.pids.set(p.pid, proc);
    }
    this.classify(proc, e, c);
    return proc;
  }

  private classify(proc: ProcState, e: ActivityEvent, c: ContainerState | null): void {
    const p = e.process;
    const r = recognizeProcess(
      {
        binary: proc.binary,
        args: proc.args,
        parentBinary: p.parentBinary ?? proc.parent?.binary ?? null,
        parentArgs: p.parentArgs ?? proc.parent?.args ?? null,
      },
      this.uploadTarget,
    );
    if (r === null) return;
    if (r.kind === 'download') {
      proc.download = true;
      return;
    }
    proc.push = r;
    if (c !== null) this.pushes.recognized(proc, r, e, c);
  }

  private onExec(e: ExecEvent, node: NodeState): void {
    const c = this.containerOf(e, node);
    if (c === null) return;
    const existing = this.lookupProc(e, node);
    // Tetragon: an exec id seen earlier in a kprobe event (exec reported late) keeps its state.
    if (existing !== undefined && e.process.execId !== null) {
      existing.hot = true;
      return;
    }
    this.newProc(e, node, c);
  }

  private onExit(e: ExitEvent, node: NodeState): void {
    const c = this.containerOf(e, node);
    if (c === null) return;
    const proc = this.lookupProc(e, node);
    if (proc !== undefined) proc.exitedMs = e.timeMs;
    // The container's init exited: its windows end now (EQL `until`); judge its pushes without waiting.
    if (e.process.containerPid === 1) {
      c.exitedMs = e.timeMs;
      for (const ep of [...c.pending]) this.judge(ep);
    }
  }

  private onFile(e: FileEvent, node: NodeState): void {
    const f = e.file;
    if (f.op === 'write') return;
    const c = this.containerOf(e, node);
    if (c === null) return;
    const cls = this.classifyPath(f.path);
    if (cls === PATH_NOISE) return;
    this.reads.record(c, this.procOf(e, node, c), e, cls === PATH_SENSITIVE);
  }

  private onNet(e: NetEvent, node: NodeState): void {
    const n = e.net;
    const c = this.containerOf(e, node);
    if (c === null) {
      if (node.bridgeWaiting.length > 0) this.pushes.hostNet(e, node);
      return;
    }
    const proc = this.procOf(e, node, c);
    if (n.op === 'close') {
      if (n.cookie) this.sockets.delete(n.cookie);
      return;
    }
    let dest: DestEntry | null = null;
    if (n.daddr === null) {
      const sock = n.cookie ? this.sockets.get(n.cookie) : undefined;
      if (sock === undefined) return;
      sock.hot = true;
      dest = sock.dest;
    } else {
      if (isLocalAddress(n.daddr)) return;
      dest = this.destOf(proc, n.daddr, n.dport, e);
    }
    if (n.op === 'connect') {
      if (n.cookie) {
        if (!this.sockets.has(n.cookie) && this.sockets.size >= this.cfg.caps.maxSockets && clockEvict(this.sockets)) {
          this.ev.socket.inc();
        }
        this.sockets.set(n.cookie, { dest, proc, hot: true });
      }
      const ep = proc.episode;
      if (ep !== null && !ep.judged) this.pushes.noteDest(ep, dest, proc);
      return;
    }
    let ep = proc.episode;
    if (ep?.judged && e.timeMs > ep.dueMs) {
      // That push is over: a long-lived process starts counting afresh towards a new one.
      proc.episode = null;
      ep = null;
      for (const d of proc.dests ?? []) {
        d.flagged = false;
        d.bytes = 0;
      }
    }
    const bytes = n.bytes !== null && n.bytes > 0 ? n.bytes : 0;
    dest.bytes += bytes;
    if (ep !== null) {
      if (!ep.judged) {
        ep.egressBytes += bytes;
        ep.egressSeen = true;
        this.pushes.noteDest(ep, dest, proc);
      }
      return;
    }
    if (!proc.download && dest.cls !== null && !dest.flagged && dest.bytes >= this.cfg.egressPushMinBytes) {
      this.pushes.egressPush(proc, dest, e, c);
    }
  }

  private destOf(proc: ProcState, ip: string, port: number | null, e: NetEvent): DestEntry {
    let dests = proc.dests;
    if (dests === null) {
      dests = [];
      proc.dests = dests;
    }
    for (let i = 0; i < dests.length; i++) {
      const d = dests[i]!;
      if (d.port === port && d.ip === ip) return d;
    }
    const known = this.classifier.classifyIp(ip, e.timeMs);
    const d: DestEntry = {
      ip,
      port,
      bytes: 0,
      host: known?.host ?? null,
      cls: known?.cls ?? null,
      time: e.time,
      timeMs: e.timeMs,
      flagged: false,
      noted: false,
    };
    // An argv-named host in this lineage teaches us the IP it connected to.
    const host = proc.episode?.destHost ?? proc.push?.destinationHost ?? null;
    if (host !== null && d.cls === null) {
      this.classifier.learn(ip, host, e.timeMs);
      const learned = this.classifier.classifyIp(ip, e.timeMs);
      if (learned) {
        d.host = learned.host;
        d.cls = learned.cls;
      }
    }
    // Any process naming a forge/registry in its (or its parent's) argv and connecting out: that address is
    // the named host for this process (not taught to the node-wide table: a process may name a forge and
    // talk to other hosts too; only its outbound connects count, never sends to clients of a server).
    if (d.cls === null && e.net.op === 'connect' && proc.lineageHost !== null) {
      const cls = this.classifier.classifyHost(proc.lineageHost, e.timeMs);
      if (cls !== null) {
        d.host = proc.lineageHost;
        d.cls = cls;
      }
    }
    if (dests.length >= MAX_DESTS_PER_PROC) dests.shift();
    dests.push(d);
    return d;
  }

  private judgeDue(node: NodeState, nowMs: number): void {
    let next = Number.POSITIVE_INFINITY;
    const pending = node.pending;
    node.pending = [];
    for (const ep of pending) {
      if (ep.judged) continue;
      if (ep.dueMs <= nowMs) this.judge(ep);
      else {
        node.pending.push(ep);
        if (ep.dueMs < next) next = ep.dueMs;
      }
    }
    node.nextDueMs = next;
    if (node.bridgeWaiting.length > 0) node.bridgeWaiting = node.bridgeWaiting.filter((ep) => !ep.judged);
  }

  private judge(ep: PushEpisode): void {
    if (ep.judged) return;
    ep.judged = true;
    const c = ep.container;
    const i = c.pending.indexOf(ep);
    if (i >= 0) c.pending.splice(i, 1);
    try {
      const alert = judgeEpisode(ep, this.judgeCtx);
      if (alert !== null) this.out.push(alert);
    } catch (err) {
      // A bug in judging one push must not take down the stream (counted by the app as a correlator error).
      this.logger.error(
        { err: err instanceof Error ? err.message : String(err), tool: ep.tool },
        'judging a push failed',
      );
    }
  }

  /**
   * TTL expiry of idle state (normal ageing, not counted as eviction). Each node ages on its own clock, so
   * a scan over files from different days does not expire one node's state with another's time; the
   * wall clock (live mode) can only move a node's clock forward.
   */
  private sweep(wallMs: number | null): void {
    const { windowMs, latenessMs, pushSettleMs } = this.cfg;
    const horizon = windowMs + latenessMs + pushSettleMs;
    const nowOf = (node: NodeState) => (wallMs === null ? node.maxMs : Math.max(node.maxMs, wallMs));
    this.lastSweepMs = this.maxMs;
    for (const [k, c] of this.containers) {
      const now = nowOf(c.node);
      const exitedLongAgo = !Number.isNaN(c.exitedMs) && c.exitedMs < now - latenessMs;
      if (c.pending.length === 0 && (exitedLongAgo || c.lastMs < now - horizon)) {
        this.containers.delete(k);
        if (this.lastContainer === c) this.lastContainer = null;
      }
    }
    const expired = (p: ProcState) => {
      const now = nowOf(p.node);
      if (p.episode !== null && !p.episode.judged) return false;
      return (!Number.isNaN(p.exitedMs) && p.exitedMs < now - latenessMs - pushSettleMs) || p.lastMs < now - horizon;
    };
    for (const [k, p] of this.execs) if (expired(p)) this.execs.delete(k);
    let oldestNode = Number.POSITIVE_INFINITY;
    for (const node of this.nodes.values()) {
      const now = nowOf(node);
      if (now < oldestNode) oldestNode = now;
      for (const [k, p] of node.pids) if (expired(p)) node.pids.delete(k);
      while (node.gaps.length >= 2 && node.gaps[1]! < now - horizon) node.gaps.splice(0, 2);
    }
    for (const [k, s] of this.sockets) if (s.proc.lastMs < nowOf(s.proc.node) - horizon) this.sockets.delete(k);
    if (Number.isFinite(oldestNode)) {
      this.classifier.sweep(oldestNode);
      this.judgeCtx.suppressor.sweep(oldestNode);
    }
  }
}
