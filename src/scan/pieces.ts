/**
 * A finite input (plain file, gzip by magic bytes, or stdin `-`) cut into pieces of WHOLE lines, for
 * scan's line workers: each piece owns its ArrayBuffer (transferable to a worker without a copy) and
 * holds complete lines only, so workers never see a line split across pieces.
 *
 * Line semantics are exactly src/io/line-splitter.ts's (scan must count and report like the file source
 * did): a line is the bytes before '\n' (or before the end of input); one longer than `maxLineBytes` is
 * not buffered whole but reported as an `oversize` piece with its full length, in its place.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type Piece =
  /** `length` bytes at `offset` of `buffer`: one or more lines, the last one '\n'-terminated unless at EOF. */
  | { kind: 'lines'; buffer: ArrayBuffer; offset: number; length: number }
  /** A line over maxLineBytes, skipped (never held whole). */
  | { kind: 'oversize'; bytes: number };

export interface PieceOptions {
  maxLineBytes: number;
  /** Read size; pieces are about this big. */
  chunkBytes?: number;
  /** stdin replacement (tests). */
  stdin?: Readable;
}

const NL = 0x0a;
const CHUNK_BYTES = 1024 * 1024;

/** Fills `buf[off, off+len)` with up to `len` bytes; 0 at the end of input. */
type ReadInto = (buf: Buffer, off: number, len: number) => Promise<number>;

function fileReader(fh: FileHandle): ReadInto {
  return async (buf, off, len) => (await fh.read(buf, off, len, null)).bytesRead;
}

/** Stream chunks (gunzip output, stdin) copied into our buffers: a stream may reuse or pool its own. */
function streamReader(stream: Readable): ReadInto {
  const it = stream[Symbol.asyncIterator]();
  let chunk: Buffer | null = null;
  let at = 0;
  return async (buf, off, len) => {
    while (chunk === null || at >= chunk.length) {
      const next = await it.next();
      if (next.done) return 0;
      chunk = typeof next.value === 'string' ? Buffer.from(next.value) : (next.value as Buffer);
      at = 0;
    }
    const n = Math.min(len, chunk.length - at);
    chunk.copy(buf, off, at, at + n);
    at += n;
    return n;
  };
}

async function isGzip(fh: FileHandle): Promise<boolean> {
  const head = Buffer.alloc(2);
  const { bytesRead } = await fh.read(head, 0, 2, 0);
  return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Pieces of `path` in order; rejects when it cannot be opened or read (a corrupt .gz included). */
export async function* readPieces(path: string, o: PieceOptions): AsyncGenerator<Piece> {
  let fh: FileHandle | null = null;
  const streams: Readable[] = [];
  try {
    let read: ReadInto;
    if (path === '-') {
      read = streamReader(o.stdin ?? process.stdin);
    } else {
      fh = await open(path, 'r');
      if (await isGzip(fh)) {
        await fh.close();
        fh = null;
        const file = createReadStream(path, { highWaterMark: o.chunkBytes ?? CHUNK_BYTES });
        const gunzip = createGunzip({ chunkSize: o.chunkBytes ?? CHUNK_BYTES });
        file.on('error', (err) => gunzip.destroy(err));
        streams.push(file, gunzip);
        read = streamReader(file.pipe(gunzip));
      } else {
        read = fileReader(fh);
      }
    }
    yield* cut(read, o.maxLineBytes, o.chunkBytes ?? CHUNK_BYTES);
  } finally {
    for (const stream of streams) stream.destroy();
    await fh?.close();
  }
}

/**
 * buf[0, used) always holds the start of an unterminated line (read but not yet handed on). A line that
 * outgrows maxLineBytes is dropped from the buffer and only its length is counted until its newline.
 */
async function* cut(read: ReadInto, maxLineBytes: number, chunkBytes: number): AsyncGenerator<Piece> {
  let buf = Buffer.allocUnsafeSlow(chunkBytes);
  let used = 0;
  let skipped = -1;
  for (;;) {
    if (skipped < 0 && used > maxLineBytes) {
      skipped = used;
      used = 0;
    }
    if (buf.length - used < chunkBytes / 2) {
      // A long line: grow (up to maxLineBytes plus a chunk) rather than read in slivers.
      const bigger = Buffer.allocUnsafeSlow(used + chunkBytes);
      buf.copy(bigger, 0, 0, used);
      buf = bigger;
    }
    const n = await read(buf, used, buf.length - used);
    if (n === 0) break;
    const end = used + n;
    let pos = 0;
    if (skipped >= 0) {
      const nl = buf.indexOf(NL, used);
      if (nl < 0 || nl >= end) {
        skipped += n;
        continue;
      }
      yield { kind: 'oversize', bytes: skipped + nl };
      skipped = -1;
      pos = nl + 1;
    }
    const last = buf.lastIndexOf(NL, end - 1);
    if (last < pos) {
      // No complete line yet: keep the partial one at the front.
      if (pos > 0) buf.copy(buf, 0, pos, end);
      used = end - pos;
      continue;
    }
    const next = Buffer.allocUnsafeSlow(Math.max(chunkBytes, end - last - 1));
    used = buf.copy(next, 0, last + 1, end);
    yield* linesOf(buf, pos, last + 1, maxLineBytes);
    buf = next;
  }
  if (skipped >= 0) yield { kind: 'oversize', bytes: skipped };
  else if (used > maxLineBytes) yield { kind: 'oversize', bytes: used };
  else if (used > 0) yield { kind: 'lines', buffer: buf.buffer as ArrayBuffer, offset: buf.byteOffset, length: used };
}

/** buf[from, to) as one piece; only when a line in it can exceed maxLineBytes is it split line by line. */
function* linesOf(buf: Buffer, from: number, to: number, maxLineBytes: number): Generator<Piece> {
  if (to - from <= maxLineBytes + 1) {
    yield { kind: 'lines', buffer: buf.buffer as ArrayBuffer, offset: buf.byteOffset + from, length: to - from };
    return;
  }
  let runStart = from;
  let s = from;
  const run = (end: number): Piece => {
    const copy = Buffer.allocUnsafeSlow(end - runStart);
    buf.copy(copy, 0, runStart, end);
    return { kind: 'lines', buffer: copy.buffer as ArrayBuffer, offset: copy.byteOffset, length: copy.length };
  };
  while (s < to) {
    const nl = buf.indexOf(NL, s);
    if (nl - s > maxLineBytes) {
      if (s > runStart) yield run(s);
      yield { kind: 'oversize', bytes: nl - s };
      runStart = nl + 1;
    }
    s = nl + 1;
  }
  if (to > runStart) yield run(to);
}
