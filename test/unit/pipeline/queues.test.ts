import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { BlockingQueue } from '../../../src/pipeline/blocking-queue.js';
import { DropNewestQueue } from '../../../src/pipeline/drop-newest-queue.js';
import { createSourceOutput } from '../../../src/pipeline/source-output.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';

/** A source output on fresh metrics and a small queue, as a source of `type` with this `id` gets it. */
function sourceOutput(id: string, type: 'tetragon-file' | 'file') {
  const metrics = createMetrics();
  const queue = new DropNewestQueue<NormalizedEvent>({ capacity: 64 });
  const out = createSourceOutput({
    id,
    type,
    sensor: 'tetragon',
    node: 'n1',
    queue,
    metrics,
    logger: silentLogger(),
    clock: { now: () => 0 },
  });
  return { out, metrics, queue };
}

describe('DropNewestQueue', () => {
  it('drops the newest when full, counts each drop and puts a gap marker before the next batch', async () => {
    const dropped: number[] = [];
    const q = new DropNewestQueue<number>({
      capacity: 3,
      onDrop: (n) => dropped.push(n),
      makeGap: (count, last) => -1000 * count - last,
    });
    expect([1, 2, 3, 4, 5].map((n) => q.offer(n))).toEqual([true, true, true, false, false]);
    expect(dropped).toEqual([4, 5]);
    expect(await q.take()).toEqual([-2005, 1, 2, 3]);
    q.offer(6);
    expect(await q.take()).toEqual([6]);
  });

  it('wakes a waiting consumer and ends after close once drained', async () => {
    const q = new DropNewestQueue<string>({ capacity: 10 });
    const seen: string[][] = [];
    const done = (async () => {
      for await (const batch of q) seen.push(batch);
    })();
    q.offer('a');
    await new Promise((r) => setTimeout(r, 5));
    q.offer('b');
    q.close();
    await done;
    expect(seen.flat()).toEqual(['a', 'b']);
  });
});

describe('BlockingQueue', () => {
  it('blocks the producer while full and loses nothing', async () => {
    const q = new BlockingQueue<number>(2);
    const order: string[] = [];
    const producer = (async () => {
      for (let i = 0; i < 5; i++) {
        await q.push(i);
        order.push(`pushed ${i}`);
      }
      q.close();
    })();
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(['pushed 0', 'pushed 1']);
    const got: number[] = [];
    for await (const n of q) got.push(n);
    await producer;
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('DropNewestQueue.waitForRoom', () => {
  it('holds a pausable producer until the consumer takes, so nothing is dropped', async () => {
    const q = new DropNewestQueue<number>({ capacity: 4 });
    let produced = 0;
    const producer = (async () => {
      for (let i = 0; i < 20; i++) {
        await q.waitForRoom();
        expect(q.offer(i)).toBe(true);
        produced++;
      }
      q.close();
    })();
    await new Promise((r) => setTimeout(r, 5));
    expect(produced).toBe(2); // paused at half capacity until someone takes
    const got: number[] = [];
    for await (const batch of q) got.push(...batch);
    await producer;
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('DropNewestQueue.take(max)', () => {
  it('hands a backlog over in order, at most max at a time, the gap marker in front of the next piece', async () => {
    const q = new DropNewestQueue<number>({ capacity: 5, makeGap: (count, last) => -1000 * count - last });
    for (let i = 1; i <= 7; i++) q.offer(i); // 6 and 7 dropped
    expect(await q.take(2)).toEqual([-2007, 1, 2]);
    expect(q.size).toBe(3);
    q.offer(8);
    expect(await q.take(2)).toEqual([3, 4]);
    expect(await q.take(2)).toEqual([5, 8]);
    expect(q.size).toBe(0);
  });

  it('releases a paused producer only once the queue is really below its mark', async () => {
    const q = new DropNewestQueue<number>({ capacity: 8 });
    for (let i = 0; i < 6; i++) q.offer(i);
    let released = false;
    const waiting = q.waitForRoom(4).then(() => {
      released = true;
    });
    await q.take(1); // 5 left: not yet
    await Promise.resolve();
    expect(released).toBe(false);
    await q.take(2); // 3 left
    await waiting;
    expect(released).toBe(true);
  });
});

describe('source output bookkeeping', () => {
  it('labels per-source metrics by source type, never by the address (a socket or file path)', async () => {
    const { out, metrics } = sourceOutput('tetragon-file /var/run/cilium/tetragon/tetragon.log', 'tetragon-file');
    out.offer({
      kind: 'gap',
      time: '',
      timeMs: 0,
      source: 'tetragon',
      node: 'n1',
      gap: { dropped: 1, reason: 'sensor_rate_limit' },
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('exfilwatch_component_received_total{component="source:tetragon-file"} 1');
    expect(text).not.toContain('/var/run');
  });
});

describe('decode errors in a file mixing sensors', () => {
  it('are counted under the sensor whose line it was, not the file source type', async () => {
    const { createJsonLinesSource } = await import('../../../src/sources/tetragon-file/index.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-mixed-'));
    const path = join(dir, 'mixed.jsonl');
    // A Falco alert whose evt.time is not a number: recognised as Falco, then refused by its normalizer.
    const badFalco = {
      output: 'x',
      priority: 'Notice',
      rule: 'r',
      time: 'not-a-time',
      output_fields: { 'evt.time': {}, 'evt.type': 'execve' },
    };
    writeFileSync(path, `${JSON.stringify(badFalco)}\n`);
    const { out, metrics } = sourceOutput(`file ${path}`, 'file');
    const source = createJsonLinesSource(
      { paths: [path], format: 'auto', follow: false },
      { logger: silentLogger(), node: 'n1' },
    );
    await source.run(out, new AbortController().signal);
    const text = await metrics.registry.metrics();
    expect(text).toContain('exfilwatch_decode_errors_total{source="falco"} 1');
    expect(text).not.toContain('exfilwatch_decode_errors_total{source="tetragon"}');
  });
});

describe('event counts', () => {
  it('count each event under its own sensor and kind, read back exactly by a scrape', async () => {
    const { out, metrics } = sourceOutput('file /tmp/mixed.jsonl', 'file');
    const gap = (source: 'tetragon' | 'falco'): NormalizedEvent => ({
      kind: 'gap',
      time: '',
      timeMs: 0,
      source,
      node: 'n1',
      gap: { dropped: 0, reason: 'queue_full' },
    });
    for (let i = 0; i < 3; i++) out.offer(gap('tetragon'));
    for (let i = 0; i < 2; i++) out.offer(gap('falco'));
    // Read in the same synchronous run as the offers: nothing may be pending.
    const first = await metrics.registry.metrics();
    expect(first).toContain('exfilwatch_events_total{source="tetragon",kind="gap"} 3');
    expect(first).toContain('exfilwatch_events_total{source="falco",kind="gap"} 2');
    expect(first).toContain('exfilwatch_component_received_total{component="source:file"} 5');
    out.offer(gap('falco'));
    const second = await metrics.registry.metrics();
    expect(second).toContain('exfilwatch_events_total{source="falco",kind="gap"} 3');
    expect(second).toContain('exfilwatch_component_received_total{component="source:file"} 6');
  });
});

describe('a source output says why its source is down (/readyz)', () => {
  it('keeps what a source never up said last, drops it once up, and keeps a later reason when it goes down', () => {
    const { out } = sourceOutput('tetragon-file /var/run/t.log', 'tetragon-file');
    expect(out.status()).toEqual({ up: false });
    // Down from the start: each try's reason is kept, the latest one wins.
    out.connection(false, '/var/run/t.log: ENOENT');
    out.connection(false, '/var/run/t.log: EACCES: permission denied');
    expect(out.status()).toEqual({ up: false, detail: '/var/run/t.log: EACCES: permission denied' });
    out.connection(true, '/var/run/t.log at offset 0');
    expect(out.status()).toEqual({ up: true });
    out.connection(false, '/var/run/t.log: ENOENT');
    expect(out.status()).toEqual({ up: false, detail: '/var/run/t.log: ENOENT' });
    // Up again, then down with nothing said: no reason from before the last time it was up.
    out.connection(true);
    out.connection(false);
    expect(out.status()).toEqual({ up: false });
  });
});
