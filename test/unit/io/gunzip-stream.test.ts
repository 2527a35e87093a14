/**
 * stdin is gunzipped when it starts with gzip's magic, as files are (`cat export.gz | exfilwatch events -`),
 * whatever sizes its chunks arrive in, and stays as it is otherwise.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../../src/io/read-lines.js';

const text = Array.from({ length: 2000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(i % 97)}"}`).join('\n');

/** `bytes` as a stream of a 1-byte chunk, a 5-byte chunk, then chunks of 4099 bytes. */
function chunked(bytes: Buffer): Readable {
  const chunks = [bytes.subarray(0, 1), bytes.subarray(1, 6)];
  for (let at = 6; at < bytes.length; at += 4099) chunks.push(bytes.subarray(at, at + 4099));
  return Readable.from(chunks);
}

async function linesOf(stdin: Readable): Promise<string[]> {
  const lines: string[] = [];
  await readLines('-', { maxLineBytes: 1 << 20, onLine: (l) => lines.push(l), onOversize: () => undefined, stdin });
  return lines;
}

describe('stdin of JSON lines', () => {
  it('is read through gunzip when it is gzip, to the same lines as the plain text', async () => {
    const plain = await linesOf(chunked(Buffer.from(text)));
    expect(plain).toHaveLength(2000);
    expect(await linesOf(chunked(gzipSync(text)))).toEqual(plain);
  });

  it('keeps a one-byte input and an empty one as they are', async () => {
    expect(await linesOf(Readable.from([Buffer.from('x')]))).toEqual(['x']);
    expect(await linesOf(Readable.from([]))).toEqual([]);
  });

  it('rejects a gzip cut short with zlib’s error', async () => {
    const zipped = gzipSync(text);
    await expect(linesOf(chunked(zipped.subarray(0, zipped.length - 200)))).rejects.toMatchObject({
      code: 'Z_BUF_ERROR',
    });
  });
});
