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
import { gunzippedIfGzip, startsWithGzipMagic } from '../io/gunzip-stream.js';

export type Piece =
  /** `length` bytes at `offset` of `buffer`: one or more lines, the last one '\n'-terminated unless at EOF. */
  | { kind: 'lines'; buffer: ArrayBuffer; offset: number; length: number }
  /** A line over maxLineBytes, skipped (never held whole). */
  | { kind: 'oversize'; bytes: number };

/**
 * Read buffers handed back once their piece is parsed (here or by a worker, which transfers it back), so a
 * scan cycles through a few of them instead of allocating one per MiB read: freed ArrayBuffers are
 * external memory V8 collects late, and RSS grew by ~120 MB over a 364 MB file without this.
 */
export class ReadBuffers {
  private readonly free: ArrayBuffer[] = [];
  constructor(
    readonly bytes: number,
    private readonly keep: number,
  ) {}

  take(): Buffer {
    const ab = this.free.pop();
    return ab ? Buffer.from(ab) : Buffer.allocUnsafeSlow(this.bytes);
  }

  /** Any buffer may be offered: only whole read buffers (not detached, not a copy) are kept. */
  give(ab: ArrayBufferLike): void {
    if (ab.byteLength === this.bytes && this.free.length < this.keep && ab instanceof ArrayBuffer) this.free.push(ab);
  }
}

export interface PieceOptions {
  maxLineBytes: number;
  /** Where reads come from and parsed pieces go back (its size is the read size plus carry room). */
  buffers?: ReadBuffers;
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
function streamReader(stream: AsyncIterable<unknown>): ReadInto {
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
  return startsWithGzipMagic(head.subarray(0, bytesRead));
}

/** Pieces of `path` in order; rejects when it cannot be opened or read (a corrupt .gz included). */
export async function* readPieces(path: string, o: PieceOptions): AsyncGenerator<Piece> {
  let fh: FileHandle | null = null;
  const streams: Readable[] = [];
  try {
    let read: ReadInto;
    if (path === '-') {
      read = streamReader(await gunzippedIfGzip(o.stdin ?? process.stdin, o.chunkBytes ?? CHUNK_BYTES, streams));
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
    const chunkBytes = o.chunkBytes ?? CHUNK_BYTES;
    yield* cut(read, o.maxLineBytes, chunkBytes, o.buffers ?? new ReadBuffers(readBufferBytes(chunkBytes), 0));
  } finally {
    for (const stream of streams) stream.destroy();
    await fh?.close();
  }
}

/** Room kept before each read's bytes for the unterminated line carried over from the previous read. */
const CARRY_ROOM = 64 * 1024;
const carryRoom = (chunkBytes: number) => Math.min(CARRY_ROOM, chunkBytes);

/** Size of one read buffer for reads of `chunkBytes` (default 1 MiB). */
export const readBufferBytes = (chunkBytes = CHUNK_BYTES) => carryRoom(chunkBytes) + chunkBytes;
const EMPTY = Buffer.alloc(0);

/**
 * The next read is always in flight while the current one is cut and handed on (a page-cache read of
 * 1 MiB takes ~0.5 ms on the thread pool, off the main thread, which correlates). Each read lands after CARRY_ROOM spare bytes, where the start of a line cut by the
 * previous read is copied, so a piece is contiguous without copying the read. A carried line longer than
 * that room is joined with a copy; one longer than maxLineBytes is dropped and only its length counted.
 */
async function* cut(
  read: ReadInto,
  maxLineBytes: number,
  chunkBytes: number,
  buffers: ReadBuffers,
): AsyncGenerator<Piece> {
  const room = carryRoom(chunkBytes);
  if (buffers.bytes !== room + chunkBytes) throw new Error('read buffers of the wrong size');
  const readAhead = async () => {
    const buf = buffers.take();
    return { buf, n: await read(buf, room, chunkBytes) };
  };
  let carry: Buffer = EMPTY;
  /** ≥ 0 inside a line over maxLineBytes: its length so far. */
  let skipped = -1;
  let next = readAhead();
  for (;;) {
    const { buf, n } = await next;
    if (n === 0) break;
    next = readAhead();
    // A failed read-ahead is reported when it is awaited, not as unhandled meanwhile.
    next.catch(() => undefined);
    let data = buf;
    let pos = room - carry.length;
    let end = room + n;
    if (carry.length > room) {
      data = Buffer.allocUnsafeSlow(carry.length + n);
      carry.copy(data, 0);
      buf.copy(data, carry.length, room, room + n);
      pos = 0;
      end = data.length;
    } else if (carry.length > 0) {
      carry.copy(buf, pos);
    }
    carry = EMPTY;
    if (skipped >= 0) {
      const nl = data.indexOf(NL, pos);
      if (nl < 0 || nl >= end) {
        skipped += n;
        continue;
      }
      yield { kind: 'oversize', bytes: skipped + (nl - pos) };
      skipped = -1;
      pos = nl + 1;
    }
    // Bytes before `pos` are spare room (not input): a newline found there is no line end.
    const last = data.lastIndexOf(NL, end - 1);
    const restFrom = last < pos ? pos : last + 1;
    if (end - restFrom > maxLineBytes) skipped = end - restFrom;
    else if (end > restFrom) {
      // Unpooled: at the end of input it is handed over (transferred) as the last piece.
      carry = Buffer.allocUnsafeSlow(end - restFrom);
      data.copy(carry, 0, restFrom, end);
    }
    if (last >= pos) yield* linesOf(data, pos, last + 1, maxLineBytes);
  }
  if (skipped >= 0) yield { kind: 'oversize', bytes: skipped };
  else if (carry.length > 0) {
    yield { kind: 'lines', buffer: carry.buffer as ArrayBuffer, offset: carry.byteOffset, length: carry.length };
  }
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
