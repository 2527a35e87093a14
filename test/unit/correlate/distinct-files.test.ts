/** The per-container distinct-file counter: exact while small, a bounded sketch beyond, re-counting after a window. */
import { describe, expect, it } from 'vitest';
import { DistinctFiles, DistinctPools, EXACT_MAX, hashPath } from '../../../src/correlate/distinct-files.js';

const WINDOW = 1_800_000;
const T0 = 1_760_000_000_000;

function count(d: DistinctFiles, paths: string[], t: number): number {
  let sum = 0;
  for (const p of paths) sum += d.add(hashPath(p), t);
  return sum;
}

const paths = (n: number, prefix = '/srv/data/part-') => Array.from({ length: n }, (_, i) => `${prefix}${i}.parquet`);

describe('distinct files', () => {
  it('counts exactly up to the sketch threshold, and a re-read within the window adds nothing', () => {
    const d = new DistinctFiles(WINDOW, new DistinctPools());
    const ps = paths(EXACT_MAX);
    expect(count(d, ps, T0)).toBe(EXACT_MAX);
    expect(count(d, ps, T0 + 60_000)).toBe(0);
    expect(d.sketched).toBe(false);
  });

  it('a file read again a whole window after it was counted counts again', () => {
    const d = new DistinctFiles(WINDOW, new DistinctPools());
    expect(count(d, ['/a', '/b'], T0)).toBe(2);
    expect(count(d, ['/a'], T0 + WINDOW - 1000)).toBe(0);
    expect(count(d, ['/a', '/b'], T0 + WINDOW)).toBe(2);
  });

  it('expired files make room instead of switching to the sketch', () => {
    const d = new DistinctFiles(WINDOW, new DistinctPools());
    for (let k = 0; k < 10; k++) expect(count(d, paths(60, `/w${k}/f`), T0 + k * WINDOW)).toBe(60);
    expect(d.sketched).toBe(false);
  });

  it.each([150, 200, 500, 2_000, 10_000])('estimates %i distinct files within 5%%, re-reads adding nothing', (n) => {
    const d = new DistinctFiles(WINDOW, new DistinctPools());
    const ps = paths(n);
    const first = count(d, ps, T0);
    expect(d.sketched).toBe(true);
    expect(Math.abs(first - n) / n).toBeLessThan(0.05);
    expect(count(d, ps, T0 + 1000)).toBe(0);
  });

  it('in the sketch, files counted more than a window ago count again; within half a window they do not', () => {
    const d = new DistinctFiles(WINDOW, new DistinctPools());
    const ps = paths(400);
    count(d, ps, T0);
    expect(count(d, ps, T0 + WINDOW / 4)).toBe(0);
    const again = count(d, ps, T0 + WINDOW + 1);
    expect(Math.abs(again - 400) / 400).toBeLessThan(0.05);
  });

  it('a late event (older generation) is counted once, not twice', () => {
    const d = new DistinctFiles(WINDOW, new DistinctPools());
    count(d, paths(300), T0 + WINDOW);
    const late = count(d, ['/late/one'], T0);
    expect(late).toBeGreaterThan(0.9);
    expect(count(d, ['/late/one'], T0 + WINDOW)).toBe(0);
  });

  it('hashes are never 0 and spread over the low bits', () => {
    const low = new Set<number>();
    for (const p of paths(2_000)) {
      const h = hashPath(p);
      expect(h).not.toBe(0);
      low.add(h & 127);
    }
    expect(low.size).toBe(128);
  });
});
