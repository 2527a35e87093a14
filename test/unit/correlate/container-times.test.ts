/**
 * Containers' lastMs and firstMs in one table per correlator (src/correlate/container-times.ts): a slot per
 * tracked container, given back when it leaves, and what a container that left had stays with it.
 */
import { describe, expect, it } from 'vitest';
import { compileAllowlist } from '../../../src/correlate/allowlist.js';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { ContainerTimes } from '../../../src/correlate/container-times.js';
import { CorrelationEngine } from '../../../src/correlate/engine.js';
import { ContainerState, newNodeState } from '../../../src/correlate/state.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { Scenario } from './builder.js';

const T0 = 1_760_000_000_000.25;
const node = newNodeState('n');
const container = (id: string, times: ContainerTimes, ms: number) =>
  new ContainerState(id, { id, name: null, image: null }, null, node, ms, times);

describe('container times', () => {
  it('keeps each container its own times as the table grows, and a container that left keeps what it had', () => {
    const times = new ContainerTimes(2);
    const cs = Array.from({ length: 40 }, (_, i) => container(`c${i}`, times, T0 + i));
    cs.forEach((c, i) => {
      c.lastMs = T0 + 1000 + i;
      c.firstMs = T0 - i;
    });
    const left = cs[7]!;
    left.detach();
    // The freed slot goes to the next container, which does not see the one that left.
    const next = container('next', times, T0 + 5000);
    expect(next.times).toBe(times);
    expect([next.lastMs, next.firstMs]).toEqual([T0 + 5000, T0 + 5000]);
    expect(times.live).toBe(40);
    expect(left.times).not.toBe(times);
    expect([left.lastMs, left.firstMs]).toEqual([T0 + 1007, T0 - 7]);
    left.lastMs = T0 + 9000;
    expect(next.lastMs).toBe(T0 + 5000);
    expect(cs.map((c) => [c.lastMs, c.firstMs])).toEqual(
      cs.map((_, i) => (i === 7 ? [T0 + 9000, T0 - 7] : [T0 + 1000 + i, T0 - i])),
    );
  });

  it('expired and evicted containers give their slots back: the table holds the tracked containers only', () => {
    const engine = new CorrelationEngine(
      correlatorConfigSchema.parse({ caps: { maxContainers: 30 } }),
      compileAllowlist([]),
      silentLogger(),
      createMetrics(),
    );
    // Internals on purpose: the table is not visible through the Correlator interface.
    const table = () =>
      (engine as unknown as { tables: { containers: Map<string, ContainerState> } }).tables.containers.values().next()
        .value?.times;
    const s = new Scenario();
    // 20 rounds of 20 new containers, each round 40 minutes apart (past the window + lateness + settle).
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 20; i++) s.read(s.init(s.container()), `/data/r${round}/f`, 1000);
      s.wait(40 * 60_000);
    }
    for (let i = 0; i < s.events.length; i += 64) engine.ingest(s.events.slice(i, i + 64));
    expect(engine.trackedContainers()).toBeGreaterThan(0);
    expect(table()?.live).toBe(engine.trackedContainers());
  });
});
