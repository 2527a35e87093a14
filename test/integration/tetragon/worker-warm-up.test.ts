/**
 * The ingest worker's warm-up (EventSource.warmUp → warm-transport.ts): the worker receives a synthetic
 * stream over loopback through its real receive path before its real call. None of it may reach the
 * pipeline, and the real stream that follows must be exactly what an unwarmed worker delivers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeTetragonJson, tetragonJsonToProto } from '../../../src/formats/tetragon/index.js';
import { type ReplayItem, startTetragonReplayServer } from '../../../src/sensors-sim/tetragon-replay-server.js';
import { createTetragonGrpcSource, tetragonGrpcConfigSchema } from '../../../src/sources/tetragon-grpc/index.js';
import { allSamples } from '../../fixtures/tetragon/samples.js';
import { createHarness, type Harness } from './harness.js';

const jsonEvents = allSamples().map((s) => s.json);
const stream: ReplayItem[] = [];
for (let round = 0; round < 30; round++) stream.push(...jsonEvents.map(tetragonJsonToProto));
const expectedEvents = jsonEvents.filter((j) => normalizeTetragonJson(j, { node: 'test-node' }) !== null).length * 30;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function replayServer(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-warm-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startTetragonReplayServer({ address: `unix://${join(dir, 't.sock')}`, events: stream });
  cleanups.push(() => server.close());
  return server.address;
}

/** Streams the replay through a fresh source, warmed up first with `budgetMs` (null: not at all). */
async function drain(address: string, budgetMs: number | null, worker = true): Promise<Harness> {
  const h = createHarness();
  const source = createTetragonGrpcSource(
    tetragonGrpcConfigSchema.parse({ address, worker, connectTimeoutMs: 2000 }),
    h.deps,
  );
  if (budgetMs !== null) await source.warmUp?.(budgetMs);
  h.start(source);
  cleanups.push(() => h.stop());
  await h.waitFor(() => h.events.length >= expectedEvents, 'the whole stream', 20_000);
  // Anything after the stream (a leaked warm-up message arriving late) would show here.
  await new Promise((r) => setTimeout(r, 100));
  return h;
}

const warmLogs = (h: Harness) => h.logs.filter((l) => String(l.msg).startsWith('ingest worker warm'));

describe('tetragon-grpc ingest worker warm-up', () => {
  it('receives its synthetic stream through the worker, and none of it reaches the pipeline', async () => {
    const address = await replayServer();
    const cold = await drain(address, null);
    const warm = await drain(address, 5_000);
    const logged = warmLogs(warm);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ msg: 'ingest worker warmed up', messages: 20_000 });
    expect(warm.events).toHaveLength(expectedEvents);
    expect(warm.events).toEqual(cold.events);
    expect(warmLogs(cold)).toHaveLength(0);
  });

  it('stops at its time budget and streams anyway, saying so', async () => {
    const address = await replayServer();
    const h = await drain(address, 1);
    const logged = warmLogs(h);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ msg: 'ingest worker warm-up ended early; streaming anyway' });
    expect(String(logged[0]!.problem)).toMatch(/time budget of 1 ms/);
    expect(logged[0]!.messages as number).toBeLessThan(20_000);
    expect(h.events).toHaveLength(expectedEvents);
  });

  it('does nothing without an ingest worker', async () => {
    const address = await replayServer();
    const h = await drain(address, 5_000, false);
    expect(warmLogs(h)).toHaveLength(0);
    expect(h.events).toHaveLength(expectedEvents);
  });
});
