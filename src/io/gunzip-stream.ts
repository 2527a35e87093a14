/**
 * A stream whose bytes may be gzip: told by its first bytes (gzip's magic, 1f 8b), as files are, so
 * `cat export.gz | exfilwatch scan -` reads the lines inside rather than counting every byte of the archive
 * as undecodable lines. Files are sniffed with a positioned read; a stream cannot be re-read, so its first
 * bytes are taken and handed on ahead of the rest.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** gzip's magic (RFC 1952: ID1 0x1f, ID2 0x8b) at the start of `head`: how a file or stream is told to be gzip. */
export function startsWithGzipMagic(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

const toBuffer = (chunk: unknown): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));

/**
 * The stream's bytes, gunzipped when they start with gzip's magic. Streams made here are added to
 * `streams` (the caller destroys them when done); a corrupt or cut gzip rejects the iteration with zlib's
 * error (`Z_DATA_ERROR`, `Z_BUF_ERROR`), as for a file.
 */
export async function gunzippedIfGzip(
  input: Readable,
  chunkBytes: number,
  streams: Readable[],
): Promise<AsyncIterable<Buffer>> {
  const it = input[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (head.length < 2 && !done) {
    const next = await it.next();
    if (next.done) done = true;
    else head = head.length === 0 ? toBuffer(next.value) : Buffer.concat([head, toBuffer(next.value)]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (let next = await it.next(); !next.done; next = await it.next()) yield toBuffer(next.value);
  }
  if (!startsWithGzipMagic(head)) return all();
  const source = Readable.from(all(), { objectMode: false });
  const gunzip = createGunzip({ chunkSize: chunkBytes });
  source.on('error', (err) => gunzip.destroy(err));
  streams.push(source, gunzip);
  return source.pipe(gunzip);
}
