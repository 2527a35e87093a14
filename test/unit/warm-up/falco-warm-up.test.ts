/**
 * The start-up warm-up's Falco stream (src/warm-up/falco-stream.ts): http_output bodies the receiver's own
 * ingest step accepts, in the real mix of kinds with a node's values, and the warm-up runs it (alone or with
 * Tetragon's) bounded as ever; which streams a daemon's sources call for.
 */
import { describe, expect, it } from 'vitest';
import { buildSources } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { ingestBody } from '../../../src/sources/falco-http/ingest.js';
import { sourceDefinitions } from '../../../src/sources/index.js';
import type { SourceOutput } from '../../../src/sources/types.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { syntheticFalcoStream } from '../../../src/warm-up/falco-stream.js';
import { warmUp } from '../../../src/warm-up/index.js';
import { warmUpStreamsFor } from '../../../src/warm-up/streams.js';

const clock = { now: () => 1_764_000_000_000 };

function collect(bodies: string[]): { events: NormalizedEvent[]; errors: string[]; ignored: number } {
  const events: NormalizedEvent[] = [];
  const errors: string[] = [];
  let ignored = 0;
  const out: SourceOutput = {
    offer: (e) => events.push(e) > 0,
    decodeError: (e) => {
      errors.push(e.message);
    },
    ignored: () => {
      ignored++;
    },
    connection: () => undefined,
    waitForRoom: async () => undefined,
  };
  for (const body of bodies) ingestBody(body, 'json', out, { node: 'n' });
  return { events, errors, ignored };
}

describe('synthetic Falco warm-up stream', () => {
  it('is accepted by the receiver in full, in the real mix of kinds, with a node values', () => {
    const start = clock.now();
    const s = syntheticFalcoStream(120, 8, start);
    const { events, errors, ignored } = collect(s.bodies);
    expect(errors).toEqual([]);
    expect(ignored).toBe(0);
    expect(events).toHaveLength(120);
    const kinds = new Map<string, number>();
    for (const e of events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    // Of every 30: 2 execs, 1 exit, 7 net (5 sends, 1 close, 1 connect), 20 reads (one by a host process).
    expect(Object.fromEntries(kinds)).toEqual({ exec: 8, exit: 4, net: 28, file: 80 });
    const withContainer = events.filter((e) => e.kind !== 'gap' && e.container !== null);
    expect(new Set(withContainer.map((e) => (e.kind === 'gap' ? '' : e.container!.id))).size).toBe(8);
    expect(events.filter((e) => e.kind !== 'gap' && e.container === null)).toHaveLength(4);
    // Pids as a busy node's (Falco keys processes by pid): beyond 2^20, not small integers only.
    expect(events.some((e) => e.kind !== 'gap' && (e.process.pid ?? 0) > 1_048_576)).toBe(true);
    const labelSets = new Set(
      events.map((e) => (e.kind !== 'gap' && e.pod?.labels ? Object.keys(e.pod.labels).join() : '')),
    );
    expect(labelSets.size).toBeGreaterThanOrEqual(4);
    expect(events[0]!.timeMs).toBe(start);
    for (let i = 1; i < events.length; i++) expect(events[i]!.timeMs).toBeGreaterThanOrEqual(events[i - 1]!.timeMs);
  });
});

describe('warmUp with the Falco stream', () => {
  const config = parseConfig({});

  it('runs it through the receiver ingest and the correlator with nothing skipped, up to its event bound', async () => {
    const r = await warmUp(config, { clock }, { streams: ['falco'], maxEvents: 1_024, budgetMs: 60_000 });
    expect(r.events).toBe(1_024);
    expect(r.decodeErrors).toBe(0);
    expect(r.ignored).toBe(0);
    expect(Object.keys(r.byKind).sort()).toEqual(['exec', 'exit', 'file', 'net']);
    expect(r.alerts).toBe(0);
  });

  it('runs both streams in turn when asked, bounded by the one event count and time budget', async () => {
    const both = await warmUp(
      config,
      { clock },
      { streams: ['tetragon', 'falco'], maxEvents: 2_048, budgetMs: 60_000 },
    );
    expect(both.events).toBe(2_048);
    expect(both.decodeErrors).toBe(0);
    expect(both.alerts).toBe(0);
    const none = await warmUp(config, { clock }, { streams: ['falco'], budgetMs: 0 });
    expect(none.events).toBe(0);
  });
});

describe('warmUpStreamsFor', () => {
  it('names each stream the sources declare, once, and none when none declares one', () => {
    expect(warmUpStreamsFor([{ warmUpStream: 'tetragon' }])).toEqual(['tetragon']);
    expect(warmUpStreamsFor([{ warmUpStream: 'falco' }, { warmUpStream: 'falco' }])).toEqual(['falco']);
    expect(warmUpStreamsFor([{ warmUpStream: 'falco' }, { warmUpStream: 'tetragon' }])).toEqual(['tetragon', 'falco']);
    expect(warmUpStreamsFor([{}, { warmUpStream: undefined }])).toEqual([]);
  });

  it('the streaming sources declare their wire format; file sources none', () => {
    const deps = { logger: createLogger('silent'), metrics: createMetrics(), clock, node: 'n' };
    const config = parseConfig({
      sources: {
        tetragonGrpc: [{ address: 'unix:///run/t.sock' }],
        falcoHttp: [{ listen: '127.0.0.1:0' }],
        falcoGrpc: [{ address: 'unix:///run/f.sock' }],
        tetragonFile: [{ path: '/tmp/x.jsonl' }],
      },
    });
    const built = buildSources(config, deps);
    // Every type of the registry is built here: a new source type fails this test until it is added above and
    // below, with its choice made (a streaming source that declares no stream is never warmed up, silently).
    expect(built.map((s) => s.type).sort()).toEqual(sourceDefinitions.map((d) => d.type).sort());
    const declared = Object.fromEntries(built.map((s) => [s.type, s.warmUpStream ?? null]));
    expect(declared).toEqual({
      'tetragon-grpc': 'tetragon',
      'falco-http': 'falco',
      'falco-grpc': 'falco',
      'tetragon-file': null,
    });
  });
});
