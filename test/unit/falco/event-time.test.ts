/**
 * `evt.time` as Falco sends it (19 digits of epoch ns) takes a path without BigInt arithmetic and with a
 * per-second cache of the date text: it must give exactly what the BigInt conversion gives, whatever order
 * the seconds come in, and leave every other shape to the general path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventTime } from '../../../src/formats/falco/time.js';
import { epochNsToMs, epochNsToRfc3339 } from '../../../src/model/time.js';

const viaBigInt = (ns: bigint) => ({ time: epochNsToRfc3339(ns), timeMs: epochNsToMs(ns) });
const TOP = { time: '2026-03-02T10:00:00.000000001Z' };

describe('Falco evt.time (19-digit epoch ns)', () => {
  it('equals the BigInt conversion for any 19-digit value, in any order (text and double alike)', () => {
    const ns = fc.bigInt({ min: 1_000_000_000_000_000_000n, max: 9_999_999_999_999_999_999n });
    fc.assert(
      fc.property(fc.array(ns, { minLength: 1, maxLength: 20 }), (values) => {
        for (const v of values) expect(eventTime(TOP, String(v))).toStrictEqual(viaBigInt(v));
      }),
      { numRuns: 300 },
    );
  });

  it('same second, several events: the cached date text keeps each event its own nanoseconds', () => {
    const base = 1_772_445_600_000_000_000n;
    for (const off of [3_000_000n, 999_999_999n, 0n, 1n, 500_123_456n]) {
      expect(eventTime(TOP, String(base + off))).toStrictEqual(viaBigInt(base + off));
    }
    expect(eventTime(TOP, '1772445600000000001').time).toBe('2026-03-02T10:00:00.000000001Z');
    expect(eventTime(TOP, '1772445601999999999').time).toBe('2026-03-02T10:00:01.999999999Z');
  });

  it('other shapes keep the general path: signs, leading zeros, out-of-range lengths', () => {
    // A 19-character negative is not a plausible time: the top-level time is used.
    expect(eventTime(TOP, '-772445600003000000')).toStrictEqual({
      time: TOP.time,
      timeMs: Date.parse('2026-03-02T10:00:00Z') + 0.000001,
    });
    // Leading zeros are still the same number of nanoseconds (BigInt reads them so).
    expect(eventTime(TOP, '0001772445600003000000')).toStrictEqual(viaBigInt(1_772_445_600_003_000_000n));
    // 19 digits starting with 0 are below the plausible range.
    expect(eventTime(TOP, '0772445600003000000').time).toBe(TOP.time);
  });
});
