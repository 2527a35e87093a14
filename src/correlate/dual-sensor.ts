/**
 * Both sensors on one node (Tetragon and Falco fed to one daemon) report the same syscalls twice: the same
 * read, the same send, the same push. The alerts must be one sensor's (they were the sum: a 40 MiB read was
 * 80 MiB, "bulk"), with what only one sensor sees added.
 *
 * Bytes: per container (per node for its host processes: a docker daemon's upload) and per kind of byte count
 * — bytes read, bytes mapped (mmap: only Tetragon measures those), bytes sent — the first sensor to report
 * bytes of that kind owns it; the other sensor's events of that kind still count their paths (files,
 * sensitive reads), destinations and processes, with no bytes. Kinds are apart so each sensor fills what
 * only it sees: Falco's read bytes with Tetragon's mapped sizes make what Tetragon alone counts. Why not the
 * max of per-sensor totals: that doubles the read buckets, top files and egress sums of every container;
 * owning a kind costs two bits, and a single-sensor daemon pays one integer compare per counted event. The
 * price: bytes of a kind the owner missed (its drop, its gap) are not taken from the other sensor; the
 * alert says `degraded`.
 *
 * Pushes: Tetragon keys processes by exec id, Falco by host pid, so each sensor's exec makes a process and a
 * push of its own. The second sensor's push of the same tool by the same host pid within pushSettleMs joins
 * the first (its twin): one alert, carrying the sensor that reported the push first; its steps seen by both
 * are shown once.
 */
import type { FileEvent, NetEvent, SensorSource } from '../model/normalized-event.js';
import type { PushRecognition } from '../rules/recognize.js';
import type { ContainerState, EvidenceItem, ProcState, PushEpisode } from './state.js';

const BYTES_READ = 0;
const BYTES_MAPPED = 2;
const BYTES_SENT = 4;
type ByteKind = typeof BYTES_READ | typeof BYTES_MAPPED | typeof BYTES_SENT;

/** Whether `source`'s bytes of `kind` count in `at`: it owns the kind, or claims it now (no owner yet). */
function ownsBytes(at: { byteOwners: number }, kind: ByteKind, source: SensorSource): boolean {
  const code = source === 'tetragon' ? 1 : 2;
  const owner = (at.byteOwners >> kind) & 3;
  if (owner === code) return true;
  if (owner !== 0) return false;
  at.byteOwners |= code << kind;
  return true;
}

/** The read as it counts in `c`: itself, or without its bytes when the other sensor counts them. */
export function countedRead(c: ContainerState, e: FileEvent): FileEvent {
  const f = e.file;
  if (f.bytes === null || f.bytes <= 0 || ownsBytes(c, f.op === 'map' ? BYTES_MAPPED : BYTES_READ, e.source)) return e;
  return { ...e, file: { ...f, bytes: null } };
}

/** The send as it counts in `at` (a container, or a node's host processes). */
export function countedSend(at: { byteOwners: number }, e: NetEvent): NetEvent {
  const n = e.net;
  if (n.op !== 'send' || n.bytes === null || n.bytes <= 0 || ownsBytes(at, BYTES_SENT, e.source)) return e;
  return { ...e, net: { ...n, bytes: null } };
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

/** A step of a push both sensors reported: the second report (same kind and detail within a second) is not shown. */
export function repeatedStep(ep: PushEpisode, item: EvidenceItem): boolean {
  return (
    ep.twinned &&
    ep.evidence.some((x) => x.kind === item.kind && x.detail === item.detail && Math.abs(x.timeMs - item.timeMs) < 1000)
  );
}
