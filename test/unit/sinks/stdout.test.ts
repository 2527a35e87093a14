import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStdoutSink } from '../../../src/sinks/stdout/index.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { makeAlert } from './make-alert.js';

/** The sink's deps, with its log lines kept. */
function sinkDeps() {
  const lines: Array<{ level: number; msg: string; alerts?: number }> = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, metrics: createMetrics(), lines };
}

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
    const sink = createStdoutSink(s.stream, sinkDeps());
    await sink.start();
    expect(await sink.send(makeAlert(1))).toEqual({ status: 'ok' });
    expect(await sink.send(makeAlert(2, 'low'))).toEqual({ status: 'ok' });
    const lines = s.chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual([makeAlert(1), makeAlert(2, 'low')]);
  });

  it('waits for drain when the reader is slow (back-pressure), and sends once released', async () => {
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

  it('counts a line whose write failed after send said ok when it fails (write_failed), and the flush not again', async () => {
    // The reader goes away after the line was buffered: the write fails a moment later.
    const stream = new Writable({
      highWaterMark: 1 << 20,
      write(_c, _e, cb) {
        setTimeout(() => cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })), 5);
      },
    });
    const deps = sinkDeps();
    const sink = createStdoutSink(stream, deps);
    await sink.start();
    expect(await sink.send(makeAlert(1))).toEqual({ status: 'ok' });
    await new Promise((r) => setTimeout(r, 30));
    const dropped = async () =>
      (await deps.metrics.registry.getSingleMetric('exfilwatch_alerts_dropped_total')?.get())?.values;
    expect(await dropped()).toEqual([{ labels: { sink: 'stdout', reason: 'write_failed' }, value: 1 }]);
    await sink.flush(50);
    expect(await dropped()).toEqual([{ labels: { sink: 'stdout', reason: 'write_failed' }, value: 1 }]);
    expect(deps.lines.filter((l) => l.level === 50)).toHaveLength(1);
  });

  it('counts and logs, at the flush deadline, the alerts it accepted that the stream never wrote', async () => {
    // A reader that stopped reading: the stream buffers the lines (send says ok) and never writes them. They
    // died with the process at exit, in no count and no log line.
    const stream = new Writable({ highWaterMark: 1 << 20, write: () => undefined });
    const deps = sinkDeps();
    const sink = createStdoutSink(stream, deps);
    await sink.start();
    for (const i of [1, 2, 3]) expect(await sink.send(makeAlert(i))).toEqual({ status: 'ok' });
    await sink.flush(50);
    const dropped = await deps.metrics.registry.getSingleMetric('exfilwatch_alerts_dropped_total')?.get();
    expect(dropped?.values).toEqual([{ labels: { sink: 'stdout', reason: 'shutdown' }, value: 3 }]);
    expect(deps.lines.filter((l) => l.level === 50).map((l) => l.alerts)).toEqual([3]);
  });

  it('flush waits for the stream to write what it accepted, and then counts nothing', async () => {
    const s = slowStream(1 << 20);
    const deps = sinkDeps();
    const sink = createStdoutSink(s.stream, deps);
    await sink.start();
    expect(await sink.send(makeAlert(1))).toEqual({ status: 'ok' });
    setTimeout(() => s.resume(), 20);
    await sink.flush(5000);
    expect(s.chunks).toHaveLength(1);
    const dropped = await deps.metrics.registry.getSingleMetric('exfilwatch_alerts_dropped_total')?.get();
    expect(dropped?.values).toEqual([]);
    expect(deps.lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
