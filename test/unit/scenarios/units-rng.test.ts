import { describe, expect, it } from 'vitest';
import { createRng, hashSeed } from '../../../src/scenarios/rng.js';
import { formatBytes, parseBytes, parseDurationNs } from '../../../src/scenarios/units.js';

describe('scenario units', () => {
  it('parses durations into nanoseconds', () => {
    expect(parseDurationNs('250ms')).toBe(250_000_000n);
    expect(parseDurationNs('1.5s')).toBe(1_500_000_000n);
    expect(parseDurationNs('2m')).toBe(120_000_000_000n);
    expect(parseDurationNs('3h')).toBe(10_800_000_000_000n);
    expect(parseDurationNs(40)).toBe(40_000_000n);
    expect(() => parseDurationNs('soon')).toThrow(/not a duration/);
    expect(() => parseDurationNs(-1)).toThrow(RangeError);
  });

  it('parses sizes in binary and decimal units', () => {
    expect(parseBytes('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseBytes('800KB')).toBe(800_000);
    expect(parseBytes('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseBytes(4096)).toBe(4096);
    expect(parseBytes('12')).toBe(12);
    expect(() => parseBytes('lots')).toThrow(/not a size/);
    expect(formatBytes(67_108_864)).toBe('64 MiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});

describe('seeded rng', () => {
  it('repeats for the same seed and differs for another', () => {
    const a = createRng('scenario#0');
    const b = createRng('scenario#0');
    const c = createRng('scenario#1');
    const seqA = Array.from({ length: 8 }, () => a.int(0, 1_000_000));
    expect(Array.from({ length: 8 }, () => b.int(0, 1_000_000))).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.int(0, 1_000_000))).not.toEqual(seqA);
    expect(hashSeed('x')).not.toBe(hashSeed('y'));
  });

  it('draws within bounds and hex of the asked length', () => {
    const r = createRng(42);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(3, 7);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(7);
    }
    expect(r.hex(64)).toMatch(/^[0-9a-f]{64}$/);
    expect(r.u64()).toBeGreaterThanOrEqual(0n);
  });
});
