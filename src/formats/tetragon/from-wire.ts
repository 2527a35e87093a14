/**
 * Tetragon's gRPC form straight from the wire: GetEventsResponse bytes → the NormalizedEvent that
 * `normalizeTetragonResponse(GetEventsResponse.decode(bytes))` gives (test/unit/tetragon/from-wire.test.ts
 * holds them equal), without building the decoded message first. The full decode allocates an object per
 * nested message, a BigInt per 64-bit field and an array per short string, for ~30 fields exfilwatch never
 * reads; here only the fields the normalizer uses are read, into reused scratch records, and the rest is
 * skipped as protobuf decoders skip unknown fields (their insides are not validated).
 *
 * Wire semantics follow the ts-proto code: a known field with another wire type is skipped; an end-group
 * tag or tag 0 ends the message; a repeated singular message field replaces the earlier one; a oneof
 * holds its last member. Malformed framing throws WireError (the source counts it as undecodable).
 */
import { DecodeError } from '../../errors.js';
import type { NormalizedEvent } from '../../model/normalized-event.js';
import type { NormalizeDefaults } from '../types.js';
import {
  type ArgScan,
  addr,
  containerRef,
  type EventHead,
  execEvent,
  exitEvent,
  gapEvent,
  hookEvent,
  newScan,
  podRef,
  port,
  processRef,
  resetScan,
} from './build.js';
import { lastTimeMs, protoTime } from './time.js';
import { WireReader } from './wire.js';

interface Time {
  set: boolean;
  seconds: number;
  nanos: number;
  /** Exact seconds when they are not a safe integer (protoTime reports them). */
  big: bigint | null;
}

interface Proc {
  set: boolean;
  execId: string;
  parentExecId: string;
  pid: number | undefined;
  uid: number | undefined;
  binary: string;
  args: string;
  docker: string;
  start: Time;
  podSet: boolean;
  namespace: string;
  podName: string;
  labels: Record<string, string> | null;
  containerSet: boolean;
  containerId: string;
  containerName: string;
  imageName: string;
  containerPid: number | undefined;
}

const newTime = (): Time => ({ set: false, seconds: 0, nanos: 0, big: null });
function newProc(): Proc {
  return {
    set: false,
    execId: '',
    parentExecId: '',
    pid: undefined,
    uid: undefined,
    binary: '',
    args: '',
    docker: '',
    start: newTime(),
    podSet: false,
    namespace: '',
    podName: '',
    labels: null,
    containerSet: false,
    containerId: '',
    containerName: '',
    imageName: '',
    containerPid: undefined,
  };
}

const r = new WireReader(new Uint8Array(0));
const scan: ArgScan = newScan();
const proc = newProc();
const parent = newProc();
const respTime = newTime();
const innerTime = newTime();
/** Scratch for one KprobeArgument (its last oneof member). */
let argCase = 0;
let argNum = 0;
let argStr: string | null = null;

/** End of a message that starts here (after its length prefix). */
function sub(): number {
  const len = r.uint32();
  return r.pos + len;
}

/** The loop tail every decoder shares: end-group or tag 0 ends the message, anything else is skipped. */
function unknown(tag: number): boolean {
  if ((tag & 7) === 4 || tag === 0) return true;
  r.skip(tag & 7);
  return false;
}

function readTime(t: Time): void {
  const end = sub();
  t.set = true;
  t.seconds = 0;
  t.nanos = 0;
  t.big = null;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) {
      t.seconds = r.int64();
      t.big = Number.isSafeInteger(t.seconds) ? null : r.lastInt64Big();
    } else if (tag === 16) t.nanos = r.uint32() | 0;
    else if (unknown(tag)) break;
  }
}

/** A google.protobuf.UInt32Value: present → its value (0 when unset). */
function readUInt32Value(): number {
  const end = sub();
  let value = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) value = r.uint32();
    else if (unknown(tag)) break;
  }
  return value;
}

function readImageName(): string {
  const end = sub();
  let name = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 18) name = r.string();
    else if (tag === 10) r.string();
    else if (unknown(tag)) break;
  }
  return name;
}

function readContainer(p: Proc): void {
  const end = sub();
  p.containerSet = true;
  p.containerId = '';
  p.containerName = '';
  p.imageName = '';
  p.containerPid = undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) p.containerId = r.string();
    else if (tag === 18) p.containerName = r.string();
    else if (tag === 26) p.imageName = readImageName();
    else if (tag === 42) p.containerPid = readUInt32Value();
    else if (unknown(tag)) break;
  }
}

function readLabel(labels: Record<string, string>): void {
  const end = sub();
  let key = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) key = r.string();
    else if (tag === 18) value = r.string();
    else if (unknown(tag)) break;
  }
  labels[key] = value;
}

function readPod(p: Proc): void {
  const end = sub();
  p.podSet = true;
  p.namespace = '';
  p.podName = '';
  p.labels = {};
  p.containerSet = false;
  p.containerId = p.containerName = p.imageName = '';
  p.containerPid = undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) p.namespace = r.string();
    else if (tag === 18) p.podName = r.string();
    else if (tag === 34) readContainer(p);
    else if (tag === 42) readLabel(p.labels);
    else if (unknown(tag)) break;
  }
}

function clearProc(p: Proc): void {
  p.set = false;
  p.execId = p.parentExecId = p.binary = p.args = p.docker = '';
  p.pid = p.uid = undefined;
  p.start.set = false;
  p.podSet = false;
  p.labels = null;
  p.containerSet = false;
  p.containerId = p.containerName = p.imageName = '';
  p.containerPid = undefined;
}

function readProcess(p: Proc): void {
  const end = sub();
  clearProc(p);
  p.set = true;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10:
        p.execId = r.string();
        continue;
      case 18:
        p.pid = readUInt32Value();
        continue;
      case 26:
        p.uid = readUInt32Value();
        continue;
      case 42:
        p.binary = r.string();
        continue;
      case 50:
        p.args = r.string();
        continue;
      case 66:
        readTime(p.start);
        continue;
      case 82:
        readPod(p);
        continue;
      case 90:
        p.docker = r.string();
        continue;
      case 98:
        p.parentExecId = r.string();
        continue;
    }
    if (unknown(tag)) break;
  }
}

/** The parent: only its binary and arguments are used (lineage evidence). */
function readParent(p: Proc): void {
  const end = sub();
  clearProc(p);
  p.set = true;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 42) p.binary = r.string();
    else if (tag === 50) p.args = r.string();
    else if (unknown(tag)) break;
  }
}

/** Reads the fields of an event message's `process`/`parent`; false when the tag is neither. */
function processField(tag: number): boolean {
  if (tag === 10) readProcess(proc);
  else if (tag === 18) readParent(parent);
  else return false;
  return true;
}

// --- kprobe arguments -------------------------------------------------------------------------------

function readSock(s: ArgScan): void {
  const end = sub();
  let protocol = '';
  let saddr = '';
  let daddr = '';
  let sport = 0;
  let dport = 0;
  let cookie: string | null = null;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 26) protocol = r.string();
    else if (tag === 50) saddr = r.string();
    else if (tag === 58) daddr = r.string();
    else if (tag === 64) sport = r.uint32();
    else if (tag === 72) dport = r.uint32();
    else if (tag === 80) {
      r.varint64();
      cookie = r.lo === 0 && r.hi === 0 ? null : r.lastUint64String();
    } else if (unknown(tag)) break;
  }
  if (!s.hasSock) {
    s.hasSock = true;
    s.sockDaddr = addr(daddr);
    s.sockDport = port(dport);
    s.sockSaddr = addr(saddr);
    s.sockSport = port(sport);
    s.sockProtocol = protocol || null;
    s.cookie = cookie;
  }
}

function readSkb(s: ArgScan): void {
  const end = sub();
  let len = 0;
  let saddr = '';
  let daddr = '';
  let sport = 0;
  let dport = 0;
  let protocol = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 16) len = r.uint32();
    else if (tag === 42) saddr = r.string();
    else if (tag === 50) daddr = r.string();
    else if (tag === 56) sport = r.uint32();
    else if (tag === 64) dport = r.uint32();
    else if (tag === 98) protocol = r.string();
    else if (unknown(tag)) break;
  }
  if (!s.hasSkb) {
    s.hasSkb = true;
    s.skbDaddr = addr(daddr);
    s.skbDport = port(dport);
    s.skbSaddr = addr(saddr);
    s.skbSport = port(sport);
    s.skbProtocol = protocol || null;
    s.skbLen = len;
  }
}

/** KprobePath / KprobeFile / KprobeSockaddr / KprobeTruncatedBytes: the one or two fields used. */
function readPathLike(): string {
  const end = sub();
  let path = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 18) path = r.string();
    else if (unknown(tag)) break;
  }
  return path;
}

// Oneof members exfilwatch reads (field numbers); every other member just replaces them.
const A_INT = 2;
const A_SKB = 3;
const A_SIZE = 4;
const A_BYTES = 5;
const A_PATH = 6;
const A_TRUNC = 8;
const A_SOCK = 9;
const A_LONG = 11;
const A_UINT = 15;
const A_SOCKADDR = 30;
const A_OTHER = -1;

/** Wire type of each KprobeArgument oneof member (index = field number; 18 `label` is not in the oneof). */
const ONEOF_WIRE: number[] = [];
for (let n = 1; n <= 33; n++) if (n !== 18) ONEOF_WIRE[n] = 2;
for (const n of [2, 4, 11, 15, 28]) ONEOF_WIRE[n] = 0;

/**
 * One KprobeArgument: its last oneof member decides. Members that carry a message are decoded when met
 * (like ts-proto) into locals; the scan sees only the final member, as from-proto's scanArg does.
 */
function readArg(s: ArgScan | null): void {
  const end = sub();
  argCase = 0;
  argNum = 0;
  argStr = null;
  // Message-valued members we read are staged, then applied once the last member is known.
  let sock = -1;
  let skb = -1;
  let sockaddrAddr = '';
  let sockaddrPort = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field <= 33 && ONEOF_WIRE[field] === wt) {
      switch (field) {
        case A_INT:
          argCase = A_INT;
          argNum = r.uint32() | 0;
          continue;
        case A_UINT:
          argCase = A_UINT;
          argNum = r.uint32();
          continue;
        case A_SIZE:
          argCase = A_SIZE;
          argNum = r.uint64();
          continue;
        case A_LONG:
          argCase = A_LONG;
          argNum = r.int64();
          continue;
        case A_BYTES: {
          argCase = A_BYTES;
          const start = r.delimited();
          argNum = r.pos - start;
          continue;
        }
        case A_PATH:
        case 7:
          argCase = A_PATH;
          argStr = readPathLike();
          continue;
        case A_TRUNC: {
          argCase = A_TRUNC;
          const tEnd = sub();
          argNum = 0;
          while (r.pos < tEnd) {
            const t = r.uint32();
            if (t === 16) argNum = r.uint64();
            else if (t === 10) r.delimited();
            else if (unknown(t)) break;
          }
          continue;
        }
        case A_SOCK:
          argCase = A_SOCK;
          sock = r.pos;
          r.delimited();
          continue;
        case A_SKB:
          argCase = A_SKB;
          skb = r.pos;
          r.delimited();
          continue;
        case A_SOCKADDR: {
          argCase = A_SOCKADDR;
          const sEnd = sub();
          sockaddrAddr = '';
          sockaddrPort = 0;
          while (r.pos < sEnd) {
            const t = r.uint32();
            if (t === 18) sockaddrAddr = r.string();
            else if (t === 24) sockaddrPort = r.uint32();
            else if (unknown(t)) break;
          }
          continue;
        }
        default:
          argCase = A_OTHER;
          r.skip(wt);
          continue;
      }
    }
    if (unknown(tag)) break;
  }
  if (s === null) return; // the return value: the caller reads argCase/argNum
  switch (argCase) {
    case A_PATH:
      if (s.filePath === null) s.filePath = argStr;
      break;
    case A_SOCK:
      replay(sock, () => readSock(s));
      break;
    case A_SKB:
      replay(skb, () => readSkb(s));
      break;
    case A_SOCKADDR:
      if (!s.hasSockaddr) {
        s.hasSockaddr = true;
        s.saAddr = addr(sockaddrAddr);
        s.saPort = port(sockaddrPort);
      }
      break;
    case A_SIZE:
      if (s.size === null) s.size = argNum;
      break;
    case A_INT:
      if (s.int === null) s.int = argNum;
      break;
    case A_LONG:
      if (s.long === null) s.long = argNum;
      break;
    case A_UINT:
      if (s.uint === null) s.uint = argNum;
      break;
    case A_TRUNC:
      if (s.truncOrigSize === null) s.truncOrigSize = argNum;
      break;
    case A_BYTES:
      if (s.bytesLen === null) s.bytesLen = argNum;
      break;
  }
}

/** Decodes a staged sub-message (its length prefix at `at`) and comes back. */
function replay(at: number, read: () => void): void {
  const back = r.pos;
  r.pos = at;
  read();
  r.pos = back;
}

function readReturn(): void {
  readArg(null);
  const c = argCase;
  if (c === A_INT) scan.ret = argNum;
  else if (c === A_LONG || c === A_SIZE) scan.ret = argNum;
  else scan.ret = null;
}

// --- events -----------------------------------------------------------------------------------------

function eventTime(inner: Time | null, p: Proc | null): string {
  const t = respTime.set ? respTime : inner?.set ? inner : p?.set && p.start.set ? p.start : null;
  if (t === null) throw new DecodeError('Tetragon event has no time');
  if (t.big !== null) return protoTime(t.big, t.nanos);
  return protoTime(t.seconds, t.nanos);
}

function head(inner: Time | null, node: string): EventHead {
  const time = eventTime(inner, proc);
  const timeMs = lastTimeMs;
  const pb = parent.set ? parent.binary : undefined;
  const pa = parent.set ? parent.args : undefined;
  if (!proc.set) {
    return {
      time,
      timeMs,
      node,
      container: null,
      pod: null,
      process: processRef(undefined, undefined, undefined, undefined, undefined, undefined, pb, pa, undefined),
    };
  }
  const p = proc;
  return {
    time,
    timeMs,
    node,
    container: containerRef(p.containerSet ? p.containerId : undefined, p.docker, p.containerName, p.imageName),
    pod: p.podSet ? podRef(p.namespace, p.podName, p.labels ?? {}) : null,
    process: processRef(p.execId, p.parentExecId, p.pid, p.binary, p.args, p.uid, pb, pa, p.containerPid),
  };
}

// GetEventsResponse oneof `event` members (field numbers).
const E_EXEC = 1;
const E_EXIT = 5;
const E_KPROBE = 9;
const E_TRACEPOINT = 10;
const E_THROTTLE = 27;
const E_LSM = 28;
const E_RATE_LIMIT = 40001;
const IGNORED_EVENTS = new Set([11, 12, 29, 40000]);

/** One GetEventsResponse's bytes → a normalized event, or null when exfilwatch does not use it. */
export function normalizeTetragonBytes(bytes: Uint8Array, defaults: NormalizeDefaults): NormalizedEvent | null {
  r.reset(bytes);
  const end = bytes.length;
  let kind = 0;
  let nodeName = '';
  let fn = '';
  let exitStatus = 0;
  let exitSignal = '';
  let number = 0;
  respTime.set = false;
  innerTime.set = false;
  resetScan(scan);
  clearProc(proc);
  clearProc(parent);
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if ((tag & 7) === 2) {
      switch (field) {
        case E_EXEC:
        case E_EXIT:
        case E_KPROBE:
        case E_TRACEPOINT:
        case E_LSM: {
          // A new event member replaces the earlier one entirely.
          kind = field;
          fn = '';
          exitStatus = 0;
          exitSignal = '';
          innerTime.set = false;
          resetScan(scan);
          clearProc(proc);
          clearProc(parent);
          const mEnd = sub();
          while (r.pos < mEnd) {
            const t = r.uint32();
            if (processField(t)) continue;
            if (field === E_EXIT) {
              if (t === 26) exitSignal = r.string();
              else if (t === 32) exitStatus = r.uint32();
              else if (t === 42) readTime(innerTime);
              else if (unknown(t)) break;
            } else if (field === E_EXEC) {
              if (unknown(t)) break;
            } else if (field === E_TRACEPOINT) {
              if (t === 42) fn = r.string();
              else if (t === 50) readArg(scan);
              else if (unknown(t)) break;
            } else if (t === 26) fn = r.string();
            else if (t === (field === E_KPROBE ? 34 : 58)) readArg(scan);
            else if (field === E_KPROBE && t === 42) readReturn();
            else if (unknown(t)) break;
          }
          continue;
        }
        case E_THROTTLE:
        case E_RATE_LIMIT: {
          kind = field;
          number = 0;
          const mEnd = sub();
          while (r.pos < mEnd) {
            const t = r.uint32();
            if (t === 8) number = field === E_THROTTLE ? r.uint32() | 0 : r.uint64();
            else if (unknown(t)) break;
          }
          continue;
        }
        case 1000:
          nodeName = r.string();
          continue;
        case 1001:
          readTime(respTime);
          continue;
        default:
          if (IGNORED_EVENTS.has(field)) {
            kind = -1;
            r.skip(2);
            continue;
          }
      }
    }
    if (unknown(tag)) break;
  }
  const node = nodeName || defaults.node;
  switch (kind) {
    case E_KPROBE:
    case E_TRACEPOINT:
    case E_LSM: {
      if (scan.filePath === null && !scan.hasSock && !scan.hasSockaddr && !scan.hasSkb) return null;
      const s = scan;
      return hookEvent(head(null, node), fn, s);
    }
    case E_EXEC:
      return execEvent(head(null, node));
    case E_EXIT:
      return exitEvent(head(innerTime, node), exitStatus, exitSignal);
    case E_RATE_LIMIT: {
      const time = eventTime(null, null);
      return gapEvent(time, lastTimeMs, node, 'sensor_rate_limit', number);
    }
    case E_THROTTLE: {
      if (number !== 1) return null;
      const time = eventTime(null, null);
      return gapEvent(time, lastTimeMs, node, 'sensor_throttle', 0);
    }
    default:
      return null;
  }
}
