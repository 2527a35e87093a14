/**
 * Falco alert (JSON `http_output`/stdout/file form, or a gRPC response converted to it) → NormalizedEvent.
 *
 * Interpreted from standard `output_fields` (`evt.type`, `evt.rawres`, `fd.*`, `proc.*`, `container.*`,
 * `k8s.*`), never from rule names, so users' own rules feed exfilwatch as long as they print those fields.
 * Returns null for events exfilwatch does not use (other sources, failed syscalls, inbound reads, events
 * without the fields); throws DecodeError only for a malformed shape. Pure and allocation-light: it runs
 * at receiver speed (tens of thousands of events per second per core), so no regex on the hot path.
 */
import { DecodeError } from '../../errors.js';
import type { FileEvent, FileOp, GapEvent, NetOp, NormalizedEvent } from '../../model/normalized-event.js';
import type { NormalizeDefaults } from '../types.js';
import { type FalcoFields, int, parseTuple, port, str } from './fields.js';
import { containerOf, podOf, processOf } from './process.js';
import { eventTime } from './time.js';

type Handling = 'exec' | 'exit' | 'open' | 'read' | 'write' | 'send' | 'connect' | 'close';

/** Falco `evt.type` names we understand. Anything else (mmap, dup, recv…) is ignored. */
const EVT_TYPES: ReadonlyMap<string, Handling> = new Map<string, Handling>([
  ['execve', 'exec'],
  ['execveat', 'exec'],
  ['procexit', 'exit'],
  ['open', 'open'],
  ['openat', 'open'],
  ['openat2', 'open'],
  ['creat', 'open'],
  ['open_by_handle_at', 'open'],
  ['read', 'read'],
  ['pread', 'read'],
  ['readv', 'read'],
  ['preadv', 'read'],
  // In-kernel copies from a file: the event's fd is the source (fdin, fd_in), evt.rawres the bytes moved.
  ['copy_file_range', 'read'],
  ['splice', 'read'],
  ['write', 'write'],
  ['pwrite', 'write'],
  ['writev', 'write'],
  ['pwritev', 'write'],
  ['send', 'send'],
  ['sendto', 'send'],
  ['sendmsg', 'send'],
  ['sendmmsg', 'send'],
  // A file sent by the kernel: the event's fd is the output (out_fd), evt.rawres the bytes moved. Into a
  // socket it is egress; into a file or pipe the send handling drops it (the file it read is not named).
  ['sendfile', 'send'],
  ['connect', 'connect'],
  ['close', 'close'],
]);

const EINPROGRESS = -115;

type FdClass = 'file' | 'inet' | 'other' | 'unknown';

/** What the event's fd is: from `fd.type`/`fd.typechar`, else guessed from the shape of `fd.name`. */
function fdClass(f: FalcoFields, name: string | null): FdClass {
  const type = str(f, 'fd.type');
  if (type !== null) return type === 'file' ? 'file' : type === 'ipv4' || type === 'ipv6' ? 'inet' : 'other';
  const typechar = str(f, 'fd.typechar');
  if (typechar !== null) return typechar === 'f' ? 'file' : typechar === '4' || typechar === '6' ? 'inet' : 'other';
  if (name === null) return 'unknown';
  if (name.indexOf('->') > 0) return 'inet';
  return name.charCodeAt(0) === 47 /* / */ ? 'file' : 'unknown';
}

/**
 * Falco's drop alert carries `n_drops*` counters, names no syscall field has (those are dotted). Its source
 * is `internal` since 0.30, absent before, and may arrive as `syscall` through the gRPC enum default.
 */
export function isDropAlert(f: FalcoFields): boolean {
  return 'n_drops' in f;
}

export function normalizeFalco(obj: Record<string, unknown>, defaults: NormalizeDefaults): NormalizedEvent | null {
  let source = obj.source;
  // Pre-0.30 events carry no `source`; they are syscall alerts. k8s_audit and plugin sources are not ours.
  if (source !== undefined && source !== 'syscall' && source !== 'internal') {
    if (typeof source !== 'string') throw new DecodeError(`"source" must be a string, got ${typeof source}`);
    source = source.toLowerCase(); // gRPC enum names rendered as protobuf-JSON: "SYSCALL"
    if (source !== 'syscall' && source !== 'internal') return null;
  }
  const fieldsValue = obj.output_fields;
  if (fieldsValue === undefined || fieldsValue === null) return null; // json_include_output_fields_property off
  if (typeof fieldsValue !== 'object' || Array.isArray(fieldsValue)) {
    throw new DecodeError(
      `"output_fields" must be an object, got ${Array.isArray(fieldsValue) ? 'an array' : typeof fieldsValue}`,
    );
  }
  const f = fieldsValue as FalcoFields;
  const hostname = obj.hostname;
  const node = typeof hostname === 'string' && hostname.length > 0 ? hostname : defaults.node;

  if (isDropAlert(f)) return dropGap(obj, f, node);
  if (source === 'internal') return null; // metrics snapshots and other internal alerts

  const evtType = str(f, 'evt.type');
  const fdName = str(f, 'fd.name');
  let handling: Handling | undefined;
  if (evtType !== null) {
    handling = EVT_TYPES.get(evtType);
    if (handling === undefined) return null;
  } else {
    handling = guessWithoutEvtType(f, fdName);
    if (handling === undefined) return null;
  }

  const rawres = int(f, 'evt.rawres');
  const failed = rawres !== null ? rawres < 0 : f['evt.failed'] === true;
  const cls = handling === 'exec' || handling === 'exit' ? 'unknown' : fdClass(f, fdName);

  switch (handling) {
    case 'exec': {
      if (failed) return null; // the exec did not happen
      const t = eventTime(obj, f['evt.time']);
      return {
        kind: 'exec',
        time: t.time,
        timeMs: t.timeMs,
        source: 'falco',
        node,
        container: containerOf(f),
        pod: podOf(f),
        process: processOf(f),
      };
    }
    case 'exit': {
      // procexit fires for every thread (the kernel's sched_process_exit), with proc.pid the process's: a
      // worker thread ending is not the process ending (Tetragon reports the process's exit only).
      const tid = int(f, 'thread.tid');
      if (tid !== null && tid !== int(f, 'proc.pid')) return null;
      const sig = f['evt.arg.sig'];
      const signal =
        typeof sig === 'string' && sig !== '0' && sig.length > 0
          ? sig
          : typeof sig === 'number' && sig > 0
            ? String(sig)
            : null;
      const t = eventTime(obj, f['evt.time']);
      return {
        kind: 'exit',
        time: t.time,
        timeMs: t.timeMs,
        source: 'falco',
        node,
        container: containerOf(f),
        pod: podOf(f),
        process: processOf(f),
        exit: { status: int(f, 'evt.arg.ret'), signal },
      };
    }
    case 'open': {
      if (failed) return null;
      const path = fdName ?? str(f, 'fs.path.name') ?? str(f, 'evt.arg.name');
      if (path === null || cls === 'inet') return null;
      return fileEvent(obj, f, node, path, 'open', null);
    }
    case 'read': {
      // Reads from sockets are inbound traffic: not part of "reads then a push".
      if (failed || fdName === null || cls === 'inet' || cls === 'other') return null;
      return fileEvent(obj, f, node, fdName, 'read', rawres);
    }
    case 'write': {
      if (failed) return null;
      if (cls === 'inet') return net(obj, f, node, 'send', fdName, transferred(f, rawres));
      if (fdName === null || cls === 'other') return null;
      return fileEvent(obj, f, node, fdName, 'write', rawres);
    }
    case 'send': {
      if (failed || cls === 'file' || cls === 'other') return null;
      return net(obj, f, node, 'send', fdName, transferred(f, rawres));
    }
    case 'connect': {
      // Non-blocking connects return EINPROGRESS: the connection is under way, which is what we want.
      if (failed && rawres !== EINPROGRESS && str(f, 'evt.res') !== 'EINPROGRESS') return null;
      if (cls === 'file' || cls === 'other') return null; // unix sockets: no network destination
      return net(obj, f, node, 'connect', fdName, null);
    }
    case 'close': {
      if (cls !== 'inet') return null;
      return net(obj, f, node, 'close', fdName, null);
    }
  }
}

/**
 * Older or third-party rules may not print `evt.type`. We then go by the shape of the fields, still not by
 * rule names: a socket tuple in `fd.name` is a connection (Falco's network rules fire on connect), a path
 * is a file open, and a command line with no fd is a process start (the stock shell/tool rules are exec
 * rules). Rules written for exfilwatch print `evt.type` (sensor-config/falco), so this is a fallback only.
 */
function guessWithoutEvtType(f: FalcoFields, fdName: string | null): Handling | undefined {
  if (fdName !== null) {
    if (parseTuple(fdName) !== null) return 'connect';
    if (fdName.charCodeAt(0) === 47) return 'open';
    return undefined;
  }
  if (str(f, 'proc.cmdline') !== null || str(f, 'proc.exepath') !== null) return 'exec';
  return undefined;
}

/** Bytes moved by a read/write/send: the syscall's return value, else `evt.buflen`, else unknown. */
function transferred(f: FalcoFields, rawres: number | null): number | null {
  if (rawres !== null) return rawres >= 0 ? rawres : null;
  const buflen = int(f, 'evt.buflen');
  return buflen !== null && buflen >= 0 ? buflen : null;
}

/**
 * The events are built as one literal each (not `{kind, ...shared}`): a spread after `kind` copies the shared
 * part property by property into a fresh object, per event. Key order is the same as it was.
 */
function fileEvent(
  obj: Record<string, unknown>,
  f: FalcoFields,
  node: string,
  path: string,
  op: FileOp,
  rawres: number | null,
): FileEvent {
  const t = eventTime(obj, f['evt.time']);
  return {
    kind: 'file',
    time: t.time,
    timeMs: t.timeMs,
    source: 'falco',
    node,
    container: containerOf(f),
    pod: podOf(f),
    process: processOf(f),
    file: { path, op, bytes: op === 'open' ? null : transferred(f, rawres) },
  };
}

function net(
  obj: Record<string, unknown>,
  f: FalcoFields,
  node: string,
  op: NetOp,
  fdName: string | null,
  bytes: number | null,
): NormalizedEvent {
  // fd.rip/fd.rport are "remote relative to this process"; fd.sip is the server side (the remote for
  // connect); the fd.name tuple `cip:cport->sip:sport` is the last resort (outbound assumed), parsed only
  // when a field is missing.
  let daddr = str(f, 'fd.rip') ?? str(f, 'fd.sip');
  let dport = port(f, 'fd.rport') ?? port(f, 'fd.sport');
  let saddr = str(f, 'fd.lip') ?? str(f, 'fd.cip');
  let sport = port(f, 'fd.lport') ?? port(f, 'fd.cport');
  if (daddr === null || dport === null || saddr === null || sport === null) {
    const tuple = parseTuple(fdName);
    daddr ??= tuple?.server?.addr ?? null;
    dport ??= tuple?.server?.port ?? null;
    saddr ??= tuple?.client?.addr ?? null;
    sport ??= tuple?.client?.port ?? null;
  }
  const t = eventTime(obj, f['evt.time']);
  return {
    kind: 'net',
    time: t.time,
    timeMs: t.timeMs,
    source: 'falco',
    node,
    container: containerOf(f),
    pod: podOf(f),
    process: processOf(f),
    net: { op, daddr, dport, bytes, saddr, sport, protocol: str(f, 'fd.l4proto') },
  };
}

/**
 * "Falco internal: syscall event drop": the kernel→userspace buffers overflowed and Falco lost syscalls
 * in the last second. Its counters are strings (`"n_drops":"815508"`). We turn it into a gap so alerts
 * whose window spans it are marked degraded.
 */
function dropGap(obj: Record<string, unknown>, f: FalcoFields, node: string): GapEvent {
  const { time, timeMs } = eventTime(obj, f['evt.time']);
  const dropped = int(f, 'n_drops');
  return {
    kind: 'gap',
    time,
    timeMs,
    source: 'falco',
    node,
    gap: { dropped: dropped !== null && dropped > 0 ? dropped : 0, reason: 'sensor_drop', fromMs: timeMs - 1000 },
  };
}
