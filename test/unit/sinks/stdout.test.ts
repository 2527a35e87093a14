import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStdoutSink } from '../../../src/sinks/stdout/index.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { makeAlert } from './make-alert.js';

/** The sink's deps, with its log lines kept. */
function sinkDeps() {
  const lines: Array<{ level: number; msg: string; alerts?: number; flushWaitMs?: number; timeoutMs?: number }> = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, metrics: createMetrics(), lines };
}

/** A writable whose consumer is paused until released: the sink must wait for the write. */
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
    const sink = createStdoutSink(s.stream, sinkDeps());
    await sink.start();
    expect(await sink.send(makeAlert(1))).toEqual({ status: 'ok' });
    expect(await sink.send(makeAlert(2, 'low'))).toEqual({ status: 'ok' });
    const lines = s.chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual([makeAlert(1), makeAlert(2, 'low')]);
  });

  it('waits for the write when the reader is slow (back-pressure), and is ok once written', async () => {
    const s = slowStream(16);
    const sink = createStdoutSink(s.stream, sinkDeps());
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

  it('exfilwatch_sink_up{sink="stdout"} is 1 from start while the stream takes lines, 0 once it breaks (EPIPE)', async () => {
    let broken = false;
    const stream = new Writable({
      write(_c, _e, cb) {
        cb(broken ? Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) : null);
      },
    });
    stream.on('error', () => undefined);
    const deps = sinkDeps();
    const up = async () => (await deps.metrics.sinkUp.get()).values.find((v) => v.labels.sink === 'stdout')?.value;
    const sink = createStdoutSink(stream, deps);
    await sink.start();
    expect(await up()).toBe(1);
    expect(await sink.send(makeAlert(1))).toEqual({ status: 'ok' });
    expect(await up()).toBe(1);
    broken = true;
    expect((await sink.send(makeAlert(2))).status).toBe('failed');
    expect(await up()).toBe(0);
  });

  it('fails (not retries) once the stream is broken', async () => {
    const stream = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const sink = createStdoutSink(stream, sinkDeps());
    await sink.start();
    await sink.send(makeAlert(1));
    await new Promise((r) => setImmediate(r));
    const result = await sink.send(makeAlert(2));
    expect(result.status).toBe('failed');
  });

  it('a line whose write fails is a failed send, counted once as dropped (write_failed); the flush not again', async () => {
    // The reader goes away while the line is being written: the write fails a moment later.
    const stream = new Writable({
      highWaterMark: 1 << 20,
      write(_c, _e, cb) {
        setTimeout(() => cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })), 5);
      },
    });
    const deps = sinkDeps();
    const sink = createStdoutSink(stream, deps);
    await sink.start();
    expect((await sink.send(makeAlert(1))).status).toBe('failed');
    const dropped = async () =>
      (await deps.metrics.registry.getSingleMetric('exfilwatch_alerts_dropped_total')?.get())?.values;
    expect(await dropped()).toEqual([{ labels: { sink: 'stdout', reason: 'write_failed' }, value: 1 }]);
    await sink.flush(50);
    expect(await dropped()).toEqual([{ labels: { sink: 'stdout', reason: 'write_failed' }, value: 1 }]);
  });

  it('says ok only once the line is written, so a line still being written at the flush deadline is counted once: dropped, never published after', async () => {
    // A reader that stopped reading: the write never completes. The stream buffering the line used to be
    // enough for ok (counted published), and the flush then counted the same line as dropped.
    let complete: (() => void) | null = null;
    const stream = new Writable({
      highWaterMark: 1 << 20,
      write: (_c, _e, cb) => {
        complete = () => cb();
      },
    });
    const deps = sinkDeps();
    const sink = createStdoutSink(stream, deps);
    await sink.start();
    let settled = false;
    void sink.send(makeAlert(1)).then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    await sink.flush(50);
    const values = async (name: string) => (await deps.metrics.registry.getSingleMetric(name)?.get())?.values;
    expect(await values('exfilwatch_alerts_dropped_total')).toEqual([
      { labels: { sink: 'stdout', reason: 'shutdown' }, value: 1 },
    ]);
    expect(deps.lines.filter((l) => l.level === 50).map((l) => l.alerts)).toEqual([1]);
    // What the flush waited, not the shutdown timeout: at a real stop it is what is left of it, usually 0.
    expect(deps.lines.filter((l) => l.level === 50).map((l) => [l.flushWaitMs, l.timeoutMs])).toEqual([
      [50, undefined],
    ]);
    // The reader takes it after all: already counted as dropped, the send does not say ok (nor fail) now.
    expect(complete).not.toBeNull();
    complete!();
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    await sink.flush(50);
    expect(await values('exfilwatch_alerts_dropped_total')).toEqual([
      { labels: { sink: 'stdout', reason: 'shutdown' }, value: 1 },
    ]);
  });

  it('flush waits for the line being written, which is then ok, and counts nothing', async () => {
    const s = slowStream(1 << 20);
    const deps = sinkDeps();
    const sink = createStdoutSink(s.stream, deps);
    await sink.start();
    const sending = sink.send(makeAlert(1));
    setTimeout(() => s.resume(), 20);
    await sink.flush(5000);
    expect(await sending).toEqual({ status: 'ok' });
    expect(s.chunks).toHaveLength(1);
    const dropped = await deps.metrics.registry.getSingleMetric('exfilwatch_alerts_dropped_total')?.get();
    expect(dropped?.values).toEqual([]);
    expect(deps.lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
