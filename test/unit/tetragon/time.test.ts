import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/errors.js';
import { jsonTime, lastTimeMs, protoTime } from '../../../src/formats/tetragon/time.js';

describe('Tetragon event time', () => {
  it('JSON and proto forms give the same string and the same epoch ms, matching Date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 32_000_000_000 }),
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.constantFrom(0, 3, 6, 9),
        (seconds, rawNanos, fracDigits) => {
          const nanos = fracDigits === 0 ? 0 : rawNanos - (rawNanos % 10 ** (9 - fracDigits));
          const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
          const frac = fracDigits === 0 ? '' : `.${String(nanos).padStart(9, '0').slice(0, fracDigits)}`;
          const fromJson = jsonTime(`${iso}${frac}Z`);
          const jsonMs = lastTimeMs;
          const fromProto = protoTime(BigInt(seconds), nanos);
          expect(fromJson).toBe(`${iso}.${String(nanos).padStart(9, '0')}Z`);
          expect(fromProto).toBe(fromJson);
          expect(lastTimeMs).toBe(jsonMs);
          expect(Math.abs(jsonMs - Date.parse(`${iso}Z`) - nanos / 1e6)).toBeLessThan(0.01);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('offsets are converted to UTC; garbage is a DecodeError', () => {
    expect(jsonTime('2025-01-01T01:30:00.5+01:30')).toBe('2025-01-01T00:00:00.500000000Z');
    for (const bad of [
      '',
      'yesterday',
      '2025-13-01T00:00:00Z',
      '2025-01-01T00:00:00.1234567890Z',
      '2025-01-01 00:00:00Z',
    ]) {
      expect(() => jsonTime(bad), bad).toThrow(DecodeError);
    }
    expect(() => protoTime(10n ** 15n, 0)).toThrow(DecodeError);
    expect(() => protoTime(0n, 1e9)).toThrow(DecodeError);
  });
});
