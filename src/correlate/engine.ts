/**
 * The correlator's hot path: one pass per event, on event time, updating aggregated per-container and
 * per-process state; pushes wait in their node's pending list until the node's stream has passed them by
 * pushSettleMs + latenessMs, then ./judge.ts names them. No regex, closure or allocation per ordinary
 * event: read counters live in typed arrays, classification is cached per process.
 */
import { errorMessage } from '../errors.js';
import { type Alert, SEVERITIES } from '../model/alert.js';
import type { ExecEvent, ExitEvent, FileEvent, NetEvent, NormalizedEvent } from '../model/normalized-event.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { CompiledAllowlist } from './allowlist.js';
import { extractionRead, noteExtraction } from './archive-extractions.js';
import { ReadBuckets } from './buckets.js';
import type { CorrelatorConfig } from './config.js';
import { DestinationClassifier } from './destinations.js';
import { downloadStoreRead, heldDownloadCredential, lostDownloadSecrets } from './download-reads.js';
import { countedRead, countedSend } from './dual-sensor.js';
import { EventFailures } from './event-failures.js';
import { type EvictionCounters, evictionCounters } from './eviction-kinds.js';
import { type JudgeContext, type Judgement, judgeEpisode } from './judge.js';
import { NetTracker } from './network.js';
import { advanceClock, beyondClockJump, nodeNowMs } from './node-clock.js';
import {
  createPathClassifier,
  holdsSecrets,
  isUncountedMapping,
  PATH_NOISE,
  PATH_SENSITIVE,
  type PathClassifier,
} from './paths.js';
import { PodSecretCopies } from './pod-copies.js';
import type { PodSecretReads } from './pod-secret-reads.js';
import { ProcessTable } from './processes.js';
import { PushTracker } from './pushes.js';
import { ReadTracker } from './reads.js';
import { settleShapes } from './settle.js';
import { ShellScriptGate } from './shell-script-gate.js';
import { ownSigningKey } from './signing-keys.js';
import { ExecStagings, noteStagings } from './staging-guards.js';
import type { NodeState, PushEpisode } from './state.js';
import { Suppressor } from './suppression.js';

const BUCKETS_PER_WINDOW = 30;
const MAX_GAPS_PER_NODE = 64;
const SWEEP_EVERY_MS = 60_000;
/**
 * Entries a TTL pass visits per ingest()/advance() call, plus SWEEP_PER_EVENT per event of the batch so
 * a pass outruns the tables' growth (~2k visits measured ~250 µs of a 512-event call on a loaded box, where
 * the whole sweep took 2–20 ms); a pass over the caps' worth of state ends within a few hundred calls,
 * far inside SWEEP_EVERY_MS of event time at any realistic rate.
 */
const SWEEP_STEP = 1024;
const SWEEP_PER_EVENT = 2;

export class CorrelationEngine {
  readonly classifier: DestinationClassifier;
  private readonly classifyPath: PathClassifier;
  private readonly judgeCtx: JudgeContext;
  private readonly pushes: PushTracker;
  private readonly reads: ReadTracker;
  private readonly tables: ProcessTable;
  private readonly net: NetTracker;
  private readonly podCopies: PodSecretCopies;
  private readonly shellScripts: ShellScriptGate;
  private readonly execStagings = new ExecStagings();
  private readonly bucketMs: number;
  private readonly slots: number;
  private readonly ev: EvictionCounters;
  private readonly failures: EventFailures;
  private readonly outOfWindow: { inc(): void };
  private maxMs = Number.NEGATIVE_INFINITY;
  private lastSweepMs = Number.NEGATIVE_INFINITY;
  /** The latest wall clock advance() was given; +Infinity until then (scan never gives one). */
  private wallMs = Number.POSITIVE_INFINITY;
  private lastWallSweepMs = Number.NEGATIVE_INFINITY;
  /** A TTL pass is under way (it resumes in each call); `sweepQueued`: another is due once it ends. */
  private sweeping = false;
  private sweepQueued = false;
  private queuedWallMs: number | null = null;
  private out: Alert[] = [];

  constructor(
    private readonly cfg: CorrelatorConfig,
    allowlist: CompiledAllowlist,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly podSecretReads: PodSecretReads | null = null,
  ) {
    settleShapes();
    this.ev = evictionCounters(metrics.stateEvictions);
    this.failures = new EventFailures(metrics.componentErrors.labels('correlator'), logger);
    this.outOfWindow = metrics.eventsDropped.labels('out_of_window');
    this.classifier = new DestinationClassifier(cfg.destinations, cfg.caps.maxIpHints, () => this.ev.ip_hint.inc());
    this.pushes = new PushTracker(cfg, this.classifier, {
      judge: (ep) => this.judge(ep),
      judgeEarly: (ep) => this.judgeEarly(ep),
      earlyEvicted: this.ev.early_push,
    });
    this.tables = new ProcessTable(cfg, {
      classifier: this.classifier,
      pushes: this.pushes,
      judge: (ep) => this.judge(ep),
      containerEvicted: this.ev.container,
      processEvicted: this.ev.process,
      nodeEvicted: this.ev.node,
      podStorage: { evicted: this.ev.pod_storage, logger },
      released: (c) => this.reads.release(c),
    });
    this.net = new NetTracker(cfg, this.classifier, this.pushes, this.ev.socket, this.ev.egress_dest);
    this.classifyPath = createPathClassifier(cfg.reads);
    this.podCopies = new PodSecretCopies(cfg.windowMs, this.ev.pod_copy);
    this.shellScripts = new ShellScriptGate(metrics.shellScriptsSkipped, logger);
    this.bucketMs = Math.max(1000, Math.ceil(cfg.windowMs / BUCKETS_PER_WINDOW));
    this.slots = Math.ceil((cfg.windowMs + cfg.pushSettleMs + cfg.latenessMs) / this.bucketMs) + 2;
    const buckets = new ReadBuckets(this.bucketMs, this.slots);
    this.reads = new ReadTracker(cfg, buckets, this.ev.file, this.outOfWindow);
    this.judgeCtx = {
      config: cfg,
      thresholds: {
        bulkReadBytes: cfg.bulkReadBytes,
        criticalBulkFactor: cfg.criticalBulkFactor,
        moderateReadBytes: cfg.moderateReadBytes,
        moderateReadFiles: cfg.moderateReadFiles,
        bulkEgressBytes: cfg.bulkEgressBytes,
      },
      bucketMs: this.bucketMs,
      buckets,
      allowlist,
      isDnsName: (ip, host) => this.classifier.isDnsName(ip, host),
      hasDnsAnswers: (host) => this.classifier.hasDnsAnswers(host),
      suppressor: new Suppressor(cfg.suppressionMs, cfg.caps.maxSuppressionKeys, () => this.ev.suppression.inc()),
      logger,
      alertsSuppressed: metrics.alertsSuppressed,
      alertsAllowlisted: metrics.alertsAllowlisted,
      allowlistMatches: metrics.allowlistMatches,
    };
  }

  ingest(batch: readonly NormalizedEvent[]): Alert[] {
    for (let i = 0; i < batch.length; i++) {
      try {
        this.one(batch[i]!);
      } catch (err) {
        this.failures.skipped(err, batch[i]!);
      }
    }
    if (this.sweeping) this.sweepSome(SWEEP_STEP + SWEEP_PER_EVENT * batch.length);
    return this.take();
  }

  advance(nowMs: number): Alert[] {
    if (nowMs > this.wallMs || this.wallMs === Number.POSITIVE_INFINITY) this.wallMs = nowMs;
    for (const node of this.tables.nodes.values()) {
      const nodeNow = nodeNowMs(node, nowMs);
      if (nodeNow >= node.nextDueMs) this.judgeDue(node, nodeNow);
    }
    if (nowMs - this.lastWallSweepMs >= SWEEP_EVERY_MS) {
      this.lastWallSweepMs = nowMs;
      this.sweep(nowMs);
    }
    if (this.sweeping) this.sweepSome(SWEEP_STEP);
    return this.take();
  }

  flush(): Alert[] {
    for (const node of this.tables.nodes.values()) this.judgeDue(node, Number.POSITIVE_INFINITY);
    return this.take();
  }

  trackedContainers(): number {
    return this.tables.containers.size;
  }

  private take(): Alert[] {
    const out = this.out;
    // Never the list itself when it is empty: a caller keeping that would see later alerts appear in it.
    if (out.length === 0) return [];
    this.out = [];
    return out;
  }

  private one(e: NormalizedEvent): void {
    if (!Number.isFinite(e.timeMs)) return;
    const node = this.tables.nodeOf(e.node);
    // A reconnect marker has our clock's time, not the sensor's: taken as is it pulls a lagging node's clock to ours.
    const shift = e.kind === 'gap' && e.gap.reason === 'disconnected' ? node.wallLagMs : 0;
    const t = e.timeMs - shift;
    if (t > node.maxMs) advanceClock(node, t, this.wallMs);
    else node.aheadRun = 0;
    if (node.maxMs > this.maxMs) this.maxMs = node.maxMs;
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
        // A loss stamped beyond a jump of its node's clock (one the clock did not take: a dropped event stamped 2999
        // gives a full queue's marker its end) ends at the clock: else it marks every push on the node `degraded`
        // until 64 more losses push it out, and holds back the expiry of every marker after it.
        const to = beyondClockJump(node, t) ? node.maxMs : t;
        const from = e.gap.fromMs === undefined ? to : e.gap.fromMs - shift;
        if (node.gaps.length >= MAX_GAPS_PER_NODE * 2) node.gaps.splice(0, 2);
        node.gaps.push(Math.min(from, to), to);
        break;
      }
    }
    if (this.maxMs - this.lastSweepMs >= SWEEP_EVERY_MS) this.sweep(null);
  }

  private onExec(e: ExecEvent, node: NodeState): void {
    const c = this.tables.containerOf(e, node);
    if (c === null) return;
    const existing = this.tables.lookupProc(e, node);
    // Tetragon: an exec id seen earlier in a kprobe event (exec reported late) keeps its state.
    if (existing !== undefined && e.process.execId !== null) {
      existing.hot = true;
      return;
    }
    const proc = this.tables.newProc(e, node, c);
    const p = e.process;
    // What it stages for the three staging guards, and what it extracts, kept per command line (./staging-guards.ts).
    const staging = this.execStagings.of(p, this.shellScripts.at(node));
    noteExtraction(proc, staging.extraction, p.args, p.cwd ?? null, p.parentBinary ?? null, p.parentArgs ?? null);
    noteStagings(c, staging, p);
    const relink = staging.copied;
    for (const [i, path] of relink.sources.entries()) {
      // A secret store moved or linked whole (`mv ~/.aws /tmp/a`) is read later under the new name too.
      if (this.classifyPath(path) !== PATH_SENSITIVE && !holdsSecrets(this.classifyPath, path)) continue;
      const access: FileEvent = { ...e, kind: 'file', file: { path, op: 'open', bytes: null } };
      this.reads.record(c, proc, access, true);
      // Another container of the pod may read it there (a shared workspace: ./pod-copies.ts).
      this.podCopies.note(node.name, c, relink, i, e.timeMs);
    }
  }

  private onExit(e: ExitEvent, node: NodeState): void {
    const c = this.tables.containerOf(e, node);
    if (c === null) return;
    const proc = this.tables.lookupProc(e, node);
    if (proc !== undefined) proc.exitedMs = e.timeMs;
    // The container's init exited: nothing of it happens after this (EQL `until`), so its pushes need not wait
    // out their settle time. They still wait the lateness: the sensor can deliver the container's last reads
    // after its exit (a Job that reads, pushes and ends), and those decide the rule. Its state is not released
    // here but when idle (processes.ts expireContainer): pid 1 may be a nested pid namespace's init.
    if (e.process.containerPid === 1) {
      const judgeAtMs = Math.max(e.timeMs, node.maxMs) + this.cfg.latenessMs;
      for (const ep of c.pending) {
        if (judgeAtMs >= ep.judgeAtMs) continue;
        ep.judgeAtMs = judgeAtMs;
        if (judgeAtMs < node.nextDueMs) node.nextDueMs = judgeAtMs;
      }
    }
  }

  private onFile(e: FileEvent, node: NodeState): void {
    const f = e.file;
    if (f.op === 'write' || (f.op === 'map' && isUncountedMapping(f.path))) return;
    const c = this.tables.containerOf(e, node);
    if (c === null) return;
    // Under a secret mount its pod spec chose (./pod-secret-reads.ts) a read is sensitive, whatever the path says.
    const cls = this.podSecretReads?.isSecret(c, f.path) ? PATH_SENSITIVE : this.classifyPath(f.path);
    if (cls === PATH_NOISE) {
      // A signing key where reads count for nothing still takes its process's one exemption (./signing-keys.ts).
      if (c.signers) ownSigningKey(this.reads, this.tables.lookupProc(e, node), e, c, false);
      return;
    }
    const proc = this.tables.procOf(e, node, c);
    const copied = cls !== PATH_SENSITIVE && this.podCopies.isCopy(node.name, c, f.path, e.timeMs);
    // A download reading what it downloads is the download (index-pack's deltas, git-lfs, `npm ci`'s cache).
    if (downloadStoreRead(proc, f.path, cls !== PATH_SENSITIVE && !copied, f)) return;
    // Its bytes as they count with both sensors on the node: once (./dual-sensor.ts), kept aside or not.
    const counted = countedRead(c, e, this.cfg.windowMs, this.reads.leads);
    // An extraction reading its archive: what it writes counts when read again (./archive-extractions.ts).
    if (cls !== PATH_SENSITIVE && !copied && extractionRead(c, proc, counted, this.cfg, this.bucketMs)) return;
    // Credentials in use, not payloads: a signer's own key, a download's own store (./download-reads.ts).
    const own = ownSigningKey(this.reads, proc, e, c, cls === PATH_SENSITIVE);
    const secret = cls === PATH_SENSITIVE && !own && !heldDownloadCredential(proc, e);
    this.reads.record(c, proc, counted, secret || copied);
  }

  private onNet(e: NetEvent, node: NodeState): void {
    const c = this.tables.containerOf(e, node);
    if (c === null) {
      if (node.bridgeWaiting.length > 0) this.pushes.hostNet(countedSend(node, e, this.cfg.windowMs, null), node);
      return;
    }
    const proc = this.tables.procOf(e, node, c);
    const sent = countedSend(c, e, this.cfg.windowMs, this.reads.leads);
    if (this.net.record(sent, proc, c)) lostDownloadSecrets(proc, c, this.reads);
  }

  private judgeDue(node: NodeState, nowMs: number): void {
    let next = Number.POSITIVE_INFINITY;
    const pending = node.pending;
    node.pending = [];
    for (const ep of pending) {
      if (ep.judged) continue;
      if (ep.judgeAtMs <= nowMs) this.judge(ep);
      else {
        node.pending.push(ep);
        if (ep.judgeAtMs < next) next = ep.judgeAtMs;
      }
    }
    node.nextDueMs = next;
    node.judgedPending = 0;
    if (node.bridgeWaiting.length > 0) node.bridgeWaiting = node.bridgeWaiting.filter((ep) => !ep.judged);
  }

  /** Judges a push for good: at its time, at the end of input, or as its container or node leaves the tables. */
  private judge(ep: PushEpisode): void {
    if (ep.judged) return;
    this.close(ep);
    const j = this.judgement(ep);
    if (j?.alert) this.out.push(j.alert);
  }

  /**
   * Judges a push before its time, because its container's pending list is full (./pushes.ts makeRoom):
   * its alert goes out now, as it would were it let go, but quick pushes after it (decoys) must not decide
   * its rule before its own, slower, reads are in. So it stays pending and is judged again at its time (a second
   * alert only when graver: ./judge.ts), unless nothing can make it graver (critical already, allowlisted).
   */
  private judgeEarly(ep: PushEpisode): void {
    if (ep.judged || ep.early !== null) return;
    const j = this.judgement(ep);
    if (j?.alert) this.out.push(j.alert);
    if (j === null || j.allowlisted || j.rank >= SEVERITIES.length - 1) this.close(ep);
    else ep.early = { rule: j.rule, rank: j.rank };
  }

  private close(ep: PushEpisode): void {
    ep.judged = true;
    ep.node.judgedPending++;
    const i = ep.container.pending.indexOf(ep);
    if (i >= 0) ep.container.pending.splice(i, 1);
  }

  private judgement(ep: PushEpisode): Judgement | null {
    try {
      return judgeEpisode(ep, this.judgeCtx);
    } catch (err) {
      // A bug in judging one push must not take down the stream (counted by the app as a correlator error).
      this.logger.error({ err: errorMessage(err), tool: ep.tool }, 'judging a push failed');
      return null;
    }
  }

  /**
   * TTL expiry of idle state (normal ageing, not counted as eviction), in bounded pieces (./sweep.ts):
   * this starts a pass, each ingest()/advance() call carries it on. Each node ages on its own clock, so a
   * scan over files from different days does not expire one node's state with another's time; the wall
   * clock (live mode) can only move a node's clock forward, at the lag it has behind it (./node-clock.ts).
   */
  private sweep(wallMs: number | null): void {
    this.lastSweepMs = this.maxMs;
    if (this.sweeping) {
      // The pass under way goes on; the next one starts (with clocks read then) as soon as it ends.
      this.sweepQueued = true;
      if (wallMs !== null && (this.queuedWallMs === null || wallMs > this.queuedWallMs)) this.queuedWallMs = wallMs;
      return;
    }
    const nowOf = (node: NodeState) => (wallMs === null ? node.maxMs : nodeNowMs(node, wallMs));
    const oldestNode = this.tables.sweepStart(nowOf);
    this.net.sweepStart();
    // Node-independent tables age on the oldest node clock; none with no node yet (nothing started to step).
    if (Number.isFinite(oldestNode)) {
      this.classifier.sweepStart(oldestNode);
      this.judgeCtx.suppressor.sweepStart(oldestNode);
      this.podCopies.sweep(oldestNode);
    }
    this.sweeping = true;
  }

  /** Carries the pass on over up to `budget` entries: processes/containers, sockets, hints, suppression keys. */
  private sweepSome(budget: number): void {
    let left = this.tables.sweepStep(budget);
    if (left > 0) left = this.net.sweepStep(left);
    if (left > 0) left = this.classifier.sweepStep(left);
    if (left > 0) left = this.judgeCtx.suppressor.sweepStep(left);
    if (left === 0) return;
    this.sweeping = false;
    if (this.sweepQueued) {
      this.sweepQueued = false;
      const wallMs = this.queuedWallMs;
      this.queuedWallMs = null;
      this.sweep(wallMs);
    }
  }
}
