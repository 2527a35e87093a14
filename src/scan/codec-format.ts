/**
 * How a line worker hands a piece's outcome to the main thread. Structured clone of the normalized events
 * costs ~5 µs per event to serialize and again to deserialize (measured), more than the correlator itself,
 * so events travel as transferable buffers: two typed arrays — a tag and a number per value — and the
 * text of their strings as bytes (object keys and a few values interned per worker: sent once, then by
 * number; see PieceEncoder.str). Strings as bytes, not as an array of strings: a string array is rebuilt
 * on the main thread's heap as soon as the message arrives, and a piece waits there for its turn (up to
 * 8 pieces per worker), so its strings outlived young-generation collections and were copied and
 * promoted; bytes become strings only when the event is rebuilt.
 *
 * Tetragon's activity events have fixed shapes (src/formats/tetragon/build.ts): they are written field by
 * field and rebuilt as object literals with the same keys in the same order. The shapes are verified
 * against the first event of each kind; anything else (Falco events, gap markers, a shape that changed)
 * goes through the generic value encoding, which rebuilds any JSON-like value exactly. A value it cannot
 * carry (too deep) sends the line itself back, to be handled on the main thread.
 *
 * A container's context (container + pod, labels included) and a process (by exec id) repeat on every
 * event they make, unchanged: each is sent once (V_DEF) and then by number (V_REF), and the main thread
 * hands the same object to every event that refers to it (nothing downstream writes into an event). A
 * field that differs from what was sent makes a new entry, so every event is still rebuilt exactly.
 *
 * This file is the format; PieceEncoder (codec-encode.ts) writes it in a worker, PieceDecoder
 * (codec-decode.ts) reads it on the main thread.
 */

import type { ContainerRef, PodRef, ProcessRef } from '../model/normalized-event.js';

// Value tags.
export const V_NULL = 0;
export const V_UNDEF = 1;
export const V_TRUE = 2;
export const V_FALSE = 3;
export const V_NUM = 4;
/** An interned string: the number is its index in the worker's table. */
export const V_STR = 5;
/**
 * A string sent once (event times, paths): the number is its length in bytes, the next ones of the piece's
 * `text`. V_ONCE is ASCII (one byte a character); V_ONCE16 any other string as UTF-16 code units (two bytes
 * each: exact for every JS string, lone surrogates included, which UTF-8 would replace).
 */
export const V_ONCE = 6;
export const V_ONCE16 = 12;
export const V_OBJ = 7;
export const V_ARR = 8;
/** A fixed-shape object follows (its fields in the known order). */
export const V_SHAPE = 9;
/** An object sent before by this worker: the number is its index in the decoder's table of that kind. */
export const V_REF = 10;
/** An object sent for the first time: its fields follow, and the decoder appends it to that kind's table. */
export const V_DEF = 11;
// Record tags (one per line outcome).
export const R_EXEC = 20;
export const R_EXIT = 21;
export const R_FILE = 22;
export const R_NET = 23;
export const R_GENERIC = 24;
export const R_IGNORED = 25;
export const R_ERROR = 26;
export const R_RAW = 27;

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
  /** The bytes of the piece's V_ONCE/V_ONCE16 strings, in order (`textUsed` of them). */
  text: ArrayBuffer;
  textUsed: number;
  /** The worker cleared its table before this piece: so must the main thread. */
  reset: boolean;
  /** The piece's input bytes, handed back for the next read (set by the worker thread). */
  input?: ArrayBuffer;
}

export const EVENT_KEYS: Record<string, string> = {
  exec: 'kind,time,timeMs,source,node,container,pod,process',
  exit: 'kind,time,timeMs,source,node,container,pod,process,exit',
  file: 'kind,time,timeMs,source,node,container,pod,process,file',
  net: 'kind,time,timeMs,source,node,container,pod,process,net',
};
export const NESTED_KEYS = {
  container: 'id,name,image',
  pod: 'namespace,name,labels',
  process: 'execId,parentExecId,pid,binary,args,uid,parentBinary,parentArgs,containerPid,cwd',
  exit: 'status,signal',
  file: 'path,op,bytes',
  net: 'op,daddr,dport,bytes,saddr,sport,cookie,protocol',
};
export type Nested = keyof typeof NESTED_KEYS;

/** Past this many strings the table starts over (paths can be endless; memory must not grow). */
export const TABLE_LIMIT = 50_000;
/** Past this many container contexts or processes their tables start over too (with the strings). */
export const REF_LIMIT = 50_000;
export const MAX_DEPTH = 64;

export type Obj = Record<string, unknown>;

/** A context as the encoder sent it: what a later event's container and pod are compared with. */
export interface SentContext {
  index: number;
  /** The container id (the table is keyed by a number derived from it: keyOf below). */
  id: string;
  name: string | null;
  image: string | null;
  pod: PodRef | null;
}

/** Unchanged since sent (the container id is the key): the decoder's object can stand for this one. */
export function sameContext(sent: SentContext, c: ContainerRef, pod: PodRef | null): boolean {
  return sent.name === c.name && sent.image === c.image && samePod(sent.pod, pod);
}

function samePod(a: PodRef | null, b: PodRef | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.namespace !== b.namespace || a.name !== b.name) return false;
  return sameStrings(a.labels, b.labels);
}

/** Same keys in the same order (they are written out in that order) with the same string values. */
function sameStrings(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    const v = a[k];
    if (k !== kb[i] || typeof v !== 'string' || v !== b[k]) return false;
  }
  return true;
}

/** Every field the same value (Object.is: a -0 is not a 0). */
export function sameProcess(a: ProcessRef, b: ProcessRef): boolean {
  return (
    Object.is(a.pid, b.pid) &&
    a.binary === b.binary &&
    a.args === b.args &&
    a.parentExecId === b.parentExecId &&
    Object.is(a.uid, b.uid) &&
    a.parentBinary === b.parentBinary &&
    a.parentArgs === b.parentArgs &&
    Object.is(a.containerPid, b.containerPid) &&
    a.cwd === b.cwd
  );
}

/**
 * A number standing for a container or exec id in the encoder's tables (codec-encode.ts), from its length and last 12
 * characters (where ids differ: a container id's random tail, an exec id's pid and start time). Every id
 * is a fresh string from JSON.parse: a Map lookup by the string itself has V8 hash all of it in a runtime
 * call first. Ids that share a number are told apart by comparing the whole id, and a mismatch is a miss
 * (the entry is sent again in full), so exactness never depends on the number.
 */
export function keyOf(s: string): number {
  const n = s.length;
  let h = n;
  for (let i = n > 12 ? n - 12 : 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Node's Buffer write methods without the encoding dispatch of `write()` (both return bytes written). */
export type TextBuffer = Buffer & {
  utf8Write(s: string, offset: number): number;
  ucs2Write(s: string, offset: number): number;
};
