import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { noteTime, timeText } from '../../../src/correlate/times.js';
import { timestampToMs, timestampToRfc3339 } from '../../../src/model/time.js';

describe('time notes', () => {
  it('keeps a canonical time as its nanoseconds and gives the same string back', () => {
    const time = '2026-11-28T23:38:37.000123456Z';
    const seconds = Date.parse('2026-11-28T23:38:37Z') / 1000;
    const ms = timestampToMs(seconds, 123_456);
    expect(timestampToRfc3339(seconds, 123_456)).toBe(time);
    const note = noteTime(time, ms);
    expect(note).toBe(123_456);
    expect(timeText(note, ms)).toBe(time);
  });

  it('round-trips any protobuf timestamp exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799 }), fc.integer({ min: 0, max: 999_999_999 }), (s, ns) => {
        const time = timestampToRfc3339(s, ns);
        const ms = timestampToMs(s, ns);
        const note = noteTime(time, ms);
        expect(typeof note).toBe('number');
        expect(timeText(note, ms)).toBe(time);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the string when it is not the canonical form or disagrees with timeMs', () => {
    const ms = timestampToMs(Date.parse('2026-11-28T23:38:37Z') / 1000, 5_000_000);
    for (const time of [
      '2026-11-28T23:38:37.005Z',
      '2026-11-28T23:38:37.005000000+00:00',
      '2026-11-28T23:38:37,005000000Z',
      '2026-11-28T23:38:37.00500000xZ',
      // One second off its timeMs: the prefix check catches it.
      '2026-11-28T23:38:38.005000000Z',
      'not a time at all, thirty chars',
    ]) {
      const note = noteTime(time, ms);
      expect(note).toBe(time);
      expect(timeText(note, ms)).toBe(time);
    }
  });
});
