/**
 * The wire normalizer's kprobe/tracepoint/LSM arguments: each KprobeArgument's last oneof member, folded
 * into the ArgScan as from-proto's scanArg does, and a kprobe's return value.
 */
import { type ArgScan, addr, port } from './build.js';
import { execModeBytes } from './file-mode.js';
import { scratch } from './wire-scratch.js';

const { r, scan } = scratch;

// sub/unknown run once per field; a copy per file, because calling them across a module boundary measured
// ~20% slower on the normalizer alone (bench of normalizeTetragonBytes over the samples).
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

/** Scratch for one KprobeArgument (its last oneof member); only this file reads it. */
let argCase = 0;
let argNum = 0;
let argStr: string | null = null;
/** The file argument's mode has an execute bit (KprobeFile.permission). */
let argExec = false;

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
  argExec = false;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 18) path = r.string();
    else if (tag === 34) {
      const start = r.delimited();
      argExec = execModeBytes(r.buf, start, r.pos - start);
    } else if (unknown(tag)) break;
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
export function readArg(s: ArgScan | null): void {
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
      if (s.filePath === null) {
        s.filePath = argStr;
        s.fileExec = argExec;
      }
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

export function readReturn(): void {
  readArg(null);
  const c = argCase;
  if (c === A_INT) scan.ret = argNum;
  else if (c === A_LONG || c === A_SIZE) scan.ret = argNum;
  else scan.ret = null;
}
