/**
 * How a line worker hands a piece's outcome to the main thread. Structured clone of the normalized events
 * costs ~5 µs per event to serialize and again to deserialize (measured), more than the correlator itself,
 * so events travel as two transferable typed arrays — a tag and a number per value — plus their strings
 * in one array (object keys interned per worker: sent once, then by number; see PieceEncoder.str).
 *
 * Tetragon's activity events have fixed shapes (src/formats/tetragon/build.ts): they are written field by
 * field and rebuilt as object literals with the same keys in the same order. The shapes are verified
 * against the first event of each kind; anything else (Falco events, gap markers, a shape that changed)
 * goes through the generic value encoding, which rebuilds any JSON-like value exactly. A value it cannot
 * carry (too deep) sends the line itself back, to be handled on the main thread.
 */
import type { NormalizedEvent, SensorSource } from '../model/normalized-event.js';
import type { LineSink } from './lines.js';

// Value tags.
const V_NULL = 0;
const V_UNDEF = 1;
const V_TRUE = 2;
const V_FALSE = 3;
const V_NUM = 4;
/** An interned string: the number is its index in the worker's table. */
const V_STR = 5;
/** A string sent once (event times): the next of the piece's `once` strings. */
const V_ONCE = 6;
const V_OBJ = 7;
const V_ARR = 8;
/** A fixed-shape object follows (its fields in the known order). */
const V_SHAPE = 9;
// Record tags (one per line outcome).
const R_EXEC = 20;
const R_EXIT = 21;
const R_FILE = 22;
const R_NET = 23;
const R_GENERIC = 24;
const R_IGNORED = 25;
const R_ERROR = 26;
const R_RAW = 27;

/** What a worker posts for one piece. */
export interface EncodedPiece {
  seq: number;
  /** Numbered lines in the piece. */
  lines: number;
  used: number;
  tags: ArrayBuffer;
  vals: ArrayBuffer;
  /** Strings new to the main thread's table for this worker, in table order. */
  strings: string[];
  once: string[];
  /** The worker cleared its table before this piece: so must the main thread. */
  reset: boolean;
  /** The piece's input bytes, handed back for the next read (set by the worker thread). */
  input?: ArrayBuffer;
}

const EVENT_KEYS: Record<string, string> = {
  exec: 'kind,time,timeMs,source,node,container,pod,process',
  exit: 'kind,time,timeMs,source,node,container,pod,process,exit',
  file: 'kind,time,timeMs,source,node,container,pod,process,file',
  net: 'kind,time,timeMs,source,node,container,pod,process,net',
};
const NESTED_KEYS = {
  container: 'id,name,image',
  pod: 'namespace,name,labels',
  process: 'execId,parentExecId,pid,binary,args,uid,parentBinary,parentArgs,containerPid',
  exit: 'status,signal',
  file: 'path,op,bytes',
  net: 'op,daddr,dport,bytes,saddr,sport,cookie,protocol',
};
type Nested = keyof typeof NESTED_KEYS;

/** Past this many strings the table starts over (paths can be endless; memory must not grow). */
const TABLE_LIMIT = 50_000;
const MAX_DEPTH = 64;

type Obj = Record<string, unknown>;

/** Worker side: a LineSink that encodes. `begin()` before a piece, `finish()` after it. */
export class PieceEncoder implements LineSink {
  private cap = 16_384;
  private tags = new Uint8Array(this.cap);
  private vals = new Float64Array(this.cap);
  private n = 0;
  private readonly table = new Map<string, number>();
  private strings: string[] = [];
  private once: string[] = [];
  private reset = false;
  private readonly verified = new Set<string>();
  private generic = false;

  begin(): void {
    if (this.table.size > TABLE_LIMIT) {
      this.table.clear();
      this.reset = true;
    }
  }

  finish(seq: number, lines: number): { piece: EncodedPiece; transfer: ArrayBuffer[] } {
    const piece: EncodedPiece = {
      seq,
      lines,
      used: this.n,
      tags: this.tags.buffer as ArrayBuffer,
      vals: this.vals.buffer as ArrayBuffer,
      strings: this.strings,
      once: this.once,
      reset: this.reset,
    };
    this.tags = new Uint8Array(this.cap);
    this.vals = new Float64Array(this.cap);
    this.n = 0;
    this.strings = [];
    this.once = [];
    this.reset = false;
    return { piece, transfer: [piece.tags, piece.vals] };
  }

  event(e: NormalizedEvent, format: string, line: number, text: string): void {
    const start = this.n;
    const onceStart = this.once.length;
    try {
      if (format === 'tetragon' && e.kind !== 'gap' && this.fixedShape(e)) this.tetragon(e);
      else {
        this.put(R_GENERIC, 0);
        this.value(e, 0);
      }
    } catch {
      // Strings interned meanwhile stay (they are sent anyway); the partial record goes.
      this.n = start;
      this.once.length = onceStart;
      this.put(R_RAW, line);
      this.onceStr(text);
    }
  }

  ignored(): void {
    this.put(R_IGNORED, 0);
  }

  error(line: number, message: string, sensor: SensorSource | undefined): void {
    this.put(R_ERROR, line);
    this.onceStr(message);
    this.value(sensor, 0);
  }

  private put(tag: number, val: number): void {
    if (this.n === this.cap) this.grow();
    this.tags[this.n] = tag;
    this.vals[this.n] = val;
    this.n++;
  }

  private grow(): void {
    this.cap *= 2;
    const tags = new Uint8Array(this.cap);
    const vals = new Float64Array(this.cap);
    tags.set(this.tags);
    vals.set(this.vals);
    this.tags = tags;
    this.vals = vals;
  }

  /**
   * Every string from JSON.parse is a fresh object whose hash is not yet computed: interning one costs a
   * hash and a table probe here (measured ~2.5 µs per line for ids, paths and even the short names),
   * more than sending it costs both sides (~0.1 µs). Only object keys are interned (JSON.parse
   * internalizes them: their hash is known).
   */
  private str(s: string): void {
    this.onceStr(s);
  }

  private intern(s: string): void {
    let id = this.table.get(s);
    if (id === undefined) {
      id = this.table.size;
      this.table.set(s, id);
      this.strings.push(s);
    }
    this.put(V_STR, id);
  }

  private onceStr(s: string): void {
    this.once.push(s);
    this.put(V_ONCE, 0);
  }

  private value(v: unknown, depth: number): void {
    if (v === null) {
      this.put(V_NULL, 0);
      return;
    }
    switch (typeof v) {
      case 'string':
        this.str(v);
        return;
      case 'number':
        this.put(V_NUM, v);
        return;
      case 'boolean':
        this.put(v ? V_TRUE : V_FALSE, 0);
        return;
      case 'undefined':
        this.put(V_UNDEF, 0);
        return;
      case 'object': {
        if (depth >= MAX_DEPTH) throw new RangeError('value nested too deeply to hand over');
        if (Array.isArray(v)) {
          this.put(V_ARR, v.length);
          for (const item of v) this.value(item, depth + 1);
          return;
        }
        const keys = Object.keys(v);
        this.put(V_OBJ, keys.length);
        for (const k of keys) {
          this.intern(k);
          this.value((v as Obj)[k], depth + 1);
        }
        return;
      }
      default:
        throw new TypeError(`cannot hand over a ${typeof v}`);
    }
  }

  /** Whether this event's shape is the one `tetragon()` writes (checked once per kind and nested object). */
  private fixedShape(e: Exclude<NormalizedEvent, { kind: 'gap' }>): boolean {
    if (this.generic) return false;
    const v = this.verified;
    if (
      v.has(e.kind) &&
      (e.container === null || v.has('container')) &&
      (e.pod === null || v.has('pod')) &&
      v.has('process')
    ) {
      return true;
    }
    const check = (name: string, obj: unknown, keys: string) => {
      if (v.has(name) || obj === null) return;
      if (typeof obj === 'object' && Object.keys(obj as Obj).join(',') === keys) v.add(name);
      else this.generic = true;
    };
    check(e.kind, e, EVENT_KEYS[e.kind] ?? '');
    check('container', e.container, NESTED_KEYS.container);
    check('pod', e.pod, NESTED_KEYS.pod);
    check('process', e.process, NESTED_KEYS.process);
    if (e.kind !== 'exec') check(`${e.kind}.inner`, (e as unknown as Obj)[e.kind], NESTED_KEYS[e.kind as Nested]);
    return !this.generic;
  }

  /** Null, or the fixed-shape marker (its fields follow). */
  private present(obj: unknown): boolean {
    this.put(obj === null ? V_NULL : V_SHAPE, 0);
    return obj !== null;
  }

  // Field by field with named property reads: a loop over key names costs a megamorphic keyed load each.
  private tetragon(e: Exclude<NormalizedEvent, { kind: 'gap' }>): void {
    const tag = e.kind === 'file' ? R_FILE : e.kind === 'net' ? R_NET : e.kind === 'exec' ? R_EXEC : R_EXIT;
    this.put(tag, 0);
    this.value(e.time, 0);
    this.value(e.timeMs, 0);
    this.value(e.source, 0);
    this.value(e.node, 0);
    const c = e.container;
    if (this.present(c)) {
      this.value(c!.id, 1);
      this.value(c!.name, 1);
      this.value(c!.image, 1);
    }
    const pod = e.pod;
    if (this.present(pod)) {
      this.value(pod!.namespace, 1);
      this.value(pod!.name, 1);
      this.value(pod!.labels, 1);
    }
    const p = e.process;
    if (this.present(p)) {
      this.value(p.execId, 1);
      this.value(p.parentExecId, 1);
      this.value(p.pid, 1);
      this.value(p.binary, 1);
      this.value(p.args, 1);
      this.value(p.uid, 1);
      this.value(p.parentBinary, 1);
      this.value(p.parentArgs, 1);
      this.value(p.containerPid, 1);
    }
    if (e.kind === 'file') {
      const f = e.file;
      if (this.present(f)) {
        this.value(f.path, 1);
        this.value(f.op, 1);
        this.value(f.bytes, 1);
      }
    } else if (e.kind === 'net') {
      const n = e.net;
      if (this.present(n)) {
        this.value(n.op, 1);
        this.value(n.daddr, 1);
        this.value(n.dport, 1);
        this.value(n.bytes, 1);
        this.value(n.saddr, 1);
        this.value(n.sport, 1);
        this.value(n.cookie, 1);
        this.value(n.protocol, 1);
      }
    } else if (e.kind === 'exit') {
      const x = e.exit;
      if (this.present(x)) {
        this.value(x.status, 1);
        this.value(x.signal, 1);
      }
    }
  }
}

/** Main-thread side of a piece's records, in line order. `line` is relative to the piece (from 1). */
export interface PieceHandler {
  event(event: NormalizedEvent): void;
  ignored(): void;
  error(line: number, message: string, sensor: SensorSource | undefined): void;
  /** A line whose event could not be encoded: handle it here. */
  raw(line: number, text: string): void;
}

/** Main-thread side, one per worker (its string table follows that worker's pieces in order). */
export class PieceDecoder {
  private readonly table: string[] = [];
  private tags = new Uint8Array(0);
  private vals = new Float64Array(0);
  private once: string[] = [];
  private i = 0;
  private o = 0;

  apply(p: EncodedPiece, h: PieceHandler): void {
    if (p.reset) this.table.length = 0;
    for (const s of p.strings) this.table.push(s);
    this.tags = new Uint8Array(p.tags, 0, p.used);
    this.vals = new Float64Array(p.vals, 0, p.used);
    this.once = p.once;
    this.i = 0;
    this.o = 0;
    const end = p.used;
    while (this.i < end) {
      const tag = this.tags[this.i]!;
      const val = this.vals[this.i]!;
      this.i++;
      switch (tag) {
        case R_FILE:
        case R_NET:
        case R_EXEC:
        case R_EXIT:
          h.event(this.tetragon(tag));
          break;
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
    this.once = [];
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
      case V_ONCE:
        return this.once[this.o++];
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
    const container = this.present()
      ? { id: this.value() as string, name: this.value() as string | null, image: this.value() as string | null }
      : null;
    const pod = this.present()
      ? {
          namespace: this.value() as string,
          name: this.value() as string,
          labels: this.value() as Record<string, string>,
        }
      : null;
    const process = this.present()
      ? {
          execId: this.value() as string | null,
          parentExecId: this.value() as string | null,
          pid: this.value() as number | null,
          binary: this.value() as string | null,
          args: this.value() as string | null,
          uid: this.value() as number | null,
          parentBinary: this.value() as string | null,
          parentArgs: this.value() as string | null,
          containerPid: this.value() as number | null,
        }
      : (null as never);
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
}
