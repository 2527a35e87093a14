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
 *
 * This file is the format; PieceEncoder (codec-encode.ts) writes it in a worker, PieceDecoder
 * (codec-decode.ts) reads it on the main thread.
 */

// Value tags.
export const V_NULL = 0;
export const V_UNDEF = 1;
export const V_TRUE = 2;
export const V_FALSE = 3;
export const V_NUM = 4;
/** An interned string: the number is its index in the worker's table. */
export const V_STR = 5;
/** A string sent once (event times): the next of the piece's `once` strings. */
export const V_ONCE = 6;
export const V_OBJ = 7;
export const V_ARR = 8;
/** A fixed-shape object follows (its fields in the known order). */
export const V_SHAPE = 9;
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
  once: string[];
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
  process: 'execId,parentExecId,pid,binary,args,uid,parentBinary,parentArgs,containerPid',
  exit: 'status,signal',
  file: 'path,op,bytes',
  net: 'op,daddr,dport,bytes,saddr,sport,cookie,protocol',
};
export type Nested = keyof typeof NESTED_KEYS;

/** Past this many strings the table starts over (paths can be endless; memory must not grow). */
export const TABLE_LIMIT = 50_000;
export const MAX_DEPTH = 64;

export type Obj = Record<string, unknown>;
