/**
 * Tetragon's gRPC form: GetEventsResponse objects as ts-proto decodes them (camelCase, `$case` unions,
 * 64-bit integers as bigint, wrappers as `number | undefined`, zero values as '' / 0). Produces exactly
 * what from-json.ts produces for the same event (test/unit/tetragon/equivalence.test.ts).
 */
import { DecodeError } from '../../errors.js';
import type { Timestamp } from '../../generated/google/protobuf/timestamp.js';
import type { GetEventsResponse } from '../../generated/tetragon/events.js';
import { ThrottleType } from '../../generated/tetragon/events.js';
import type { KprobeArgument, Process } from '../../generated/tetragon/tetragon.js';
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
  parentOnlyRef,
  podRef,
  port,
  processRef,
  resetScan,
} from './build.js';
import { execMode } from './file-mode.js';
import { lastTimeMs, protoTime } from './time.js';

const scan: ArgScan = newScan();

function eventTime(resp: GetEventsResponse, inner: Timestamp | undefined, proc: Process | undefined): string {
  const t = resp.time ?? inner ?? proc?.startTime;
  if (t === undefined) throw new DecodeError('Tetragon event has no time');
  return protoTime(t.seconds, t.nanos);
}

function head(
  resp: GetEventsResponse,
  proc: Process | undefined,
  parent: Process | undefined,
  innerTime: Timestamp | undefined,
  defaults: NormalizeDefaults,
  exec = false,
): EventHead {
  const time = eventTime(resp, innerTime, proc);
  const timeMs = lastTimeMs;
  const node = resp.nodeName || defaults.node;
  if (!proc) {
    return {
      time,
      timeMs,
      node,
      container: null,
      pod: null,
      process: parentOnlyRef(parent?.binary, parent?.arguments),
    };
  }
  const pod = proc.pod;
  const c = pod?.container;
  return {
    time,
    timeMs,
    node,
    container: containerRef(c?.id, proc.docker, c?.name, c?.image?.name),
    pod: pod ? podRef(pod.namespace, pod.name, pod.podLabels) : null,
    process: processRef(
      proc.execId,
      proc.parentExecId,
      proc.pid,
      proc.binary,
      proc.arguments,
      proc.uid,
      parent?.binary,
      parent?.arguments,
      c?.pid,
      exec ? proc.cwd : undefined,
    ),
  };
}

function scanArg(s: ArgScan, a: KprobeArgument): void {
  const arg = a.arg;
  if (arg === undefined) return;
  switch (arg.$case) {
    case 'fileArg':
    case 'pathArg':
      if (s.filePath === null) {
        s.filePath = arg.value.path;
        s.fileExec = execMode(arg.value.permission);
      }
      break;
    case 'sockArg':
      if (!s.hasSock) {
        const v = arg.value;
        s.hasSock = true;
        s.sockDaddr = addr(v.daddr);
        s.sockDport = port(v.dport);
        s.sockSaddr = addr(v.saddr);
        s.sockSport = port(v.sport);
        s.sockProtocol = v.protocol || null;
        s.cookie = v.cookie === 0n ? null : v.cookie.toString();
      }
      break;
    case 'sockaddrArg':
      if (!s.hasSockaddr) {
        s.hasSockaddr = true;
        s.saAddr = addr(arg.value.addr);
        s.saPort = port(arg.value.port);
      }
      break;
    case 'skbArg':
      if (!s.hasSkb) {
        const v = arg.value;
        s.hasSkb = true;
        s.skbDaddr = addr(v.daddr);
        s.skbDport = port(v.dport);
        s.skbSaddr = addr(v.saddr);
        s.skbSport = port(v.sport);
        s.skbProtocol = v.protocol || null;
        s.skbLen = v.len;
      }
      break;
    case 'sizeArg':
      if (s.size === null) s.size = Number(arg.value);
      break;
    case 'intArg':
      if (s.int === null) s.int = arg.value;
      break;
    case 'longArg':
      if (s.long === null) s.long = Number(arg.value);
      break;
    case 'uintArg':
      if (s.uint === null) s.uint = arg.value;
      break;
    case 'truncatedBytesArg':
      if (s.truncOrigSize === null) s.truncOrigSize = Number(arg.value.origSize);
      break;
    case 'bytesArg':
      if (s.bytesLen === null) s.bytesLen = arg.value.length;
      break;
  }
}

function scanArgs(args: readonly KprobeArgument[], ret: KprobeArgument | undefined): ArgScan {
  const s = resetScan(scan);
  for (const a of args) scanArg(s, a);
  const r = ret?.arg;
  if (r !== undefined) {
    if (r.$case === 'intArg') s.ret = r.value;
    else if (r.$case === 'longArg' || r.$case === 'sizeArg') s.ret = Number(r.value);
  }
  return s;
}

const hasTarget = (s: ArgScan): boolean => s.filePath !== null || s.hasSock || s.hasSockaddr || s.hasSkb;

/** One decoded GetEventsResponse → a normalized event, or null when exfilwatch does not use it. */
export function normalizeTetragonResponse(
  resp: GetEventsResponse,
  defaults: NormalizeDefaults,
): NormalizedEvent | null {
  const ev = resp.event;
  if (ev === undefined) return null;
  switch (ev.$case) {
    case 'processKprobe': {
      const k = ev.value;
      const s = scanArgs(k.args, k.return);
      if (!hasTarget(s)) return null;
      return hookEvent(head(resp, k.process, k.parent, undefined, defaults), k.functionName, s);
    }
    case 'processExec':
      return execEvent(head(resp, ev.value.process, ev.value.parent, undefined, defaults, true));
    case 'processExit': {
      const e = ev.value;
      return exitEvent(head(resp, e.process, e.parent, e.time, defaults), e.status, e.signal);
    }
    case 'processTracepoint': {
      const t = ev.value;
      const s = scanArgs(t.args, undefined);
      if (!hasTarget(s)) return null;
      return hookEvent(head(resp, t.process, t.parent, undefined, defaults), t.event, s);
    }
    case 'processLsm': {
      const l = ev.value;
      const s = scanArgs(l.args, undefined);
      if (!hasTarget(s)) return null;
      return hookEvent(head(resp, l.process, l.parent, undefined, defaults), l.functionName, s);
    }
    case 'rateLimitInfo': {
      const time = eventTime(resp, undefined, undefined);
      const dropped = Number(ev.value.numberOfDroppedProcessEvents);
      return gapEvent(time, lastTimeMs, resp.nodeName || defaults.node, 'sensor_rate_limit', dropped);
    }
    case 'processThrottle': {
      if (ev.value.type !== ThrottleType.THROTTLE_START) return null;
      const time = eventTime(resp, undefined, undefined);
      return gapEvent(time, lastTimeMs, resp.nodeName || defaults.node, 'sensor_throttle', 0);
    }
    default:
      return null;
  }
}
