/**
 * Tetragon's JSON export (protojson, UseProtoNames): one GetEventsResponse per line, snake_case keys,
 * 64-bit integers as strings, wrappers unwrapped, bytes base64, zero values omitted, unknown keys ignored.
 * Walks the parsed object directly — no JSON → proto conversion — with typeof guards instead of a schema.
 */
import { DecodeError } from '../../errors.js';
import type { NormalizedEvent } from '../../model/normalized-event.js';
import { isFalcoEvent } from '../falco/detect.js';
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
import { jsonTime, lastTimeMs } from './time.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
/** uint64/int64 arrive as decimal strings (numbers tolerated). */
const int64 = (v: unknown): number | null =>
  typeof v === 'string' ? (v === '' ? null : Number(v)) : typeof v === 'number' ? v : null;

/** The top-level keys of Tetragon's GetEventsResponse oneof (the export writes exactly one per line). */
export const TETRAGON_EVENT_KEYS = [
  'process_exec',
  'process_exit',
  'process_kprobe',
  'process_tracepoint',
  'process_lsm',
  'process_uprobe',
  'process_usdt',
  'process_loader',
  'process_throttle',
  'rate_limit_info',
  'test',
] as const;

export function isTetragonJson(obj: Obj): boolean {
  return (
    obj.process_kprobe !== undefined ||
    obj.process_exec !== undefined ||
    obj.process_exit !== undefined ||
    obj.process_tracepoint !== undefined ||
    obj.process_lsm !== undefined ||
    obj.process_uprobe !== undefined ||
    obj.process_usdt !== undefined ||
    obj.process_loader !== undefined ||
    obj.process_throttle !== undefined ||
    obj.rate_limit_info !== undefined ||
    (obj.test !== undefined && obj.node_name !== undefined)
  );
}

const scan: ArgScan = newScan();

function eventTime(obj: Obj, inner: Obj | undefined, proc: Obj | undefined): string {
  const t = str(obj.time) ?? (inner && str(inner.time)) ?? (proc && str(proc.start_time));
  if (t === undefined) throw new DecodeError('Tetragon event has no time');
  return jsonTime(t);
}

/** `exec`: the event starts the process, so its working directory is kept (only execs use it: relinks.ts). */
function head(obj: Obj, inner: Obj, defaults: NormalizeDefaults, exec = false): EventHead {
  const proc = isObj(inner.process) ? inner.process : undefined;
  const parent = isObj(inner.parent) ? inner.parent : undefined;
  const time = eventTime(obj, inner, proc);
  const timeMs = lastTimeMs;
  const node = str(obj.node_name) || defaults.node;
  if (!proc) {
    return {
      time,
      timeMs,
      node,
      container: null,
      pod: null,
      process: parentOnlyRef(parent && str(parent.binary), parent && str(parent.arguments)),
    };
  }
  const pod = isObj(proc.pod) ? proc.pod : undefined;
  const c = pod && isObj(pod.container) ? pod.container : undefined;
  const image = c && isObj(c.image) ? c.image : undefined;
  return {
    time,
    timeMs,
    node,
    container: containerRef(c && str(c.id), str(proc.docker), c && str(c.name), image && str(image.name)),
    pod: pod
      ? podRef(
          str(pod.namespace),
          str(pod.name),
          isObj(pod.pod_labels) ? (pod.pod_labels as Record<string, string>) : undefined,
        )
      : null,
    process: processRef(
      str(proc.exec_id),
      str(proc.parent_exec_id),
      num(proc.pid),
      str(proc.binary),
      str(proc.arguments),
      num(proc.uid),
      parent && str(parent.binary),
      parent && str(parent.arguments),
      c && num(c.pid),
      exec ? str(proc.cwd) : undefined,
    ),
  };
}

/** Standard base64 (with padding) → decoded length, without decoding. */
function base64Len(b64: string): number {
  const n = b64.length;
  if (n === 0) return 0;
  const pad = b64.charCodeAt(n - 1) === 61 ? (b64.charCodeAt(n - 2) === 61 ? 2 : 1) : 0;
  return Math.floor((n * 3) / 4) - pad;
}

function scanArg(s: ArgScan, a: Obj): void {
  for (const key in a) {
    const v = a[key];
    switch (key) {
      case 'file_arg':
      case 'path_arg':
        if (s.filePath === null && isObj(v)) {
          s.filePath = str(v.path) ?? '';
          const mode = str(v.permission);
          s.fileExec = mode !== undefined && execMode(mode);
        }
        break;
      case 'sock_arg':
        if (!s.hasSock && isObj(v)) {
          s.hasSock = true;
          s.sockDaddr = addr(str(v.daddr));
          s.sockDport = port(num(v.dport));
          s.sockSaddr = addr(str(v.saddr));
          s.sockSport = port(num(v.sport));
          s.sockProtocol = str(v.protocol) || null;
          const cookie = v.cookie;
          s.cookie =
            typeof cookie === 'string' && cookie !== '0' && cookie !== ''
              ? cookie
              : typeof cookie === 'number' && cookie !== 0
                ? String(cookie)
                : null;
        }
        break;
      case 'sockaddr_arg':
        if (!s.hasSockaddr && isObj(v)) {
          s.hasSockaddr = true;
          s.saAddr = addr(str(v.addr));
          s.saPort = port(num(v.port));
        }
        break;
      case 'skb_arg':
        if (!s.hasSkb && isObj(v)) {
          s.hasSkb = true;
          s.skbDaddr = addr(str(v.daddr));
          s.skbDport = port(num(v.dport));
          s.skbSaddr = addr(str(v.saddr));
          s.skbSport = port(num(v.sport));
          s.skbProtocol = str(v.protocol) || null;
          s.skbLen = num(v.len) ?? 0;
        }
        break;
      case 'size_arg':
        if (s.size === null) s.size = int64(v);
        break;
      case 'int_arg':
        if (s.int === null) s.int = num(v) ?? null;
        break;
      case 'long_arg':
        if (s.long === null) s.long = int64(v);
        break;
      case 'uint_arg':
        if (s.uint === null) s.uint = num(v) ?? null;
        break;
      case 'truncated_bytes_arg':
        if (s.truncOrigSize === null && isObj(v)) s.truncOrigSize = int64(v.orig_size) ?? 0;
        break;
      case 'bytes_arg':
        if (s.bytesLen === null && typeof v === 'string') s.bytesLen = base64Len(v);
        break;
    }
  }
}

function scanArgs(args: unknown, ret: unknown): ArgScan {
  const s = resetScan(scan);
  if (Array.isArray(args)) {
    for (const a of args) if (isObj(a)) scanArg(s, a);
  }
  if (isObj(ret)) {
    const v = ret.int_arg ?? ret.long_arg ?? ret.size_arg;
    s.ret = typeof v === 'number' ? v : int64(v);
  }
  return s;
}

function expectObj(v: unknown, key: string): Obj {
  if (!isObj(v)) throw new DecodeError(`Tetragon ${key} is not an object`);
  return v;
}

/** One parsed export line → a normalized event, or null when exfilwatch does not use it. */
export function normalizeTetragonJson(obj: Obj, defaults: NormalizeDefaults): NormalizedEvent | null {
  const kp = obj.process_kprobe;
  if (kp !== undefined) {
    const k = expectObj(kp, 'process_kprobe');
    const s = scanArgs(k.args, k.return);
    if (s.filePath === null && !s.hasSock && !s.hasSockaddr && !s.hasSkb) return null;
    return hookEvent(head(obj, k, defaults), str(k.function_name) ?? '', s);
  }
  const ex = obj.process_exec;
  if (ex !== undefined) return execEvent(head(obj, expectObj(ex, 'process_exec'), defaults, true));
  const xt = obj.process_exit;
  if (xt !== undefined) {
    const e = expectObj(xt, 'process_exit');
    return exitEvent(head(obj, e, defaults), num(e.status) ?? 0, str(e.signal));
  }
  const tp = obj.process_tracepoint;
  if (tp !== undefined) {
    const t = expectObj(tp, 'process_tracepoint');
    const s = scanArgs(t.args, undefined);
    if (s.filePath === null && !s.hasSock && !s.hasSockaddr && !s.hasSkb) return null;
    return hookEvent(head(obj, t, defaults), str(t.event) ?? '', s);
  }
  const lsm = obj.process_lsm;
  if (lsm !== undefined) {
    const l = expectObj(lsm, 'process_lsm');
    const s = scanArgs(l.args, undefined);
    if (s.filePath === null && !s.hasSock && !s.hasSockaddr && !s.hasSkb) return null;
    return hookEvent(head(obj, l, defaults), str(l.function_name) ?? '', s);
  }
  const rl = obj.rate_limit_info;
  if (rl !== undefined) {
    const r = expectObj(rl, 'rate_limit_info');
    const time = eventTime(obj, undefined, undefined);
    const dropped = int64(r.number_of_dropped_process_events) ?? 0;
    return gapEvent(time, lastTimeMs, str(obj.node_name) || defaults.node, 'sensor_rate_limit', dropped);
  }
  const th = obj.process_throttle;
  if (th !== undefined) {
    const t = expectObj(th, 'process_throttle');
    if (t.type !== 'THROTTLE_START' && t.type !== 1) return null;
    const time = eventTime(obj, undefined, undefined);
    return gapEvent(time, lastTimeMs, str(obj.node_name) || defaults.node, 'sensor_throttle', 0);
  }
  for (const key in obj) {
    // A newer agent's event type (or one we do not use): ignored, not malformed.
    if (key.startsWith('process_') || key === 'test') return null;
  }
  // A Falco alert is the likeliest wrong line (Falco's file_output given as --tetragon-file, --format tetragon):
  // say so and where it goes, rather than only which keys are missing.
  if (isFalcoEvent(obj)) throw new DecodeError(FALCO_ALERT_AS_TETRAGON);
  throw new DecodeError('not a Tetragon event (no process_* or rate_limit_info key)');
}

const FALCO_ALERT_AS_TETRAGON =
  'not a Tetragon event: this is a Falco alert (rule, priority, output): read it as Falco (scan or events ' +
  '--format auto or falco; live, a falco-http source fed by Falco http_output)';
