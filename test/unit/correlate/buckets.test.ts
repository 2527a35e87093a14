/**
 * Read buckets: the sparse list a container starts with, and the ring it moves to, keep and sum exactly
 * what a plain ring of `slots` buckets would (checked against one written out here).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReadBuckets, RING } from '../../../src/correlate/buckets.js';
import { ContainerState, newNodeState } from '../../../src/correlate/state.js';

const BUCKET_MS = 60_000;
const SLOTS = 33;
const T0 = 1_760_000_000_000;

/** The reference: slot id % SLOTS holds one bucket; a newer id takes it over, an older one is refused. */
class PlainRing {
  readonly slots: Array<{ id: number; bytes: number; files: number; min: number; max: number } | undefined> = [];

  add(t: number, bytes: number, files: number): boolean {
    const id = Math.floor(t / BUCKET_MS);
    let s = this.slots[id % SLOTS];
    if (s === undefined || s.id !== id) {
      if (s !== undefined && s.id > id) return false;
      s = { id, bytes: 0, files: 0, min: t, max: t };
      this.slots[id % SLOTS] = s;
    }
    s.bytes += bytes;
    s.files += files;
    s.min = Math.min(s.min, t);
    s.max = Math.max(s.max, t);
    return true;
  }

  sum(fromMs: number, toMs: number) {
    const out = { bytes: 0, files: 0, firstMs: Number.POSITIVE_INFINITY, lastMs: Number.NEGATIVE_INFINITY };
    for (const s of this.slots) {
      if (s === undefined) continue;
      const start = s.id * BUCKET_MS;
      if (start + BUCKET_MS <= fromMs || start > toMs || (s.bytes === 0 && s.files === 0)) continue;
      out.bytes += s.bytes;
      out.files += s.files;
      out.firstMs = Math.min(out.firstMs, s.min);
      out.lastMs = Math.max(out.lastMs, s.max);
    }
    return out;
  }
}

/** Its node's clock is past every read here: no bucket holds a jump the clock refused (clock-disorder.test.ts). */
function container(): ContainerState {
  const node = newNodeState('n');
  node.maxMs = Number.POSITIVE_INFINITY;
  return new ContainerState('c', { id: 'c', name: null, image: null }, null, node, T0);
}

describe('read buckets', () => {
  it('sparse list and ring keep, refuse and sum exactly what a plain ring does (sketch weights included)', () => {
    const read = fc.record({
      // Mostly forward in time, sometimes late (back by up to 40 minutes): takes slots over, gets refused.
      stepMs: fc.integer({ min: -2_400_000, max: 400_000 }),
      frac: fc.integer({ min: 0, max: 999 }),
      // Past 2^53 in total and fractional weights: a sum in another order would differ in its last bits.
      bytes: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double({ min: 2 ** 50, max: 2 ** 52, noNaN: true })),
      files: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 1, max: 4096, noNaN: true })),
    });
    fc.assert(
      fc.property(fc.array(read, { minLength: 1, maxLength: 120 }), fc.integer({ min: 0, max: 200 }), (reads, q) => {
        const buckets = new ReadBuckets(BUCKET_MS, SLOTS);
        const c = container();
        const ref = new PlainRing();
        let t = T0;
        for (const r of reads) {
          t = Math.max(T0 - 3_600_000, t + r.stepMs);
          const at = t + r.frac / 1000;
          expect(buckets.add(c, at, r.bytes, r.files)).toBe(ref.add(at, r.bytes, r.files));
        }
        for (let k = 0; k < 4; k++) {
          const toMs = t - k * q * 10_000;
          expect(buckets.sum(c, toMs - 1_800_000, toMs)).toEqual(ref.sum(toMs - 1_800_000, toMs));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sums in ring order, not arrival order (the last bits of a big total depend on it)', () => {
    const buckets = new ReadBuckets(BUCKET_MS, SLOTS);
    const c = container();
    const last = (Math.floor(T0 / BUCKET_MS / SLOTS) + 1) * SLOTS - 1; // a bucket in the ring's last slot
    buckets.add(c, last * BUCKET_MS, 2 ** 53, 0);
    buckets.add(c, (last + 1) * BUCKET_MS, 1, 0); // slot 0
    buckets.add(c, (last + 2) * BUCKET_MS, 1, 0); // slot 1
    // In slot order 1 + 1 + 2^53 is exact; in arrival order each + 1 to 2^53 rounds away.
    expect(buckets.sum(c, last * BUCKET_MS, (last + 3) * BUCKET_MS).bytes).toBe(2 ** 53 + 2);
  });

  it('a container reading in a few minutes keeps the small list; one reading every minute moves to the ring', () => {
    const buckets = new ReadBuckets(BUCKET_MS, SLOTS);
    const few = container();
    for (let m = 0; m < 12; m++) buckets.add(few, T0 + m * 120_000, 10, 1);
    expect(few.bucketsUsed).toBe(12);
    const busy = container();
    for (let m = 0; m < 13; m++) buckets.add(busy, T0 + m * 60_000, 10, 1);
    expect(busy.bucketsUsed).toBe(RING);
    expect(buckets.sum(busy, T0, T0 + 13 * 60_000)).toMatchObject({ bytes: 130, files: 13 });
    expect(buckets.blocksInUse).toBe(2);
    buckets.release(few);
    buckets.release(busy);
    expect(buckets.blocksInUse).toBe(0);
    expect(buckets.add(few, -1, 10, 1)).toBe(false);
  });
});
