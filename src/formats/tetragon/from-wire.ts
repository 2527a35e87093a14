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
 *
 * This file reads the events; from-wire-process.ts the process/parent, from-wire-args.ts the kprobe
 * arguments, all into the shared scratch of wire-scratch.ts.
 */
import { DecodeError } from '../../errors.js';
import type { NormalizedEvent } from '../../model/normalized-event.js';
import type { NormalizeDefaults } from '../types.js';
import {
  containerRef,
  type EventHead,
  execEvent,
  exitEvent,
  gapEvent,
  hookEvent,
  parentOnlyRef,
  podRef,
  processRef,
  resetScan,
} from './build.js';
import { readArg, readReturn } from './from-wire-args.js';
import { clearProc, processField, readTime } from './from-wire-process.js';
import { lastTimeMs, protoTime } from './time.js';
import { type Proc, scratch, type Time } from './wire-scratch.js';

const { r, scan, proc, parent, respTime, innerTime } = scratch;

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
      process: parentOnlyRef(pb, pa),
    };
  }
  const p = proc;
  return {
    time,
    timeMs,
    node,
    container: containerRef(p.containerSet ? p.containerId : undefined, p.docker, p.containerName, p.imageName),
    pod: p.podSet ? podRef(p.namespace, p.podName, p.labels ?? {}) : null,
    process: processRef(p.execId, p.parentExecId, p.pid, p.binary, p.args, p.uid, pb, pa, p.containerPid, p.cwd),
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
  return normalizeMessage(defaults);
}

/**
 * The same for the message at [start, end) of `buf` (a batch of messages): no Buffer object per message.
 * Reads past `end` fail as reads past the end of the message's own bytes do.
 */
export function normalizeTetragonRange(
  buf: Buffer,
  start: number,
  end: number,
  defaults: NormalizeDefaults,
): NormalizedEvent | null {
  r.resetRange(buf, start, end);
  return normalizeMessage(defaults);
}

function normalizeMessage(defaults: NormalizeDefaults): NormalizedEvent | null {
  const end = r.limit;
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
            if (processField(t, field === E_EXEC)) continue;
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
