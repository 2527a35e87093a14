/**
 * A compact binary form of NormalizedEvents, so the memory run can generate its stream in another process
 * and the measured process holds only what exfilwatch holds. Each record is `u32 length, payload`; strings
 * are UTF-8 with a u32 byte length (0xFFFFFFFF = null), numbers f64 after a presence byte. Every string is
 * written out in full in every record (no dictionary): the decoder makes fresh strings for each event, as a
 * sensor normalizer does, so what the correlator keeps costs what it costs in the daemon.
 *
 * Optional keys (ProcessRef's ppid, uid…, NetInfo's saddr…, PodRef's labels, GapInfo's fromMs) keep their
 * presence: decode(encode(e)) is deep-equal to e, key for key (the feed checks it).
 */
import type {
  ActivityEvent,
  NetInfo,
  NormalizedEvent,
  PodRef,
  ProcessRef,
  SensorSource,
} from '../../src/model/normalized-event.js';

const KINDS = ['exec', 'exit', 'file', 'net', 'gap'] as const;
const SOURCES: readonly SensorSource[] = ['tetragon', 'falco'];
const FILE_OPS = ['open', 'read', 'write', 'map'] as const;
const NET_OPS = ['connect', 'send', 'close'] as const;
const GAP_REASONS = ['queue_full', 'disconnected', 'sensor_rate_limit', 'sensor_throttle', 'sensor_drop'] as const;
const NULL_LEN = 0xffffffff;

// Presence bits of optional keys.
const P_PPID = 1;
const P_PARENT_BINARY = 2;
const P_PARENT_ARGS = 4;
const P_UID = 8;
const P_CONTAINER_PID = 16;
const P_CWD = 32;
const N_SADDR = 1;
const N_SPORT = 2;
const N_COOKIE = 4;
const N_PROTOCOL = 8;

function code<T>(list: readonly T[], value: T): number {
  const i = list.indexOf(value);
  if (i < 0) throw new Error(`event codec: unknown value ${String(value)}`);
  return i;
}

/** Appends records to a growing buffer; `take()` hands over what was written and starts afresh. */
export class EventEncoder {
  private buf: Buffer;
  private pos = 0;

  constructor(private readonly chunkBytes = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  get length(): number {
    return this.pos;
  }

  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
    this.pos = 0;
    return out;
  }

  encode(e: NormalizedEvent): void {
    const start = this.pos;
    this.room(4);
    this.pos += 4;
    this.u8(code(KINDS, e.kind));
    this.f64(e.timeMs);
    this.str(e.time);
    this.u8(code(SOURCES, e.source));
    this.str(e.node);
    if (e.kind === 'gap') {
      this.f64(e.gap.dropped);
      this.u8(code(GAP_REASONS, e.gap.reason));
      this.optNum('fromMs' in e.gap, e.gap.fromMs);
    } else {
      this.activity(e);
    }
    this.buf.writeUInt32LE(this.pos - start - 4, start);
  }

  private activity(e: ActivityEvent): void {
    const c = e.container;
    this.u8(c === null ? 0 : 1);
    if (c !== null) {
      this.str(c.id);
      this.str(c.name);
      this.str(c.image);
    }
    const pod = e.pod;
    this.u8(pod === null ? 0 : pod.labels === undefined ? 1 : 2);
    if (pod !== null) {
      this.str(pod.namespace);
      this.str(pod.name);
      if (pod.labels !== undefined) {
        const entries = Object.entries(pod.labels);
        this.u8(entries.length);
        for (const [k, v] of entries) {
          this.str(k);
          this.str(v);
        }
      }
    }
    const p = e.process;
    this.str(p.execId);
    this.str(p.parentExecId);
    this.num(p.pid);
    this.str(p.binary);
    this.str(p.args);
    this.u8(
      ('ppid' in p ? P_PPID : 0) |
        ('parentBinary' in p ? P_PARENT_BINARY : 0) |
        ('parentArgs' in p ? P_PARENT_ARGS : 0) |
        ('uid' in p ? P_UID : 0) |
        ('containerPid' in p ? P_CONTAINER_PID : 0) |
        ('cwd' in p ? P_CWD : 0),
    );
    if ('ppid' in p) this.num(p.ppid ?? null);
    if ('uid' in p) this.num(p.uid ?? null);
    if ('parentBinary' in p) this.str(p.parentBinary ?? null);
    if ('parentArgs' in p) this.str(p.parentArgs ?? null);
    if ('containerPid' in p) this.num(p.containerPid ?? null);
    if ('cwd' in p) this.str(p.cwd ?? null);
    switch (e.kind) {
      case 'exec':
        break;
      case 'exit':
        this.num(e.exit.status);
        this.str(e.exit.signal);
        break;
      case 'file':
        this.str(e.file.path);
        this.u8(code(FILE_OPS, e.file.op));
        this.num(e.file.bytes);
        break;
      case 'net': {
        const n = e.net;
        this.u8(code(NET_OPS, n.op));
        this.str(n.daddr);
        this.num(n.dport);
        this.num(n.bytes);
        this.u8(
          ('saddr' in n ? N_SADDR : 0) |
            ('sport' in n ? N_SPORT : 0) |
            ('cookie' in n ? N_COOKIE : 0) |
            ('protocol' in n ? N_PROTOCOL : 0),
        );
        if ('saddr' in n) this.str(n.saddr ?? null);
        if ('sport' in n) this.num(n.sport ?? null);
        if ('cookie' in n) this.str(n.cookie ?? null);
        if ('protocol' in n) this.str(n.protocol ?? null);
        break;
      }
    }
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  private u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v;
  }

  private f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  private num(v: number | null): void {
    this.u8(v === null ? 0 : 1);
    if (v !== null) this.f64(v);
  }

  private optNum(present: boolean, v: number | undefined): void {
    this.u8(present ? 1 : 0);
    if (present) this.f64(v as number);
  }

  private str(s: string | null): void {
    if (s === null) {
      this.room(4);
      this.buf.writeUInt32LE(NULL_LEN, this.pos);
      this.pos += 4;
      return;
    }
    const max = Buffer.byteLength(s);
    this.room(4 + max);
    const n = this.buf.write(s, this.pos + 4, 'utf8');
    this.buf.writeUInt32LE(n, this.pos);
    this.pos += 4 + n;
  }
}

/** Reads records from chunks of a byte stream (records may span chunks). */
export class EventDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  /** Decodes every whole record in `chunk` (plus what was left of the previous one) into `out`. */
  push(chunk: Buffer, out: NormalizedEvent[]): void {
    const rest = this.buf.length - this.pos;
    this.buf = rest > 0 ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
    while (this.buf.length - this.pos >= 4) {
      const len = this.buf.readUInt32LE(this.pos);
      if (this.buf.length - this.pos - 4 < len) break;
      this.pos += 4;
      const end = this.pos + len;
      out.push(this.event());
      if (this.pos !== end) throw new Error(`event codec: record of ${len} bytes read as ${this.pos - end + len}`);
    }
  }

  /** Bytes of an incomplete record held (0 at the end of a well-formed stream). */
  get pending(): number {
    return this.buf.length - this.pos;
  }

  private event(): NormalizedEvent {
    const kind = KINDS[this.u8()]!;
    const timeMs = this.f64();
    const time = this.str()!;
    const source = SOURCES[this.u8()]!;
    const node = this.str()!;
    if (kind === 'gap') {
      const dropped = this.f64();
      const reason = GAP_REASONS[this.u8()]!;
      const gap = this.u8() === 1 ? { dropped, reason, fromMs: this.f64() } : { dropped, reason };
      return { kind, time, timeMs, source, node, gap };
    }
    const container = this.u8() === 1 ? { id: this.str()!, name: this.str(), image: this.str() } : null;
    const podTag = this.u8();
    let pod: PodRef | null = null;
    if (podTag !== 0) {
      const namespace = this.str()!;
      const name = this.str()!;
      if (podTag === 1) pod = { namespace, name };
      else {
        const labels: Record<string, string> = {};
        for (let n = this.u8(); n > 0; n--) {
          const k = this.str()!;
          labels[k] = this.str()!;
        }
        pod = { namespace, name, labels };
      }
    }
    const process = this.processRef();
    switch (kind) {
      case 'exec':
        return { kind, time, timeMs, source, node, container, pod, process };
      case 'exit':
        return {
          kind,
          time,
          timeMs,
          source,
          node,
          container,
          pod,
          process,
          exit: { status: this.num(), signal: this.str() },
        };
      case 'file':
        return {
          kind,
          time,
          timeMs,
          source,
          node,
          container,
          pod,
          process,
          file: { path: this.str()!, op: FILE_OPS[this.u8()]!, bytes: this.num() },
        };
      default:
        return { kind, time, timeMs, source, node, container, pod, process, net: this.netInfo() };
    }
  }

  /** In the order the Tetragon normalizer builds it (same hidden class). */
  private processRef(): ProcessRef {
    const execId = this.str();
    const parentExecId = this.str();
    const pid = this.num();
    const binary = this.str();
    const args = this.str();
    const bits = this.u8();
    const p: ProcessRef = { execId, parentExecId, pid, binary, args };
    if (bits & P_PPID) p.ppid = this.num();
    if (bits & P_UID) p.uid = this.num();
    if (bits & P_PARENT_BINARY) p.parentBinary = this.str();
    if (bits & P_PARENT_ARGS) p.parentArgs = this.str();
    if (bits & P_CONTAINER_PID) p.containerPid = this.num();
    if (bits & P_CWD) p.cwd = this.str();
    return p;
  }

  private netInfo(): NetInfo {
    const op = NET_OPS[this.u8()]!;
    const daddr = this.str();
    const dport = this.num();
    const bytes = this.num();
    const bits = this.u8();
    const n: NetInfo = { op, daddr, dport, bytes };
    if (bits & N_SADDR) n.saddr = this.str();
    if (bits & N_SPORT) n.sport = this.num();
    if (bits & N_COOKIE) n.cookie = this.str();
    if (bits & N_PROTOCOL) n.protocol = this.str();
    return n;
  }

  private u8(): number {
    return this.buf[this.pos++]!;
  }

  private f64(): number {
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  private num(): number | null {
    return this.u8() === 1 ? this.f64() : null;
  }

  private str(): string | null {
    const len = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    if (len === NULL_LEN) return null;
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
}
