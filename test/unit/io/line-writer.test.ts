import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLineWriter } from '../../../src/io/line-writer.js';

/** A stream whose reader stopped reading: every write waits, and no 'drain' ever comes. */
function stuckStream(): Writable {
  return new Writable({ highWaterMark: 16, write: () => {} });
}

describe('createLineWriter', () => {
  it('flush resolves when the stream fails while a write waits for drain (EPIPE: `events … | head` ended)', async () => {
    const stream = stuckStream();
    const errors: Error[] = [];
    const out = createLineWriter(stream, { onError: (err) => errors.push(err) });
    out.writeLine('x'.repeat(100));
    const flushed = out.flush().then(() => 'flushed');
    await new Promise((r) => setTimeout(r, 20));
    expect(out.pendingBytes).toBeGreaterThan(0);
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    const outcome = await Promise.race([flushed, new Promise((r) => setTimeout(() => r('still waiting'), 1000))]);
    expect(outcome).toBe('flushed');
    expect(errors.map((e) => e.message)).toEqual(['write EPIPE']);
    expect(out.failed?.message).toBe('write EPIPE');
    expect(out.pendingBytes).toBe(0);
  });
});
