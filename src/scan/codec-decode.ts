/** Main-thread side of the line-worker hand-over (format: codec-format.ts). */
import type { ContainerRef, NormalizedEvent, PodRef, ProcessRef, SensorSource } from '../model/normalized-event.js';
import {
  type EncodedPiece,
  type Obj,
  R_ERROR,
  R_EXEC,
  R_EXIT,
  R_FILE,
  R_GENERIC,
  R_IGNORED,
  R_NET,
  R_RAW,
  V_ARR,
  V_DEF,
  V_FALSE,
  V_NULL,
  V_NUM,
  V_OBJ,
  V_ONCE,
  V_ONCE16,
  V_REF,
  V_SHAPE,
  V_STR,
  V_TRUE,
  V_UNDEF,
} from './codec-format.js';

/** Main-thread side of a piece's records, in line order. `line` is relative to the piece (from 1). */
export interface PieceHandler {
  event(event: NormalizedEvent): void;
  /**
   * An event whose container object this decoder handed out before (with an earlier event), when given;
   * otherwise `event()`. Lets scan's summary count distinct containers once per context, not once per line.
   */
  repeat?(event: NormalizedEvent): void;
  ignored(): void;
  error(line: number, message: string, sensor: SensorSource | undefined): void;
  /** A line whose event could not be encoded: handle it here. */
  raw(line: number, text: string): void;
}

/** Node's Buffer slice-to-string methods without the encoding dispatch of `toString()`. */
type TextSlicer = Buffer & {
  latin1Slice(start: number, end: number): string;
  ucs2Slice(start: number, end: number): string;
};
const EMPTY = Buffer.alloc(0) as TextSlicer;

/** Main-thread side, one per worker (its string table follows that worker's pieces in order). */
export class PieceDecoder {
  private readonly table: string[] = [];
  /** Container contexts and processes the worker sent (V_DEF), by index: shared by the events naming them. */
  private readonly contexts: Array<{ container: ContainerRef; pod: PodRef | null }> = [];
  private readonly processes: ProcessRef[] = [];
  private tags = new Uint8Array(0);
  private vals = new Float64Array(0);
  private text: TextSlicer = EMPTY;
  private i = 0;
  /** Where the next V_ONCE string starts in `text`. */
  private t = 0;
  /** The event `tetragon()` just read named its container by number (V_REF). */
  private repeated = false;

  apply(p: EncodedPiece, h: PieceHandler): void {
    if (p.reset) {
      this.table.length = 0;
      this.contexts.length = 0;
      this.processes.length = 0;
    }
    for (const s of p.strings) this.table.push(s);
    this.tags = new Uint8Array(p.tags, 0, p.used);
    this.vals = new Float64Array(p.vals, 0, p.used);
    this.text = Buffer.from(p.text, 0, p.textUsed) as TextSlicer;
    this.i = 0;
    this.t = 0;
    const end = p.used;
    while (this.i < end) {
      const tag = this.tags[this.i]!;
      const val = this.vals[this.i]!;
      this.i++;
      switch (tag) {
        case R_FILE:
        case R_NET:
        case R_EXEC:
        case R_EXIT: {
          const e = this.tetragon(tag);
          if (this.repeated && h.repeat !== undefined) h.repeat(e);
          else h.event(e);
          break;
        }
        case R_GENERIC:
          h.event(this.value() as NormalizedEvent);
          break;
        case R_IGNORED:
          h.ignored();
          break;
        case R_ERROR:
          h.error(val, this.value() as string, this.value() as SensorSource | undefined);
          break;
        case R_RAW:
          h.raw(val, this.value() as string);
          break;
        default:
          throw new Error(`scan worker sent an unknown record tag ${tag}`);
      }
    }
    this.text = EMPTY;
  }

  private value(): unknown {
    const t = this.tags[this.i]!;
    const v = this.vals[this.i]!;
    this.i++;
    switch (t) {
      case V_STR:
        return this.table[v];
      case V_NUM:
        return v;
      case V_NULL:
        return null;
      case V_ONCE: {
        const s = this.text.latin1Slice(this.t, this.t + v);
        this.t += v;
        return s;
      }
      case V_ONCE16: {
        const s = this.text.ucs2Slice(this.t, this.t + v);
        this.t += v;
        return s;
      }
      case V_TRUE:
        return true;
      case V_FALSE:
        return false;
      case V_UNDEF:
        return undefined;
      case V_ARR: {
        const arr: unknown[] = [];
        for (let k = 0; k < v; k++) arr.push(this.value());
        return arr;
      }
      case V_OBJ: {
        const obj: Obj = {};
        for (let k = 0; k < v; k++) {
          const key = this.value() as string;
          const item = this.value();
          // JSON.parse makes `__proto__` an own property; an assignment would set the prototype instead.
          if (key === '__proto__') {
            Object.defineProperty(obj, key, { value: item, writable: true, enumerable: true, configurable: true });
          } else obj[key] = item;
        }
        return obj;
      }
      default:
        throw new Error(`scan worker sent an unknown value tag ${t}`);
    }
  }

  /** True (and consumes the tag) when a fixed-shape object follows; false (consumed) for null. */
  private present(): boolean {
    return this.tags[this.i++] === V_SHAPE;
  }

  private tetragon(tag: number): NormalizedEvent {
    const time = this.value() as string;
    const timeMs = this.value() as number;
    const source = this.value() as 'tetragon';
    const node = this.value() as string;
    let container: ContainerRef | null = null;
    let pod: PodRef | null;
    const ct = this.tags[this.i]!;
    const cv = this.vals[this.i]!;
    this.i++;
    this.repeated = ct === V_REF;
    if (ct === V_REF) {
      const ctx = this.contexts[cv]!;
      container = ctx.container;
      pod = ctx.pod;
    } else if (ct === V_DEF) {
      container = {
        id: this.value() as string,
        name: this.value() as string | null,
        image: this.value() as string | null,
      };
      pod = this.pod();
      this.contexts.push({ container, pod });
    } else pod = this.pod();
    let process: ProcessRef;
    const pt = this.tags[this.i]!;
    const pv = this.vals[this.i]!;
    this.i++;
    if (pt === V_REF) process = this.processes[pv]!;
    else if (pt === V_NULL) process = null as never;
    else {
      process = this.processFields();
      if (pt === V_DEF) this.processes.push(process);
    }
    switch (tag) {
      case R_FILE:
        return {
          kind: 'file',
          time,
          timeMs,
          source,
          node,
          container,
          pod,
          process,
          file: this.present()
            ? { path: this.value() as string, op: this.value() as 'read', bytes: this.value() as number | null }
            : (null as never),
        };
      case R_NET:
        return {
          kind: 'net',
          time,
          timeMs,
          source,
          node,
          container,
          pod,
          process,
          net: this.present()
            ? {
                op: this.value() as 'send',
                daddr: this.value() as string | null,
                dport: this.value() as number | null,
                bytes: this.value() as number | null,
                saddr: this.value() as string | null,
                sport: this.value() as number | null,
                cookie: this.value() as string | null,
                protocol: this.value() as string | null,
              }
            : (null as never),
        };
      case R_EXIT:
        return {
          kind: 'exit',
          time,
          timeMs,
          source,
          node,
          container,
          pod,
          process,
          exit: this.present()
            ? { status: this.value() as number | null, signal: this.value() as string | null }
            : (null as never),
        };
      default:
        return { kind: 'exec', time, timeMs, source, node, container, pod, process };
    }
  }

  private pod(): PodRef | null {
    return this.present()
      ? {
          namespace: this.value() as string,
          name: this.value() as string,
          labels: this.value() as Record<string, string>,
        }
      : null;
  }

  private processFields(): ProcessRef {
    return {
      execId: this.value() as string | null,
      parentExecId: this.value() as string | null,
      pid: this.value() as number | null,
      binary: this.value() as string | null,
      args: this.value() as string | null,
      uid: this.value() as number | null,
      parentBinary: this.value() as string | null,
      parentArgs: this.value() as string | null,
      containerPid: this.value() as number | null,
      cwd: this.value() as string | null,
    };
  }
}
