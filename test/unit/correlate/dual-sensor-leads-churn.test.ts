/**
 * A container's byte leads are a block of a pool (src/correlate/dual-sensor.ts, ./blocks.ts), given back when it
 * leaves the tables. Over seeded random streams of both sensors with containers churning under small caps
 * (./dual-sensor-churn.ts), the correlator with that pool must alert exactly as one whose blocks are never
 * reused (as when each container had an array of its own): a block given back twice, or used after it was
 * given back, would be shared by two containers and move one's bytes with the other's. The pool here poisons a
 * released block (NaN) and refuses a release of a block not out; after each batch, the blocks out are exactly
 * those the tracked containers hold, one each.
 */
import { describe, expect, it } from 'vitest';
import { compileAllowlist } from '../../../src/correlate/allowlist.js';
import { BlockPool } from '../../../src/correlate/blocks.js';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { CorrelationEngine } from '../../../src/correlate/engine.js';
import type { ContainerState } from '../../../src/correlate/state.js';
import type { Alert } from '../../../src/model/alert.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { churnStream } from './dual-sensor-churn.js';

class CheckedPool extends BlockPool<Float64Array> {
  readonly out = new Set<number>();
  released = 0;

  override alloc(): number {
    const h = super.alloc();
    if (this.out.has(h)) throw new Error(`block ${h} handed out twice`);
    this.out.add(h);
    return h;
  }

  override release(handle: number): void {
    if (!this.out.delete(handle)) throw new Error(`block ${handle} released and not out`);
    const off = this.offsetOf(handle);
    this.chunkOf(handle).fill(Number.NaN, off, off + this.blockSize);
    this.released++;
    super.release(handle);
  }
}

/** Never reuses a block: a container's leads are its own for good, as an array of its own was. */
class NeverReused extends BlockPool<Float64Array> {
  override release(): void {}
}

/** Internals on purpose: the pool and the tables are not visible through the Correlator interface. */
interface Inside {
  reads: { leads: BlockPool<Float64Array> };
  tables: { containers: Map<string, ContainerState> };
}

function engineWith(pool: BlockPool<Float64Array>): { engine: CorrelationEngine; inside: Inside } {
  const engine = new CorrelationEngine(
    correlatorConfigSchema.parse({ caps: { maxContainers: 6, maxProcesses: 40 } }),
    compileAllowlist([]),
    silentLogger(),
    createMetrics(),
  );
  const inside = engine as unknown as Inside;
  Object.defineProperty(inside.reads, 'leads', { value: pool });
  return { engine, inside };
}

const leadsPool = <P extends BlockPool<Float64Array>>(
  P: new (...a: ConstructorParameters<typeof BlockPool<Float64Array>>) => P,
) => new P(6, (n) => new Float64Array(n), 0);

describe('byte leads in a pool, containers churning with both sensors', () => {
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`alerts as with leads never reused, each block out held by one tracked container (seed ${seed})`, () => {
      const events = churnStream(seed);
      const checked = leadsPool(CheckedPool);
      const pooled = engineWith(checked);
      const own = engineWith(leadsPool(NeverReused));
      const got: Alert[] = [];
      const want: Alert[] = [];
      for (let i = 0; i < events.length; i += 32) {
        const batch = events.slice(i, i + 32);
        got.push(...pooled.engine.ingest(batch));
        want.push(...own.engine.ingest(batch));
        const held = [...pooled.inside.tables.containers.values()].map((c) => c.byteLeadsBlock).filter((h) => h >= 0);
        expect(new Set(held).size).toBe(held.length);
        expect(held.length).toBe(checked.out.size);
      }
      got.push(...pooled.engine.flush());
      want.push(...own.engine.flush());
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      // The stream did what it is for: alerts, containers leaving the tables with their leads, blocks reused.
      expect(want.length).toBeGreaterThan(3);
      expect(checked.released).toBeGreaterThan(20);
    });
  }
});
