/**
 * Both sensors on one node (Tetragon and Falco fed to one daemon) report the same syscalls twice: the same
 * read, the same send, the same push. The alerts must be one sensor's (they were the sum: a 40 MiB read was
 * 80 MiB, "bulk"), with what only one sensor sees added.
 *
 * Bytes: per container (per node for its host processes: a docker daemon's upload) and per kind of byte count
 * — bytes read, bytes mapped (mmap: only Tetragon measures those), bytes sent — the total is the larger of the
 * two sensors' totals, kept as one signed lead (Tetragon's bytes minus Falco's): an event counts the bytes by
 * which it raises the larger total, so a read both report counts once, whichever comes first or how late
 * the other is, and bytes only one sensor saw (the other's narrowed rule, throttling, missing syscalls) count.
 * No sensor owns a kind by reporting it first: a tiny early event of the sensor that undercounts (a DNS query
 * by Falco's sendto, with uploads by write() it does not take without base_syscalls.all; Falco's
 * `evt.rawres >= 65536` read rule; a Tetragon throttled after its first read) would drop the other's bulk. A lead
 * that has not come back to zero for windowMs (one sensor sees structurally more) is forgotten, so an old lead
 * cannot swallow the other sensor's bytes now; the price, once per window and only then, is a recount of
 * the bytes the lagging sensor had in flight. A single-sensor daemon keeps its lead too (six numbers per
 * container with bytes, made at its first) so a second sensor's first report of a byte both saw is not
 * counted again; it pays a compare and an add per counted event. A container's six are a block of a pool
 * (./blocks.ts): a Float64Array of its own per container was ~200–300 bytes allocated at its first bytes, 6–9%
 * of what the bench stream's first 20k events allocate at 5,000 containers (docs/latency.md, "First sight").
 *
 * Pushes: Tetragon keys processes by exec id, Falco by host pid, so each sensor's exec makes a process and a
 * push of its own. The second sensor's push of the same tool by the same host pid within pushSettleMs joins
 * the first (its twin): one alert, carrying the sensor that reported the push first; its steps seen by both
 * are shown once.
 */
import type { FileEvent, NetEvent, SensorSource } from '../model/normalized-event.js';
import type { PushRecognition } from '../rules/recognize.js';
import { BlockPool } from './blocks.js';
import type { ProcRare } from './proc-state.js';
import type { ContainerState, EvidenceItem, ProcState, PushEpisode } from './state.js';

const BYTES_READ = 0;
const BYTES_MAPPED = 1;
const BYTES_SENT = 2;
/** byteLeads[byteLeadsAt + LEFT_ZERO_AT + kind]: when that kind's lead last left zero. */
const LEFT_ZERO_AT = 3;
const LEADS = 6;
type ByteKind = typeof BYTES_READ | typeof BYTES_MAPPED | typeof BYTES_SENT;

/** Where bytes are counted: a container, or a node's host processes. */
export interface ByteCounts {
  /**
   * From its first bytes, per kind (read, mapped, sent): the lead, then the time it last left zero; six
   * numbers from `byteLeadsAt`, in a block of the leads pool (`byteLeadsBlock` its handle) or, for a node's
   * host processes (a few per correlator), an array of their own (-1).
   */
  byteLeads: Float64Array | null;
  byteLeadsAt: number;
  byteLeadsBlock: number;
}

/** The pool containers' leads come from (one per correlator, ./reads.ts). */
export function byteLeadsPool(): BlockPool<Float64Array> {
  return new BlockPool(LEADS, (n) => new Float64Array(n), 0);
}

/** `at` left the correlator's tables: its block goes back to the pool (it must count no bytes after this). */
export function releaseByteLeads(at: ByteCounts, pool: BlockPool<Float64Array>): void {
  if (at.byteLeadsBlock >= 0) pool.release(at.byteLeadsBlock);
  at.byteLeadsBlock = -1;
  at.byteLeads = null;
}

function leadsOf(at: ByteCounts, pool: BlockPool<Float64Array> | null): Float64Array {
  if (at.byteLeads !== null) return at.byteLeads;
  if (pool === null) {
    at.byteLeads = new Float64Array(LEADS);
    at.byteLeadsAt = 0;
  } else {
    const block = pool.alloc();
    at.byteLeads = pool.chunkOf(block);
    at.byteLeadsAt = pool.offsetOf(block);
    at.byteLeadsBlock = block;
  }
  return at.byteLeads;
}

/** The bytes `source`'s report of `bytes` adds to `at`'s total of `kind`: the rise of the larger sensor total. */
function countedBytes(
  at: ByteCounts,
  kind: ByteKind,
  source: SensorSource,
  bytes: number,
  timeMs: number,
  windowMs: number,
  pool: BlockPool<Float64Array> | null,
): number {
  const leads = leadsOf(at, pool);
  const i = at.byteLeadsAt + kind;
  const leftZeroAt = i + LEFT_ZERO_AT;
  let lead = leads[i]!;
  if (lead !== 0 && timeMs - leads[leftZeroAt]! >= windowMs) lead = 0;
  if (lead === 0) leads[leftZeroAt] = timeMs;
  if (source === 'tetragon') {
    leads[i] = lead + bytes;
    // The sensor ahead (always, with one sensor alone) counts all its bytes.
    if (lead >= 0) return bytes;
    if (lead + bytes <= 0) return 0;
    leads[leftZeroAt] = timeMs;
    return lead + bytes;
  }
  leads[i] = lead - bytes;
  if (lead <= 0) return bytes;
  if (lead - bytes >= 0) return 0;
  leads[leftZeroAt] = timeMs;
  return bytes - lead;
}

/** The read as it counts in `c`: itself, or with the bytes it adds to the larger sensor total (none: null). */
export function countedRead(
  c: ContainerState,
  e: FileEvent,
  windowMs: number,
  pool: BlockPool<Float64Array>,
): FileEvent {
  const f = e.file;
  if (f.bytes === null || f.bytes <= 0) return e;
  const kind = f.op === 'map' ? BYTES_MAPPED : BYTES_READ;
  const n = countedBytes(c, kind, e.source, f.bytes, e.timeMs, windowMs, pool);
  return n === f.bytes ? e : { ...e, file: { ...f, bytes: n > 0 ? n : null } };
}

/** The send as it counts in `at` (a container, its leads from `pool`, or a node's host processes: null). */
export function countedSend(
  at: ByteCounts,
  e: NetEvent,
  windowMs: number,
  pool: BlockPool<Float64Array> | null,
): NetEvent {
  const net = e.net;
  if (net.op !== 'send' || net.bytes === null || net.bytes <= 0) return e;
  const n = countedBytes(at, BYTES_SENT, e.source, net.bytes, e.timeMs, windowMs, pool);
  return n === net.bytes ? e : { ...e, net: { ...net, bytes: n > 0 ? n : null } };
}

/**
 * Whether `a` and `b` are one process as each sensor reports it: Tetragon's (an exec id) and Falco's (none)
 * of the same host pid and binary, so a credential one process reads routinely (a token client-go reloads each
 * minute) is not taken for one read by two processes.
 */
export function sameProcess(a: ProcState, b: ProcState): boolean {
  return (
    a.pid !== null &&
    a.pid === b.pid &&
    (a.execId === null) !== (b.execId === null) &&
    a.binary === b.binary &&
    a.container === b.container
  );
}

/**
 * The push made for the other sensor's report of `proc` (an upload by itself, which has no exec to join),
 * taken as its own: each sensor's process counts only the sends it reported first, so the push needs both.
 */
export function adoptTwinPush(proc: ProcState, c: ContainerState): void {
  for (const x of c.pending) {
    if (!x.judged && sameProcess(proc, x.proc)) {
      proc.episode = x;
      return;
    }
  }
}

/**
 * The other sensor's report of the archiver `proc`, linked both ways: Tetragon's process (an exec id) finds
 * Falco's by host pid. Each counts only the files it reported first, so the pair's files are their sum
 * (neither alone reached archiveMinFiles when the sensors took turns being first).
 */
export function archiveTwin(proc: ProcState, rare: ProcRare): void {
  if (proc.execId === null || proc.pid === null || proc.node.pids.size === 0) return;
  const other = proc.node.pids.get(proc.pid);
  if (other === undefined || !other.archiver || !sameProcess(proc, other)) return;
  rare.archiveTwin = other;
  other.more().archiveTwin = proc;
}

/** The pending push the other sensor reported for the push `proc` makes (r), or null. */
export function twinPush(
  c: ContainerState,
  r: PushRecognition,
  proc: ProcState,
  source: SensorSource,
  timeMs: number,
  ppid: number | null | undefined,
  settleMs: number,
): PushEpisode | null {
  const pid = r.spec.match.kind === 'helper-of-push' ? (proc.parent?.pid ?? ppid ?? null) : proc.pid;
  if (pid === null) return null;
  for (const x of c.pending) {
    if (x.source === source || x.judged || x.tool !== r.tool || x.proc.pid !== pid) continue;
    if (Math.abs(timeMs - x.timeMs) <= settleMs) return x;
  }
  return null;
}

/** How far apart in time the two sensors' reports of one step may be. */
const SAME_STEP_MS = 1000;

/** A step of a push both sensors reported: the second report (same kind and detail, SAME_STEP_MS) is not shown. */
export function repeatedStep(ep: PushEpisode, item: EvidenceItem): boolean {
  return (
    ep.twinned &&
    ep.evidence.some(
      (x) => x.kind === item.kind && x.detail === item.detail && Math.abs(x.timeMs - item.timeMs) < SAME_STEP_MS,
    )
  );
}
