/**
 * Reads a finite input to its end as lines: a plain file, a gzip file (by magic bytes, so `.gz` with any
 * name works) or stdin (`-`). Back-pressure is natural: the next chunk is read only after the previous
 * one's lines were handled and `waitForRoom` (when given) resolved.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { gunzippedIfGzip, startsWithGzipMagic } from './gunzip-stream.js';
import { createLineSplitter } from './line-splitter.js';
import { yieldToEventLoop } from './sleep.js';

export interface ReadLinesOptions {
  maxLineBytes: number;
  onLine(line: string): void;
  onOversize(bytes: number): void;
  /** Resolves when downstream can take more (the consumer of the lines is slower than the disk). */
  waitForRoom?: () => Promise<void>;
  signal?: AbortSignal;
  /** stdin replacement (tests). */
  stdin?: Readable;
}

const CHUNK_BYTES = 1024 * 1024;

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return startsWithGzipMagic(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

async function openInput(path: string, stdin: Readable, streams: Readable[]): Promise<AsyncIterable<unknown>> {
  if (path === '-') return gunzippedIfGzip(stdin, CHUNK_BYTES, streams);
  const gz = await isGzip(path);
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  if (!gz) return file;
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  file.on('error', (err) => gunzip.destroy(err));
  return file.pipe(gunzip);
}

/** Reads `path` to its end; rejects when it cannot be opened or read (a corrupt .gz included). */
export async function readLines(path: string, o: ReadLinesOptions): Promise<void> {
  const streams: Readable[] = [];
  const input = await openInput(path, o.stdin ?? process.stdin, streams);
  const splitter = createLineSplitter(o);
  try {
    for await (const chunk of input) {
      splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      if (o.signal?.aborted) break;
      if (o.waitForRoom) await o.waitForRoom();
      // Let the consumer drain what these lines produced before reading more.
      await yieldToEventLoop();
    }
    splitter.flush();
  } finally {
    if (path !== '-') (input as Readable).destroy();
    for (const stream of streams) stream.destroy();
  }
}
