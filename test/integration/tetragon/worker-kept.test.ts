/**
 * A tetragon-grpc source keeps its ingest worker across reconnects. Starting a worker (an isolate, grpc-js
 * loaded and compiled) is ~70-80 ms of CPU, and a source pointed at another program's gRPC socket (Falco's
 * answers GetEvents with UNIMPLEMENTED) retried with a fresh worker each time: 67-90 CPU ticks in 15 s
 * against 9 with `worker: false` (.tmp/chaos3.ts of the chaos session). Counted here as worker starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tetragonJsonToProto } from '../../../src/formats/tetragon/index.js';
import { startFalcoGrpcServer } from '../../../src/sensors-sim/falco-grpc-server.js';
import { startTetragonReplayServer } from '../../../src/sensors-sim/tetragon-replay-server.js';
import { createTetragonGrpcSource, tetragonGrpcConfigSchema } from '../../../src/sources/tetragon-grpc/index.js';
import { allSamples } from '../../fixtures/tetragon/samples.js';
import { createHarness, type Harness } from './harness.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-kept-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function countWorkers(): { started: number } {
  const count = { started: 0 };
  const onWorker = () => count.started++;
  process.on('worker', onWorker);
  cleanups.push(() => process.off('worker', onWorker));
  return count;
}

function start(address: string): Harness {
  const h = createHarness();
  const config = tetragonGrpcConfigSchema.parse({
    address,
    reconnectMinMs: 1,
    reconnectMaxMs: 5,
    connectTimeoutMs: 500,
  });
  h.start(createTetragonGrpcSource(config, h.deps));
  cleanups.push(() => h.stop());
  return h;
}

const retries = (h: Harness, what: RegExp) => h.logs.filter((l) => /retrying$/.test(l.msg) && what.test(l.msg)).length;

describe('tetragon-grpc ingest worker across reconnects', () => {
  it("retries against Falco's gRPC socket (UNIMPLEMENTED) on the one worker it started", async () => {
    const sock = join(tmp(), 'falco.sock');
    const falco = await startFalcoGrpcServer({ address: `unix://${sock}` });
    cleanups.push(() => falco.stop());
    const workers = countWorkers();
    const h = start(`unix://${sock}`);
    // Each worker compiles its TypeScript under tsx: ~0.1 s on an idle box, several times that on a loaded one.
    await h.waitFor(() => retries(h, /UNIMPLEMENTED/) >= 8, '8 UNIMPLEMENTED retries', 30_000);
    expect(workers.started).toBe(1);
    expect(h.up()).toBe(false);
  }, 60_000);

  it('streams through the kept worker once the agent is back after failed attempts', async () => {
    const sock = join(tmp(), 'agent.sock');
    // Accepts and hangs up at once: the probe passes, the worker's channel never gets ready.
    const dropper = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => dropper.listen(sock, resolve));
    const workers = countWorkers();
    const h = start(`unix://${sock}`);
    await h.waitFor(
      () => retries(h, /no gRPC server answered|UNAVAILABLE|not ready/) >= 3,
      '3 failed attempts',
      30_000,
    );
    await new Promise<void>((resolve) => dropper.close(() => resolve()));
    const events = allSamples().map((s) => tetragonJsonToProto(s.json));
    const agent = await startTetragonReplayServer({ address: `unix://${sock}`, events });
    cleanups.push(() => agent.close());
    await h.waitFor(() => h.events.some((e) => e.kind !== 'gap'), 'a replayed event', 30_000);
    expect(h.up()).toBe(true);
    expect(workers.started).toBe(1);
  }, 60_000);
});
