import type { ContainerRef, NormalizedEvent, PodRef, ProcessRef, SensorSource } from '../model/normalized-event.js';
import {
  type EncodedPiece,
  EVENT_KEYS,
  keyOf,
  MAX_DEPTH,
  NESTED_KEYS,
  type Nested,
  type Obj,
  R_ERROR,
  R_EXEC,
  R_EXIT,
  R_FILE,
  R_GENERIC,
  R_IGNORED,
  R_NET,
  R_RAW,
  REF_LIMIT,
  type SentContext,
  sameContext,
  sameProcess,
  TABLE_LIMIT,
  type TextBuffer,
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
import type { LineSink } from './lines.js';

/**
 * Worker side of the line-worker hand-over (format: codec-format.ts): a LineSink that encodes. `begin()`
 * before a piece, `finish()` after it.
 */
export class PieceEncoder implements LineSink {
  /** Slots in tags/vals (doubled when full); new arrays for every piece. */
  private cap: number;
  private tags: Uint8Array;
  private vals: Float64Array;
  private n = 0;
  private readonly table = new Map<string, number>();
  private strings: string[] = [];
  private text: TextBuffer = Buffer.allocUnsafeSlow(TEXT_BYTES) as TextBuffer;
  private textN = 0;
  private reset = false;
  private readonly verified = new Set<string>();
  private generic = false;
  /** Container contexts and processes sent (see codec-format.ts), by container id and by exec id. */
  private readonly contexts = new Map<number, SentContext>();
  private readonly processes = new Map<number, SentProcess>();
  /** Entries appended to the decoder's tables (replaced ones included): the next index of each. */
  private nextContext = 0;
  private nextProcess = 0;
  /** What the current event defined, undone if it cannot be encoded after all (the decoder never sees it). */
  private definedContext: { key: number; was: SentContext | undefined } | null = null;
  private definedProcess: { key: number; was: SentProcess | undefined } | null = null;

  /** `refLimit`: contexts or processes sent before the tables start over (tests use small ones). */
  constructor(private readonly refLimit = REF_LIMIT) {
    // Set here, not above, so they are written twice before anything runs: V8 takes a field written once
    // for a constant, and the first grow() threw away put() and intern() (docs/scan.md, "JIT stability").
    this.cap = FIRST_CAP;
    this.tags = new Uint8Array(FIRST_CAP);
    this.vals = new Float64Array(FIRST_CAP);
  }

  begin(): void {
    if (this.table.size > TABLE_LIMIT || this.nextContext > this.refLimit || this.nextProcess > this.refLimit) {
      this.table.clear();
      this.contexts.clear();
      this.processes.clear();
      this.nextContext = 0;
      this.nextProcess = 0;
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
      text: this.text.buffer as ArrayBuffer,
      textUsed: this.textN,
      reset: this.reset,
    };
    this.tags = new Uint8Array(this.cap);
    this.vals = new Float64Array(this.cap);
    this.n = 0;
    this.strings = [];
    this.text = Buffer.allocUnsafeSlow(this.text.length) as TextBuffer;
    this.textN = 0;
    this.reset = false;
    return { piece, transfer: [piece.tags, piece.vals, piece.text] };
  }

  event(e: NormalizedEvent, format: string, line: number, text: string): void {
    const start = this.n;
    const textStart = this.textN;
    this.definedContext = null;
    this.definedProcess = null;
    try {
      if (format === 'tetragon' && e.kind !== 'gap' && this.fixedShape(e)) this.tetragon(e);
      else {
        this.put(R_GENERIC, 0);
        this.value(e, 0);
      }
    } catch {
      // Strings interned meanwhile stay (they are sent anyway); the partial record goes, and with it what
      // it defined.
      this.n = start;
      this.textN = textStart;
      this.undoDefinitions();
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

  /**
   * A value from a handful (sensor, node name, op, protocol): by number, once per worker. Interning is cheap
   * for these (short, or literals whose hash V8 already knows) and saves sending them on every line.
   */
  private few(v: string | null | undefined): void {
    if (typeof v === 'string') this.intern(v);
    else this.value(v, 1);
  }

  /** `s` as bytes in the piece's text: ASCII as is (the common case), anything else as UTF-16. */
  private onceStr(s: string): void {
    const len = s.length;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit, UTF-16 2: room for either attempt.
    if (this.text.length - this.textN < 3 * len) this.growText(3 * len);
    const n = this.text.utf8Write(s, this.textN);
    // As many bytes as characters only when every character is ASCII (any other takes 2 or more).
    if (n === len) this.put(V_ONCE, n);
    else this.put(V_ONCE16, this.text.ucs2Write(s, this.textN));
    this.textN += this.vals[this.n - 1]!;
  }

  private growText(need: number): void {
    let size = this.text.length * 2;
    while (size - this.textN < need) size *= 2;
    const text = Buffer.allocUnsafeSlow(size) as TextBuffer;
    this.text.copy(text, 0, 0, this.textN);
    this.text = text;
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
    this.few(e.source);
    this.few(e.node);
    const c = e.container;
    if (c === null) {
      this.put(V_NULL, 0);
      this.pod(e.pod);
    } else this.context(c, e.pod);
    const p = e.process as ProcessRef | null;
    if (p === null) this.put(V_NULL, 0);
    else if (p.execId === null) {
      this.put(V_SHAPE, 0);
      this.processFields(p);
    } else this.process(p, p.execId);
    if (e.kind === 'file') {
      const f = e.file;
      if (this.present(f)) {
        this.value(f.path, 1);
        this.few(f.op);
        this.value(f.bytes, 1);
      }
    } else if (e.kind === 'net') {
      const n = e.net;
      if (this.present(n)) {
        this.few(n.op);
        this.value(n.daddr, 1);
        this.value(n.dport, 1);
        this.value(n.bytes, 1);
        this.value(n.saddr, 1);
        this.value(n.sport, 1);
        this.value(n.cookie, 1);
        this.few(n.protocol);
      }
    } else if (e.kind === 'exit') {
      const x = e.exit;
      if (this.present(x)) {
        this.value(x.status, 1);
        this.value(x.signal, 1);
      }
    }
  }

  /** V_REF to the context sent before when container and pod are unchanged; else V_DEF and the fields. */
  private context(c: ContainerRef, pod: PodRef | null): void {
    const key = keyOf(c.id);
    const sent = this.contexts.get(key);
    if (sent !== undefined && sent.id === c.id && sameContext(sent, c, pod)) {
      this.put(V_REF, sent.index);
      return;
    }
    this.definedContext = { key, was: sent };
    this.contexts.set(key, { index: this.nextContext++, id: c.id, name: c.name, image: c.image, pod });
    this.put(V_DEF, 0);
    this.value(c.id, 1);
    this.value(c.name, 1);
    this.value(c.image, 1);
    this.pod(pod);
  }

  private pod(pod: PodRef | null): void {
    if (this.present(pod)) {
      this.value(pod!.namespace, 1);
      this.value(pod!.name, 1);
      this.value(pod!.labels, 1);
    }
  }

  private process(p: ProcessRef, execId: string): void {
    const key = keyOf(execId);
    const sent = this.processes.get(key);
    if (sent !== undefined && sent.process.execId === execId && sameProcess(sent.process, p)) {
      this.put(V_REF, sent.index);
      return;
    }
    this.definedProcess = { key, was: sent };
    this.processes.set(key, { index: this.nextProcess++, process: p });
    this.put(V_DEF, 0);
    this.processFields(p);
  }

  private processFields(p: ProcessRef): void {
    this.value(p.execId, 1);
    this.value(p.parentExecId, 1);
    this.value(p.pid, 1);
    this.value(p.binary, 1);
    this.value(p.args, 1);
    this.value(p.uid, 1);
    this.value(p.parentBinary, 1);
    this.value(p.parentArgs, 1);
    this.value(p.containerPid, 1);
    this.value(p.cwd, 1);
  }

  private undoDefinitions(): void {
    const c = this.definedContext;
    if (c !== null) {
      if (c.was === undefined) this.contexts.delete(c.key);
      else this.contexts.set(c.key, c.was);
      this.nextContext--;
    }
    const p = this.definedProcess;
    if (p !== null) {
      if (p.was === undefined) this.processes.delete(p.key);
      else this.processes.set(p.key, p.was);
      this.nextProcess--;
    }
    this.definedContext = null;
    this.definedProcess = null;
  }
}

/** Starting sizes per piece, grown as needed: tags and values; text bytes (a bench piece needs ~40 kB). */
const FIRST_CAP = 16_384;
const TEXT_BYTES = 128 * 1024;

interface SentProcess {
  index: number;
  process: ProcessRef;
}
