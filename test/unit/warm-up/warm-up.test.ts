/**
 * The start-up warm-up (src/warm-up): its synthetic stream is what the wire normalizer accepts, in the
 * real stream's mix of kinds, and the run is bounded by its event count and its time budget.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { normalizeTetragonRange } from '../../../src/formats/tetragon/from-wire.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { warmUp } from '../../../src/warm-up/index.js';
import {
  asGrpcFrames,
  sharedTetragonWarmUpStream,
  syntheticTetragonStream,
  WARM_UP_STREAM_MESSAGES,
} from '../../../src/warm-up/synthetic-stream.js';

const clock = { now: () => 1_764_000_000_000 };

describe('synthetic warm-up stream', () => {
  it('normalizes every message, in the real mix of kinds, over the requested containers and times', () => {
    const start = clock.now();
    const s = syntheticTetragonStream(120, 8, start);
    const events: NormalizedEvent[] = [];
    for (let i = 0; i < 120; i++) {
      const e = normalizeTetragonRange(s.bytes, s.ranges[i * 2]!, s.ranges[i * 2 + 1]!, { node: 'n' });
      expect(e, `message ${i}`).not.toBeNull();
      events.push(e!);
    }
    const kinds = new Map<string, number>();
    for (const e of events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    // Of every 30 messages: 2 execs, 1 exit, 7 net (6 sends, 1 connect), 20 reads (one by a host process).
    expect(Object.fromEntries(kinds)).toEqual({ exec: 8, exit: 4, net: 28, file: 80 });
    // 8 containers, and host processes (no container) in 1 message of 30.
    const containers = new Set(events.map((e) => (e.kind === 'gap' ? undefined : (e.container?.id ?? null))));
    expect(containers.size).toBe(9);
    expect(events.filter((e) => e.kind !== 'gap' && e.container === null)).toHaveLength(4);
    // Values in a real node's ranges (V8 compiles for what it sees): cookies are kernel addresses beyond 2^63,
    // pods carry their controllers' label sets, a container's init has the runtime shim as its parent.
    const cookies = events.flatMap((e) => (e.kind === 'net' && e.net.cookie ? [BigInt(e.net.cookie)] : []));
    expect(cookies.length).toBe(28);
    for (const c of cookies) expect(c >= 2n ** 63n).toBe(true);
    expect(new Set(cookies.map((c) => c & 0xffffffffn)).size).toBeGreaterThan(4);
    const labelSets = new Set(
      events.map((e) => (e.kind !== 'gap' && e.pod?.labels ? Object.keys(e.pod.labels).join() : '')),
    );
    expect(labelSets.size).toBeGreaterThanOrEqual(4);
    expect(events.some((e) => e.kind !== 'gap' && e.process.parentBinary === '/usr/bin/containerd-shim-runc-v2')).toBe(
      true,
    );
    expect(events[0]!.timeMs).toBe(start);
    for (let i = 1; i < events.length; i++) expect(events[i]!.timeMs).toBeGreaterThanOrEqual(events[i - 1]!.timeMs);
    expect(events.at(-1)!.timeMs - start).toBeCloseTo(s.spanMs, 0);
    const read = events.find((e) => e.kind === 'file');
    expect(read?.kind === 'file' && read.file.op === 'read' && read.file.bytes! > 0).toBe(true);
  });
});

describe('the start-up warm-up stream', () => {
  it('is built once for the app warm-up and the ingest worker while one of them holds it', () => {
    const first = sharedTetragonWarmUpStream();
    expect(sharedTetragonWarmUpStream()).toBe(first);
    expect(first.ranges.length / 2).toBe(WARM_UP_STREAM_MESSAGES);
  });

  it('goes to the ingest worker as gRPC frames: [0][u32 length][message] per message, same bytes', () => {
    const stream = sharedTetragonWarmUpStream();
    const frames = asGrpcFrames(stream);
    let pos = 0;
    for (let i = 0; i < stream.ranges.length / 2; i++) {
      const start = stream.ranges[i * 2]!;
      const end = stream.ranges[i * 2 + 1]!;
      expect(frames[pos]).toBe(0);
      expect(frames.readUInt32BE(pos + 1)).toBe(end - start);
      expect(frames.subarray(pos + 5, pos + 5 + end - start).equals(stream.bytes.subarray(start, end))).toBe(true);
      pos += 5 + end - start;
    }
    expect(pos).toBe(frames.length);
  });
});

describe('warmUp', () => {
  const config = parseConfig({});

  it('runs the stream through normalizer and correlator with nothing skipped, up to its event bound', async () => {
    const r = await warmUp(config, { clock }, { maxEvents: 1_024, budgetMs: 60_000 });
    expect(r.events).toBe(1_024);
    expect(r.stoppedBy).toBe('maxEvents');
    expect(r.decodeErrors).toBe(0);
    expect(r.ignored).toBe(0);
    expect(Object.keys(r.byKind).sort()).toEqual(['exec', 'exit', 'file', 'net']);
    expect(r.alerts).toBe(0);
  });

  it('goes on past one round of distinct messages', async () => {
    // 256 distinct messages per round: 2,048 events are 8 rounds, all correlated.
    const r = await warmUp(config, { clock }, { maxEvents: 2_048, budgetMs: 60_000 });
    expect(r.events).toBe(2_048);
    expect(r.byKind.file).toBeGreaterThan(1_300);
  });

  it('does not depend on the injected clock (a replay clock reads NaN before its replay starts)', async () => {
    const r = await warmUp(config, { clock: { now: () => Number.NaN } }, { maxEvents: 512, budgetMs: 60_000 });
    expect(r.events).toBe(512);
    expect(r.decodeErrors).toBe(0);
  });

  it('starts no batch once its time budget is spent', async () => {
    const r = await warmUp(config, { clock }, { budgetMs: 0 });
    expect(r).toMatchObject({ events: 0, stoppedBy: 'budget' });
  });

  it('says it was stopped when the app stops during it', async () => {
    const abort = new AbortController();
    abort.abort();
    const r = await warmUp(config, { clock }, { budgetMs: 60_000, signal: abort.signal });
    expect(r).toMatchObject({ events: 0, stoppedBy: 'aborted' });
  });
});
