/**
 * Hostile frames on the Tetragon gRPC stream, against the real daemon: a grpc-js server with a passthrough
 * serializer sends mutated bytes of real GetEventsResponse encodings (flips, truncations, splices, huge
 * length prefixes, random bytes) mixed with valid ones. The stream survives every frame, and every frame
 * is accounted for: an event, an ignored event, or a counted decode error. A frame over the receive limit
 * ends the stream (grpc-js refuses it): exfilwatch reconnects and counts the gap.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { startTetragonReplayServer } from '../../src/sensors-sim/tetragon-replay-server.js';
import { startDaemon, tempDir, waitFor } from '../faults/helpers/daemon.js';
import { FUZZ_MS, mutatedBytes, tetragonFrames } from './corpus.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('fuzz: Tetragon gRPC frames (real daemon process)', () => {
  it('mutated GetEventsResponse frames: stream stays up, every frame accounted for; an oversized one costs a reconnect', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sock = join(dir, 'tetragon.sock');
    const server = await startTetragonReplayServer({ address: `unix://${sock}`, events: [] });
    cleanups.push(() => server.close());
    const d = await startDaemon(
      {
        sources: { tetragonGrpc: [{ address: `unix://${sock}`, maxReceiveMessageBytes: 1024 * 1024 }] },
        sinks: { stdout: { enabled: true } },
        correlator: { destinations: { dnsRefreshMs: 0 } },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    const up = { source: 'tetragon-grpc' };
    await d.waitForMetric('exfilwatch_source_up', up, (v) => v === 1);
    // The agent sends only to open GetEvents streams: frames pushed before ours is open would go nowhere.
    await waitFor(() => server.activeStreams > 0, 'the GetEvents stream');

    const seeds = tetragonFrames();
    const arb = fc.oneof(
      { weight: 4, arbitrary: mutatedBytes(seeds) },
      { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    );
    const accounted = async () =>
      (await d.metric('exfilwatch_events_total', { source: 'tetragon' })) +
      (await d.metric('exfilwatch_events_dropped_total', { reason: 'ignored' })) +
      (await d.metric('exfilwatch_decode_errors_total', { source: 'tetragon' }));
    let sent = 0;
    const until = Date.now() + FUZZ_MS;
    while (Date.now() < until) {
      const frames = fc.sample(arb, 500);
      server.push(frames);
      sent += frames.length;
      // Keep the sender just ahead of the reader: this is about bad input, not about load.
      await waitFor(async () => (await accounted()) >= sent - 500, 'the daemon to keep up', 20_000);
    }
    await waitFor(async () => (await accounted()) === sent, `${sent} frames accounted for`, 20_000).catch(
      async (e: Error) => {
        throw new Error(`${e.message}: ${await accounted()}`);
      },
    );
    expect(await d.metric('exfilwatch_decode_errors_total', { source: 'tetragon' })).toBeGreaterThan(0);
    expect(await d.metric('exfilwatch_events_total', { source: 'tetragon' })).toBeGreaterThan(0);
    expect(await d.metric('exfilwatch_source_reconnects_total', up)).toBe(0);

    // Over the receive limit: grpc-js ends the call (RESOURCE_EXHAUSTED); we reconnect and mark the gap.
    server.push([Buffer.concat([seeds[0]!, Buffer.alloc(2 * 1024 * 1024)])]);
    await d.waitForMetric('exfilwatch_source_reconnects_total', up, (v) => v === 1, 10_000);
    await d.waitForMetric('exfilwatch_source_up', up, (v) => v === 1);
    expect((await fetch(`${d.base}/healthz`)).status).toBe(200);
    expect(d.alive()).toBe(true);
    expect(d.logs().some((l) => /RESOURCE_EXHAUSTED/.test(String(l.msg)))).toBe(true);
  });
});
