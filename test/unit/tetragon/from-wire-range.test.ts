/**
 * normalizeTetragonRange reads a message where it lies in a larger buffer (the ingest worker's batches):
 * it must give exactly what normalizeTetragonBytes gives on the message's own bytes — the same event, or
 * the same error — whatever surrounds the range, truncated messages included (bytes past the range must
 * not be read as the message's).
 */
import { describe, expect, it } from 'vitest';
import { normalizeTetragonBytes, normalizeTetragonRange } from '../../../src/formats/tetragon/from-wire.js';
import { tetragonJsonToProto } from '../../../src/formats/tetragon/index.js';
import { GetEventsResponse } from '../../../src/generated/tetragon/events.js';
import { generatedEvents } from '../../fixtures/tetragon/generated.js';
import { allSamples } from '../../fixtures/tetragon/samples.js';

const defaults = { node: 'default-node' };

const messages: Uint8Array[] = [...allSamples().map((s) => s.json), ...generatedEvents().map(([, json]) => json)].map(
  (json) => GetEventsResponse.encode(tetragonJsonToProto(json)).finish(),
);

function outcome(normalize: () => unknown): unknown {
  try {
    return { event: normalize() };
  } catch (err) {
    return { error: err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err) };
  }
}

/** `bytes` at offset 7 of a buffer whose other bytes are `fill` (0xff: every byte a varint continuation). */
function embedded(bytes: Uint8Array, fill: number, after: Uint8Array | null): Buffer {
  const buf = Buffer.alloc(7 + bytes.length + 64 + (after?.length ?? 0), fill);
  buf.set(bytes, 7);
  if (after) buf.set(after, 7 + bytes.length);
  return buf;
}

describe('normalizeTetragonRange equals normalizeTetragonBytes on the range', () => {
  it('every fixture and ~150 truncations of each, amid 0xff, zero and real message bytes', () => {
    let errors = 0;
    let compared = 0;
    for (const [i, full] of messages.entries()) {
      const next = messages[(i + 1) % messages.length]!;
      // Every length near the ends (tags, varints cut short), a spread in between.
      const step = Math.max(1, Math.floor(full.length / 150));
      for (let len = 0; len <= full.length; len = len < 16 || len >= full.length - 16 ? len + 1 : len + step) {
        const bytes = full.subarray(0, len);
        const expected = outcome(() => normalizeTetragonBytes(Buffer.from(bytes), defaults));
        for (const [fill, after] of [
          [0xff, null],
          [0x00, null],
          [0x80, next],
        ] as const) {
          const buf = embedded(bytes, fill, after);
          expect(outcome(() => normalizeTetragonRange(buf, 7, 7 + len, defaults))).toEqual(expected);
          compared++;
        }
        if ('error' in (expected as object)) errors++;
      }
    }
    // Both kinds of outcome were compared, many times.
    expect(compared).toBeGreaterThan(5_000);
    expect(errors).toBeGreaterThan(500);
  });

  it('messages back to back in one buffer, as a batch holds them', () => {
    const buf = Buffer.concat(messages.map((m) => Buffer.from(m)));
    let pos = 0;
    for (const m of messages) {
      expect(normalizeTetragonRange(buf, pos, pos + m.length, defaults)).toEqual(normalizeTetragonBytes(m, defaults));
      pos += m.length;
    }
  });
});
