import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStdoutSink } from '../../../src/sinks/stdout/index.js';
import { makeAlert } from './make-alert.js';

/** A writable whose consumer is paused until released: the sink must wait for 'drain'. */
function slowStream(highWaterMark: number) {
  const chunks: string[] = [];
  let release: (() => void) | null = null;
  let paused = true;
  const stream = new Writable({
    highWaterMark,
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      if (paused) release = () => cb();
      else cb();
    },
  });
  return {
    stream,
    chunks,
    resume() {
      paused = false;
      const r = release;
      release = null;
      r?.();
    },
  };
}

describe('stdout sink', () => {
  it('writes one JSON line per alert', async () => {
    const s = slowStream(1 << 20);
    s.resume();
    const sink = createStdoutSink(s.stream);
    await sink.start();
    expect(await sink.send(makeAlert(1))).toEqual({ status: 'ok' });
    expect(await sink.send(makeAlert(2, 'low'))).toEqual({ status: 'ok' });
    const lines = s.chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual([makeAlert(1), makeAlert(2, 'low')]);
  });

  it('waits for drain when the reader is slow (back-pressure), and sends once released', async () => {
    const s = slowStream(16);
    const sink = createStdoutSink(s.stream);
    await sink.start();
    let done = false;
    const sending = sink.send(makeAlert(1)).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    s.resume();
    expect(await sending).toEqual({ status: 'ok' });
  });

  it('fails (not retries) once the stream is broken', async () => {
    const stream = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const sink = createStdoutSink(stream);
    await sink.start();
    await sink.send(makeAlert(1));
    await new Promise((r) => setImmediate(r));
    const result = await sink.send(makeAlert(2));
    expect(result.status).toBe('failed');
  });
});
