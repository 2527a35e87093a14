/** Shared block pools: blocks are handed out filled, reused once released, and never overlap. */
import { describe, expect, it } from 'vitest';
import { compileAllowlist } from '../../../src/correlate/allowlist.js';
import { BlockPool } from '../../../src/correlate/blocks.js';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { CorrelationEngine } from '../../../src/correlate/engine.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { brief, MiB, makeCorrelator, Scenario } from './builder.js';

describe('block pool', () => {
  it('hands out disjoint blocks across chunks, each filled with the pool value', () => {
    const pool = new BlockPool(100, (n) => new Float64Array(n), -1);
    const n = pool.perChunk * 2 + 3;
    const handles = Array.from({ length: n }, () => pool.alloc());
    const block = (h: number) => pool.chunkOf(h).subarray(pool.offsetOf(h), pool.offsetOf(h) + pool.blockSize);
    for (const h of handles) {
      expect(block(h).length).toBe(pool.blockSize);
      expect(block(h).every((v) => v === -1)).toBe(true);
    }
    // Each block marked with its handle: any overlap would leave another block's mark in one of them.
    for (const h of handles) block(h).fill(h);
    for (const h of handles) expect(block(h).every((v) => v === h)).toBe(true);
    expect(new Set(handles.map((h) => pool.chunkOf(h))).size).toBe(3);
    expect(pool.live).toBe(n);
  });

  it('a released block comes back refilled (a reused one never shows its previous holder)', () => {
    const pool = new BlockPool(8, (n) => new Uint32Array(n), 0);
    const a = pool.alloc();
    pool.alloc();
    pool.chunkOf(a).fill(7, pool.offsetOf(a), pool.offsetOf(a) + 8);
    pool.release(a);
    expect(pool.live).toBe(1);
    const b = pool.alloc();
    expect(b).toBe(a);
    expect([...pool.chunkOf(b).subarray(pool.offsetOf(b), pool.offsetOf(b) + 8)]).toEqual(new Array(8).fill(0));
    expect(pool.live).toBe(2);
  });

  it('a chunk whose blocks are all released is dropped; new blocks fill the first chunks with room', () => {
    const pool = new BlockPool(1024, (n) => new Uint32Array(n), 0);
    const handles = Array.from({ length: pool.perChunk * 3 }, () => pool.alloc());
    expect(pool.chunksHeld).toBe(3);
    // Free the whole middle chunk and one block of the first.
    for (const h of handles.slice(pool.perChunk, pool.perChunk * 2)) pool.release(h);
    pool.release(handles[0]!);
    expect(pool.chunksHeld).toBe(2);
    expect(pool.live).toBe(pool.perChunk * 2 - 1);
    expect(pool.alloc()).toBe(handles[0]);
    const next = pool.alloc(); // no room left in held chunks: the dropped chunk's place is taken again
    expect(Math.floor(next / pool.perChunk)).toBe(1);
    expect(pool.chunksHeld).toBe(3);
    for (const h of [...handles.slice(0, pool.perChunk), ...handles.slice(pool.perChunk * 2), next]) pool.release(h);
    expect(pool.chunksHeld).toBe(0);
    expect(pool.live).toBe(0);
  });

  it("an evicted container's reads do not leak into the container that reuses its blocks", () => {
    const { correlator } = makeCorrelator({ config: { caps: { maxContainers: 2 } } });
    const s = new Scenario();
    // Many files and bytes in containers that are then evicted (their blocks freed)...
    for (let i = 0; i < 3; i++) s.readMany(s.init(s.container()), `/data/c${i}/f`, 200, 5 * MiB, 1);
    // ...then a container that reads one small file and pushes: only its own read counts.
    const c = s.container();
    const sh = s.init(c);
    s.read(sh, '/app/config.yaml', 10);
    const git = s.exec(c, '/usr/bin/git', 'push https://github.com/acme/app.git', { parent: sh });
    s.connect(git, '140.82.112.3', 443);
    const alerts = [...correlator.ingest(s.events), ...correlator.flush()];
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts.map((a) => [a.reads.bytes, a.reads.files])).toEqual([[10, 1]]);
  });
});

describe('block pools over container lifetimes', () => {
  it('expired and evicted containers give their blocks back: a stream of short-lived containers holds a bounded number', () => {
    const engine = new CorrelationEngine(
      correlatorConfigSchema.parse({ caps: { maxContainers: 30 } }),
      compileAllowlist([]),
      silentLogger(),
      createMetrics(),
    );
    // Internals on purpose: what the pools hold is not visible through the Correlator interface.
    const blocks = () => (engine as unknown as { reads: { blocksInUse(): number } }).reads.blocksInUse();
    const s = new Scenario();
    // 20 rounds of 20 new containers, each round 40 minutes apart (past the window + lateness + settle).
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 20; i++) s.readMany(s.init(s.container()), `/data/r${round}/f`, 40, 1000, 1);
      s.wait(40 * 60_000);
    }
    for (let i = 0; i < s.events.length; i += 64) engine.ingest(s.events.slice(i, i + 64));
    // Each container holds a bucket list, a distinct table, a top list and its byte leads (4 blocks): at most
    // the 30 tracked.
    expect(engine.trackedContainers()).toBeLessThanOrEqual(30);
    expect(blocks()).toBeLessThanOrEqual(4 * engine.trackedContainers());
    expect(blocks()).toBeGreaterThan(0);
  });
});
