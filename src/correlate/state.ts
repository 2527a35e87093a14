/**
 * Correlation state: per node, per container, per process. State is aggregated (counters and a few
 * bounded lists), never a list of events, so memory stays flat on a stream of millions of events.
 */
import type { ContainerRef, PodRef } from '../model/normalized-event.js';
import { ContainerTimes } from './container-times.js';
import type { DestNaming } from './destinations.js';
import type { DistinctFiles } from './distinct-files.js';
import type { ByteCounts } from './dual-sensor.js';
import type { ContainerExemptions } from './exemption-state.js';
import type { RecentExecs } from './pipeline.js';
import type { ProcState } from './proc-state.js';
import type { PushEpisode } from './push-episode.js';
import type { TimeNote } from './times.js';
import type { TopFiles } from './top-files.js';
import type { SecretMountPaths } from './types.js';

export { ProcState } from './proc-state.js';
/** Pushes live in ./push-episode.ts; most modules import them from here with the rest of the state. */
export type { EarlyJudgement, EvidenceItem, PushEpisode } from './push-episode.js';

export interface DestEntry {
  ip: string;
  port: number | null;
  bytes: number;
  host: string | null;
  /** How `host` was learned (null with no host, or an internal CIDR's address as its host). */
  named: DestNaming | null;
  cls: string | null;
  /** First seen (./times.ts: nanoseconds beside timeMs, or the string). */
  time: TimeNote;
  timeMs: number;
  /** When `bytes` started counting: they count for one window at a time (a slow poller never adds up). */
  bytesFromMs: number;
  /** This destination already made an egress push (so it is not made twice). */
  flagged: boolean;
  /** Already listed in a push's evidence. */
  noted: boolean;
  /** A docker daemon's upload on the host, bridged to a push in a container (pushes.ts hostNet). */
  byDaemon: boolean;
}

/** A destination first seen at `time`: the one place its shape is made (./settle.ts settles it early). */
export function newDest(
  ip: string,
  port: number | null,
  host: string | null,
  named: DestNaming | null,
  cls: string | null,
  time: TimeNote,
  timeMs: number,
): DestEntry {
  return {
    ip,
    port,
    bytes: 0,
    host,
    named,
    cls,
    time,
    timeMs,
    bytesFromMs: timeMs,
    flagged: false,
    noted: false,
    byDaemon: false,
  };
}

/**
 * Bytes sent by all the processes of one container to one forge/registry/internal destination (its host,
 * or its ip:port when it has no name): many processes sending a little each (`split -b 800k`, one upload
 * per piece) add up to a push. Counted over two contiguous generations of `windowMs`, so sends at most a
 * window apart always add up and sends more than two windows apart never do.
 */
export interface EgressSum {
  /** The destination's host name, or null (then `ip` and `port` name it). */
  host: string | null;
  ip: string;
  port: number | null;
  /** Bytes in the generation starting at `genStartMs`, and in the one before it. */
  bytes: number;
  prevBytes: number;
  genStartMs: number;
  lastMs: number;
  /** The push these bytes made (or that one of the processes made to it by itself), until it is over. */
  ep: PushEpisode | null;
  /**
   * The addresses the bytes went to (at most 4), and the weakest naming among them: a host named by a
   * command line for one address and by DNS for another is, summed, a name a process chose.
   */
  dests: DestEntry[] | null;
  /** Bytes of the window each of `dests` got (same order). */
  destBytes: number[] | null;
  named: DestNaming | null;
}

/** The one place an EgressSum's shape is made (./settle.ts settles it early). */
export function newEgressSum(host: string | null, ip: string, port: number | null, timeMs: number): EgressSum {
  return {
    host,
    ip,
    port,
    bytes: 0,
    prevBytes: 0,
    genStartMs: timeMs,
    lastMs: timeMs,
    ep: null,
    dests: null,
    destBytes: null,
    named: null,
  };
}

export interface FileEntry {
  path: string;
  /** hashPath(path): compared before the path. */
  hash: number;
  /** Bytes read since it was (re)counted: exact for the time it has been listed. */
  bytes: number;
  /**
   * Bytes the entry it replaced was credited with (space-saving): bytes + err bounds from above what the
   * file may have been read before it was listed; only used to choose what to replace.
   */
  err: number;
  firstMs: number;
  lastMs: number;
  /** When this path was last counted as a distinct file in the read buckets. */
  countedMs: number;
  /** firstMs's event time (./times.ts). */
  time: TimeNote;
  binary: string | null;
  /** A push whose own processes read this file after its settle time (it is part of that push). */
  pushEp: PushEpisode | null;
}

/**
 * A sensitive file's entry, with who read it: a credential one long-lived process has been re-reading since
 * before a push's window (a Kubernetes client reloading its service-account token every minute) is that
 * process's credential in use, not data staged for the push (judge.ts, routineSecret).
 */
export interface SensitiveEntry extends FileEntry {
  /** The process of the current streak of reads (each within windowMs of the one before); null before any. */
  reader: ProcState | null;
  readerFirstMs: number;
  readerLastMs: number;
  /** The span of reads by any other process in the same run (NaN: none). */
  othersFirstMs: number;
  othersLastMs: number;
}

export interface ArchiveMark {
  proc: ProcState;
  timeMs: number;
  time: TimeNote;
}

export interface NodeState extends ByteCounts {
  name: string;
  /** This node's clock: the highest event time seen from it (its watermark before lateness), jumps aside. */
  maxMs: number;
  /** Events in a row far ahead of `maxMs` (a jump waiting for confirmation), the earliest, latest and second latest. */
  aheadRun: number;
  aheadMinMs: number;
  aheadMaxMs: number;
  aheadNextMs: number;
  /** The second latest event of the run that last moved the clock (live, away from the wall clock: ./node-clock.ts). */
  runTopMs: number;
  /** How far `maxMs` was behind the wall clock when it last moved (live; 0 in scans): ./node-clock.ts nodeNowMs. */
  wallLagMs: number;
  /** Falco has no exec ids: its processes are keyed by host pid, per node. */
  pids: Map<number, ProcState>;
  /** Periods in which events were lost, [fromMs, toMs] pairs (bounded). */
  gaps: number[];
  /**
   * Its pushes not yet passed by the node's clock. One judged before its time (its container's list full,
   * the container evicted) is dropped at the next due pass, or once such pushes are more than half the list
   * (addNodePending): a container spraying pushes kept every push of the last pushSettleMs + latenessMs.
   */
  pending: PushEpisode[];
  /** Pushes judged since the last due pass or drop (engine.ts close): at most that many in `pending` are. */
  judgedPending: number;
  nextDueMs: number;
  /** `docker push` episodes waiting for the host daemon's egress. */
  bridgeWaiting: PushEpisode[];
  /** This node's clock when the current TTL sweep pass started (-Infinity: nothing of it expires yet). */
  sweepNowMs: number;
  /** Seen since the last CLOCK pass over the node table (caps.maxNodes). */
  hot: boolean;
  /**
   * Its last execs with a known parent, for the pipeline a push reading stdin is fed by (./pipeline.ts).
   * One ring per node, not per container: per container it held 4 processes each of 10,000 containers
   * alive past their expiry (+12 MB of heap in the memory bench).
   */
  recentExecs: RecentExecs | null;
}

/** Shared by every container without pending pushes (most): never written (frozen, so a slip throws). */
const NO_PENDING: PushEpisode[] = Object.freeze([]) as unknown as PushEpisode[];

/** What the correlator keeps of one container: its reads (aggregated), pushes pending, last process. */
export class ContainerState {
  /**
   * Its read buckets (./buckets.ts: a sparse list, then the full ring), from `bucketBase` in a chunk shared
   * with other containers (./blocks.ts); null until the first counted read. `bucketBlock` is its pool
   * handle, `bucketsUsed` the sparse list's length (RING once it is the ring).
   */
  buckets: Float64Array | null = null;
  bucketBase = 0;
  bucketBlock = -1;
  bucketsUsed = 0;
  /** The biggest files read (space-saving, at most caps.maxFilesPerContainer): the alert's reads.top. */
  top: TopFiles | null = null;
  distinct: DistinctFiles | null = null;
  /**
   * The files counted at their mapped size in the window (`map` events): apart from `distinct`, so a read of
   * a file's first bytes just before it is mapped does not make its mapping count nothing. Null until the
   * container's first mapping.
   */
  mapped: DistinctFiles | null = null;
  sensitive: SensitiveEntry[] | null = null;
  archives: ArchiveMark[] | null = null;
  /** Bytes sent by its processes per forge/registry/internal destination (at most caps.maxEgressDestsPerContainer). */
  egress: EgressSum[] | null = null;
  /**
   * Its pushes not yet judged for good, oldest first: those waiting (at most
   * caps.maxPendingPushesPerContainer) and those judged early and watched until their time (as many at
   * most). The shared empty list until the first (see addPending).
   */
  pending: PushEpisode[] = NO_PENDING;
  /** One of its processes signs with a key file (ProcRare.keyFiles): its reads of noise paths are looked at too. */
  signers = false;
  /** What its CI/CD exemptions keep (./exemption-state.ts: staging marks, reads kept aside); null for most. */
  exempt: ContainerExemptions | null = null;
  /** Both sensors on the node: each kind's lead of one sensor's bytes over the other's (./dual-sensor.ts). */
  byteLeads: Float64Array | null = null;
  byteLeadsAt = 0;
  byteLeadsBlock = -1;
  /** Its last activity event's process (most events come from one or two): no hashing (ProcessTable.procOf). */
  lastProc: ProcState | null = null;
  /** Where its lastMs and firstMs are (./container-times.ts: not two boxed doubles, cold at every event). */
  times: ContainerTimes;
  timesAt: number;
  hot = true;
  /** ref.id's length and whether ref names an image, kept here so events need not load ref to compare. */
  refIdLength: number;
  refHasImage: boolean;
  /**
   * Where its pod spec mounts secrets (./pod-secret-reads.ts), as of the pod table's generation `podSecretsGen`
   * (-1: look up again, as when its pod or container name became known).
   */
  podSecretMounts: SecretMountPaths | null = null;
  podSecretsGen = -1;

  constructor(
    readonly key: string,
    public ref: ContainerRef,
    public pod: PodRef | null,
    readonly node: NodeState,
    nowMs: number,
    times = new ContainerTimes(1),
  ) {
    this.times = times;
    this.timesAt = times.take(nowMs);
    this.refIdLength = ref.id.length;
    this.refHasImage = ref.image !== null;
  }

  get lastMs(): number {
    return this.times.a[this.timesAt]!;
  }
  set lastMs(ms: number) {
    this.times.a[this.timesAt] = ms;
  }
  /** Its earliest event seen (event time): a loss after it may have taken its reads (judge.ts, degraded). */
  get firstMs(): number {
    return this.times.a[this.timesAt + 1]!;
  }
  set firstMs(ms: number) {
    this.times.a[this.timesAt + 1] = ms;
  }
  /** It left the correlator's tables: its times go into a table of its own, its slot to the next container. */
  detach(): void {
    this.times = this.times.moveOut(this.timesAt);
    this.timesAt = 0;
  }

  /** A longer id (Tetragon's full one after Falco's 12 characters) or one that names the image wins. */
  betterRef(ref: ContainerRef): boolean {
    return ref.id.length > this.refIdLength || (!this.refHasImage && ref.image !== null);
  }

  setRef(ref: ContainerRef): void {
    this.ref = ref;
    this.podSecretsGen = -1;
    this.refIdLength = ref.id.length;
    this.refHasImage = ref.image !== null;
  }

  /** Its pod, learned after its first events: its secret mounts are looked up again. */
  setPod(pod: PodRef | null): void {
    this.pod = pod;
    this.podSecretsGen = -1;
  }

  addPending(ep: PushEpisode): void {
    if (this.pending === NO_PENDING) this.pending = [];
    this.pending.push(ep);
  }
}

export function newNodeState(name: string): NodeState {
  return {
    name,
    maxMs: Number.NEGATIVE_INFINITY,
    aheadRun: 0,
    aheadMinMs: Number.NaN,
    aheadMaxMs: Number.NaN,
    aheadNextMs: Number.NaN,
    runTopMs: Number.NEGATIVE_INFINITY,
    wallLagMs: 0,
    pids: new Map(),
    gaps: [],
    pending: [],
    judgedPending: 0,
    nextDueMs: Number.POSITIVE_INFINITY,
    bridgeWaiting: [],
    sweepNowMs: Number.NEGATIVE_INFINITY,
    hot: true,
    recentExecs: null,
    byteLeads: null,
    byteLeadsAt: 0,
    byteLeadsBlock: -1,
  };
}

/**
 * Evicts one entry from a CLOCK-managed map when it is at its cap: entries touched since the last pass
 * (`hot`) get a second chance at the back; the first cold one goes. Returns the evicted value.
 */
export function clockEvict<K, V extends { hot: boolean }>(map: Map<K, V>, keep?: (v: V) => boolean): V | undefined {
  let budget = map.size * 2 + 1;
  for (const [k, v] of map) {
    if (budget-- <= 0) break;
    if (v.hot || keep?.(v)) {
      v.hot = false;
      map.delete(k);
      map.set(k, v);
      continue;
    }
    map.delete(k);
    return v;
  }
  // Everything is hot or kept: evict the oldest regardless, the cap is a promise.
  const first = map.entries().next();
  if (first.done) return undefined;
  map.delete(first.value[0]);
  return first.value[1];
}

/**
 * Adds a push to its node's pending list, first dropping the judged ones when they may be half of it: each
 * pass over the list is paid for by as many judgements, so it costs O(1) a push however the node's pushes go.
 */
export function addNodePending(node: NodeState, ep: PushEpisode): void {
  if (node.judgedPending * 2 > node.pending.length) {
    node.pending = node.pending.filter((x) => !x.judged);
    node.judgedPending = 0;
  }
  node.pending.push(ep);
}
