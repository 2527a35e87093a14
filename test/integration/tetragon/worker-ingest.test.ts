/**
 * The tetragon-grpc ingest worker (`worker`, default on) must be invisible in the output: the same stream
 * gives the same normalized events, in the same order, with the same skips, as the main-thread path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeTetragonJson, tetragonJsonToProto } from '../../../src/formats/tetragon/index.js';
import { type ReplayItem, startTetragonReplayServer } from '../../../src/sensors-sim/tetragon-replay-server.js';
import { createTetragonGrpcSource, tetragonGrpcConfigSchema } from '../../../src/sources/tetragon-grpc/index.js';
import { generatedEvents } from '../../fixtures/tetragon/generated.js';
import { allSamples } from '../../fixtures/tetragon/samples.js';
import { createHarness, type Harness, metricValue } from './harness.js';

const jsonEvents = [...allSamples().map((s) => s.json), ...generatedEvents().map(([, j]) => j)];
const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
// More messages than one worker batch holds, with undecodable ones in between.
const stream: ReplayItem[] = [];
for (let round = 0; round < 40; round++) {
  stream.push(...jsonEvents.map(tetragonJsonToProto));
  if (round % 10 === 0) stream.push(garbage);
}

const perRound = jsonEvents.filter((j) => normalizeTetragonJson(j, { node: 'test-node' }) !== null).length;
const expectedEvents = perRound * 40;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function drain(worker: boolean): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-worker-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startTetragonReplayServer({ address: `unix://${join(dir, 't.sock')}`, events: stream });
  cleanups.push(() => server.close());
  const h = createHarness();
  const config = tetragonGrpcConfigSchema.parse({ address: server.address, worker, connectTimeoutMs: 2000 });
  h.start(createTetragonGrpcSource(config, h.deps));
  cleanups.push(() => h.stop());
  await h.waitFor(() => h.events.length >= expectedEvents && h.decodeErrors.length >= 4, 'the whole stream', 20_000);
  return h;
}

describe('tetragon-grpc ingest worker', () => {
  it('delivers exactly what the main-thread path delivers: same events, order, skips and counts', async () => {
    const inThread = await drain(false);
    const inWorker = await drain(true);
    expect(inWorker.events).toHaveLength(expectedEvents);
    expect(inWorker.events).toEqual(inThread.events);
    const skips = (h: Harness) => h.decodeErrors.map((m) => m.replace(/unix:\/\/\S+/, 'ADDR'));
    expect(skips(inWorker)).toEqual(skips(inThread));
    expect(inWorker.decodeErrors).toHaveLength(4);
    const ignored = (h: Harness) => metricValue(h.metrics.eventsDropped, { reason: 'ignored' });
    expect(await ignored(inWorker)).toBe(await ignored(inThread));
    expect(await ignored(inWorker)).toBe((jsonEvents.length - perRound) * 40);
    expect(inWorker.up()).toBe(true);
  });
});
