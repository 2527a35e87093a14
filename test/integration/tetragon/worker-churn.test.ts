/**
 * An agent that accepts and drops every connection, hundreds of times over days. The source keeps its
 * ingest worker across those attempts now (worker-kept.test.ts), but what a reconnect leaves behind in the
 * main isolate must go with it, or the daemon grows by one object graph per reconnect. When each attempt
 * started a worker, under tsx (the sources run as TypeScript: tests, `node --import
 * tsx src/cli/main.ts run`) each worker used to register tsx's ESM loader, which runs the loader hooks in
 * a thread of the worker's own; Node 20 registers that thread's port in the main thread's port table and
 * never removes it once the worker is terminated: one MessagePort (~1.2 KB with its listeners) per
 * reconnect, for good (the heap grew 15.5 → 16.3 MB over 350 reconnects after forced GCs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTetragonGrpcSource, tetragonGrpcConfigSchema } from '../../../src/sources/tetragon-grpc/index.js';
import { createHarness } from './harness.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** MessagePort objects alive on this isolate's heap after a full GC (inspector: Runtime.queryObjects). */
async function liveMessagePorts(): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.collectGarbage');
    const proto = await session.post('Runtime.evaluate', { expression: 'MessagePort.prototype' });
    const found = await session.post('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId! });
    const length = await session.post('Runtime.callFunctionOn', {
      objectId: found.objects.objectId!,
      functionDeclaration: 'function () { return this.length; }',
      returnByValue: true,
    });
    return length.result.value as number;
  } finally {
    session.disconnect();
  }
}

describe('tetragon-grpc ingest worker churn', () => {
  it('leaves no MessagePort behind per reconnect: the count after 30 more is back at its baseline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-churn-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sock = join(dir, 'agent.sock');
    // Accepts (the probe passes, a worker starts) and hangs up at once: the worker's channel never gets ready.
    const agent = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => agent.listen(sock, resolve));
    cleanups.push(() => new Promise((resolve) => agent.close(resolve)));

    const h = createHarness();
    const config = tetragonGrpcConfigSchema.parse({
      address: `unix://${sock}`,
      reconnectMinMs: 1,
      reconnectMaxMs: 5,
      connectTimeoutMs: 200,
    });
    h.start(createTetragonGrpcSource(config, h.deps));
    cleanups.push(() => h.stop());

    const reconnects = () => h.logs.filter((l) => /retrying$/.test(l.msg)).length;
    // The worker compiles its TypeScript under tsx: ~0.1 s on an idle box, several times that on a loaded one.
    await h.waitFor(() => reconnects() >= 5, '5 reconnects', 20_000);
    const baseline = await liveMessagePorts();
    await h.waitFor(() => reconnects() >= 35, '35 reconnects', 45_000);
    const after = await liveMessagePorts();
    // A worker alive in one sample only may hold its ports there: a few either way, not one per reconnect.
    expect(after - baseline).toBeLessThanOrEqual(3);
    expect(h.up()).toBe(false);
  }, 90_000);
});
