/**
 * The half of normalization both wire forms share. Each wire form (from-json.ts, from-proto.ts) extracts
 * primitives into a reused scratch record (`ArgScan`) and calls the builders here, so the two forms cannot
 * drift apart: the same event normalizes to an identical object from either.
 */
import type {
  ContainerRef,
  FileInfo,
  FileOp,
  GapReason,
  NetInfo,
  NetOp,
  NormalizedEvent,
  PodRef,
  ProcessRef,
} from '../../model/normalized-event.js';
import { FileHook, fileHookOf, NetHook, netHookOf } from './hooks.js';

/** Strings longer than this (a 1 MB argument list) are cut, so one event cannot blow up memory downstream. */
export const MAX_STRING_CHARS = 64 * 1024;

export function capString(s: string | undefined | null): string | null {
  if (!s) return null;
  if (s.length <= MAX_STRING_CHARS) return s;
  return `${s.slice(0, MAX_STRING_CHARS)}…[truncated ${s.length - MAX_STRING_CHARS} chars]`;
}

/** Bare hex container id: `containerd://abc` → `abc` (any runtime prefix). */
export function bareContainerId(id: string): string {
  const i = id.indexOf('://');
  return i < 0 ? id : id.slice(i + 3);
}

export function containerRef(
  podContainerId: string | undefined,
  docker: string | undefined,
  name: string | undefined,
  image: string | undefined,
): ContainerRef | null {
  const id = podContainerId ? bareContainerId(podContainerId) : docker;
  if (!id) return null;
  return { id, name: name || null, image: image || null };
}

export function podRef(
  namespace: string | undefined,
  name: string | undefined,
  labels: Record<string, string> | undefined,
): PodRef | null {
  if (!namespace && !name) return null;
  return { namespace: namespace ?? '', name: name ?? '', labels: labels ?? {} };
}

export function processRef(
  execId: string | undefined,
  parentExecId: string | undefined,
  pid: number | undefined,
  binary: string | undefined,
  args: string | undefined,
  uid: number | undefined,
  parentBinary: string | undefined,
  parentArgs: string | undefined,
  containerPid: number | undefined,
  cwd: string | undefined,
): ProcessRef {
  return {
    execId: execId || null,
    parentExecId: parentExecId || null,
    pid: pid ?? null,
    binary: capString(binary),
    args: capString(args),
    uid: uid ?? null,
    parentBinary: capString(parentBinary),
    parentArgs: capString(parentArgs),
    containerPid: containerPid ?? null,
    cwd: capString(cwd),
  };
}

/** An event without its own process (none in the message): only its parent's binary and arguments, if any. */
export function parentOnlyRef(parentBinary: string | undefined, parentArgs: string | undefined): ProcessRef {
  return processRef(
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    parentBinary,
    parentArgs,
    undefined,
    undefined,
  );
}

/** Fields common to every activity event, assembled by the wire-form walkers before the kind is known. */
export interface EventHead {
  time: string;
  timeMs: number;
  node: string;
  container: ContainerRef | null;
  pod: PodRef | null;
  process: ProcessRef;
}

export function execEvent(h: EventHead): NormalizedEvent {
  return {
    kind: 'exec',
    time: h.time,
    timeMs: h.timeMs,
    source: 'tetragon',
    node: h.node,
    container: h.container,
    pod: h.pod,
    process: h.process,
  };
}

export function exitEvent(h: EventHead, status: number, signal: string | undefined): NormalizedEvent {
  return {
    kind: 'exit',
    time: h.time,
    timeMs: h.timeMs,
    source: 'tetragon',
    node: h.node,
    container: h.container,
    pod: h.pod,
    process: h.process,
    exit: { status, signal: signal || null },
  };
}

export function gapEvent(
  time: string,
  timeMs: number,
  node: string,
  reason: GapReason,
  dropped: number,
): NormalizedEvent {
  // rate_limit_info is written once a minute for the events dropped during that minute: the loss lies
  // before the report, so the gap covers the minute (alerts whose window ended in it are degraded too).
  const gap =
    reason === 'sensor_rate_limit' ? { dropped, reason, fromMs: timeMs - RATE_LIMIT_REPORT_MS } : { dropped, reason };
  return { kind: 'gap', time, timeMs, source: 'tetragon', node, gap };
}

/** How often Tetragon's export writes a rate_limit_info line while it drops (`--export-rate-limit`). */
const RATE_LIMIT_REPORT_MS = 60_000;

/**
 * What the walkers found in a kprobe/tracepoint/lsm argument list (plus its return value). Reused for
 * every event (normalization is synchronous), so scanning allocates nothing.
 */
export interface ArgScan {
  filePath: string | null;
  /** The first file argument's mode has an execute bit (`permission`, Tetragon ≥ 1.1): a program or library. */
  fileExec: boolean;
  hasSock: boolean;
  sockDaddr: string | null;
  sockDport: number | null;
  sockSaddr: string | null;
  sockSport: number | null;
  sockProtocol: string | null;
  cookie: string | null;
  hasSockaddr: boolean;
  saAddr: string | null;
  saPort: number | null;
  hasSkb: boolean;
  skbDaddr: string | null;
  skbDport: number | null;
  skbSaddr: string | null;
  skbSport: number | null;
  skbProtocol: string | null;
  skbLen: number | null;
  /** First size_arg (uint64), as a number. */
  size: number | null;
  /** First int_arg. */
  int: number | null;
  /** First long_arg. */
  long: number | null;
  /** First uint_arg. */
  uint: number | null;
  truncOrigSize: number | null;
  /** Length of a non-truncated bytes_arg (the whole buffer was captured). */
  bytesLen: number | null;
  /** The return argument's numeric value (int/long/size), when the policy captured one. */
  ret: number | null;
}

export function resetScan(s: ArgScan): ArgScan {
  s.filePath = null;
  s.fileExec = false;
  s.hasSock = false;
  s.sockDaddr = s.sockSaddr = s.sockProtocol = s.cookie = null;
  s.sockDport = s.sockSport = null;
  s.hasSockaddr = false;
  s.saAddr = null;
  s.saPort = null;
  s.hasSkb = false;
  s.skbDaddr = s.skbSaddr = s.skbProtocol = null;
  s.skbDport = s.skbSport = s.skbLen = null;
  s.size = s.int = s.long = s.uint = s.truncOrigSize = s.bytesLen = s.ret = null;
  return s;
}

export function newScan(): ArgScan {
  return resetScan({} as ArgScan);
}

/** Kernel address strings: Tetragon prints `<nil>` for families without one (AF_NETLINK). */
export function addr(a: string | undefined): string | null {
  return a && a !== '<nil>' ? a : null;
}

export function port(p: number | undefined): number | null {
  return p ? p : null;
}

/** A byte count that is a real count: errors come back negative, or as huge values from a size_t return. */
function isCount(n: number | null): n is number {
  return n !== null && n >= 0 && n <= Number.MAX_SAFE_INTEGER;
}

function transferBytes(s: ArgScan): number | null {
  // A failed call (-errno) transferred nothing; falling back to the requested size would over-count.
  if (s.ret !== null) return isCount(s.ret) ? s.ret : 0;
  if (isCount(s.size)) return s.size;
  if (isCount(s.truncOrigSize)) return s.truncOrigSize;
  if (isCount(s.bytesLen)) return s.bytesLen;
  return null;
}

function fileOp(hook: FileHook, s: ArgScan): FileOp | null {
  switch (hook) {
    case FileHook.Read:
      return 'read';
    case FileHook.Write:
    case FileHook.Truncate:
      return 'write';
    case FileHook.Open:
      return 'open';
    case FileHook.Permission:
      // MAY_WRITE = 2, MAY_READ = 4; without the mask argument we only know the file was accessed.
      if (s.int === null) return 'open';
      if (s.int & 2) return 'write';
      if (s.int & 4) return 'read';
      return null;
    case FileHook.Mmap:
      if (s.uint === null) return 'open';
      if (s.uint & 2) return 'write';
      // Code, not data: PROT_EXEC, or any mapping of an executable file (the loader maps a program's or a
      // library's read-only segments too). Counting those would add a binary's size to every exec.
      if (s.uint & 4 || s.fileExec) return null;
      return 'map';
    default:
      return null;
  }
}

/** The file or net event a hooked call stands for, or null when it is neither (counted as ignored). */
export function hookEvent(h: EventHead, fn: string, s: ArgScan): NormalizedEvent | null {
  if (s.filePath !== null) {
    const hook = fileHookOf(fn);
    const op = fileOp(hook, s);
    if (op !== null) {
      const bytes =
        hook === FileHook.Read || hook === FileHook.Write
          ? transferBytes(s)
          : op === 'map'
            ? firstCount(s.long, s.size, null)
            : null;
      return {
        kind: 'file',
        time: h.time,
        timeMs: h.timeMs,
        source: 'tetragon',
        node: h.node,
        container: h.container,
        pod: h.pod,
        process: h.process,
        file: fileInfo(capString(s.filePath) ?? '', op, bytes),
      };
    }
  }
  if (s.hasSock || s.hasSockaddr || s.hasSkb) return netEvent(h, netHookOf(fn), s);
  return null;
}

function netEvent(h: EventHead, hook: NetHook, s: ArgScan): NormalizedEvent | null {
  let op: NetOp;
  let bytes: number | null = null;
  switch (hook) {
    case NetHook.Connect:
      op = 'connect';
      break;
    case NetHook.Close:
      op = 'close';
      break;
    case NetHook.Send:
      op = 'send';
      if (s.ret !== null) bytes = isCount(s.ret) ? s.ret : 0;
      else bytes = firstCount(s.int, s.size, s.long);
      break;
    case NetHook.SendCheck:
      op = 'send';
      bytes = firstCount(s.int, s.size, s.long);
      break;
    case NetHook.SkbEgress:
      op = 'send';
      bytes = s.skbLen;
      break;
    case NetHook.CgroupSkb:
      if (s.int !== 1) return null; // ingress
      op = 'send';
      bytes = s.skbLen;
      break;
    default:
      return null;
  }
  // Where the peer is: a connect's sockaddr names its target; otherwise the sock's 5-tuple, unless the
  // sock has no addresses (netlink, unconnected) and a packet (skb) does.
  let daddr: string | null;
  let dport: number | null;
  let saddr: string | null;
  let sport: number | null;
  let protocol: string | null;
  if (s.hasSockaddr && (op === 'connect' || (!s.hasSock && !s.hasSkb))) {
    daddr = s.saAddr;
    dport = s.saPort;
    saddr = s.sockSaddr;
    sport = s.sockSport;
    protocol = s.sockProtocol;
  } else if (s.hasSock && (s.sockDaddr !== null || !s.hasSkb)) {
    daddr = s.sockDaddr;
    dport = s.sockDport;
    saddr = s.sockSaddr;
    sport = s.sockSport;
    protocol = s.sockProtocol;
  } else {
    daddr = s.skbDaddr;
    dport = s.skbDport;
    saddr = s.skbSaddr;
    sport = s.skbSport;
    protocol = s.skbProtocol;
  }
  return {
    kind: 'net',
    time: h.time,
    timeMs: h.timeMs,
    source: 'tetragon',
    node: h.node,
    container: h.container,
    pod: h.pod,
    process: h.process,
    net: netInfo(op, daddr, dport, bytes, saddr, sport, s.cookie, protocol),
  };
}

// The one place each shape is made, so settleShapes() below settles the shape every event gets.
function fileInfo(path: string, op: FileOp, bytes: number | null): FileInfo {
  return { path, op, bytes };
}

function netInfo(
  op: NetOp,
  daddr: string | null,
  dport: number | null,
  bytes: number | null,
  saddr: string | null,
  sport: number | null,
  cookie: string | null,
  protocol: string | null,
): NetInfo {
  return { op, daddr, dport, bytes, saddr, sport, cookie, protocol };
}

/**
 * Byte counts and ports are small integers or null (a connect sends nothing, a netlink socket has no
 * port). V8 gives a field the representation of the first value stored and widens it when the other kind
 * comes, throwing away the code compiled meanwhile: the normalizer, scan's hand-over encoder and the
 * correlator's net path, when the first event with a null count came after thousands with one (docs/scan.md,
 * "JIT stability"). One object of each with both kinds, at load, widens them before anything is compiled.
 */
function settleShapes(): void {
  for (const n of [null, 1]) {
    fileInfo('', 'read', n);
    netInfo('send', null, n, n, null, n, null, null);
  }
}
settleShapes();

function firstCount(a: number | null, b: number | null, c: number | null): number | null {
  if (a !== null) return isCount(a) ? a : null;
  if (b !== null) return isCount(b) ? b : null;
  if (c !== null) return isCount(c) ? c : null;
  return null;
}
