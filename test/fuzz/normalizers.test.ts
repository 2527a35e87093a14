/**
 * Property fuzzing of every decoder and normalizer on the ingest path, in-process (fast, many runs):
 * mutated protobuf frames of real GetEventsResponse encodings, mutated Tetragon and Falco JSON objects
 * and texts. Each input either becomes a well-formed NormalizedEvent, or null (ignored), or a DecodeError
 * (a counted skip); nothing else may escape, and no output may carry a value downstream cannot use.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import { falcoFormat, parseFalcoJson } from '../../src/formats/falco/index.js';
import { normalizeTetragonResponse, tetragonFormat } from '../../src/formats/tetragon/index.js';
import { GetEventsResponse } from '../../src/generated/tetragon/events.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import {
  eventProblem,
  FUZZ_MS,
  falcoTexts,
  mutatedBytes,
  mutatedObjects,
  tetragonFrames,
  tetragonObjects,
} from './corpus.js';

const defaults = { node: 'fuzz-node' };
const params = { numRuns: 1_000_000, interruptAfterTimeLimit: FUZZ_MS, markInterruptAsFailure: false };

/** Runs one input through `fn`: a DecodeError or an event without problems passes. */
function accepts(fn: () => NormalizedEvent | null): boolean {
  let out: NormalizedEvent | null;
  try {
    out = fn();
  } catch (err) {
    if (err instanceof DecodeError) return true;
    throw err;
  }
  if (out === null) return true;
  const problem = eventProblem(out);
  if (problem) throw new Error(`malformed event (${problem}): ${JSON.stringify(out).slice(0, 500)}`);
  return true;
}

describe('fuzz: normalizers', () => {
  it('Tetragon gRPC: mutated GetEventsResponse frames decode or fail with a counted error, never worse', () => {
    const frames = tetragonFrames();
    expect(frames.length).toBeGreaterThan(5);
    let decoded = 0;
    fc.assert(
      fc.property(mutatedBytes(frames), (bytes) =>
        accepts(() => {
          let resp: GetEventsResponse;
          try {
            resp = GetEventsResponse.decode(bytes);
          } catch (err) {
            // What the source does with a frame protobuf cannot read: a DecodeError, counted.
            throw new DecodeError(String(err));
          }
          decoded++;
          return normalizeTetragonResponse(resp, defaults);
        }),
      ),
      params,
    );
    expect(decoded).toBeGreaterThan(0);
  });

  it('Tetragon JSON: mutated export objects (wrong types, deep nesting, huge strings, big numbers)', () => {
    fc.assert(
      fc.property(mutatedObjects(tetragonObjects()), (obj) =>
        accepts(() => (tetragonFormat.detect(obj) ? tetragonFormat.normalize(obj, defaults) : null)),
      ),
      params,
    );
  });

  it('Falco JSON: mutated alert objects and texts through the exact-time parser', () => {
    const texts = falcoTexts();
    const objects = texts.map((t) => JSON.parse(t) as Record<string, unknown>);
    expect(objects.length).toBeGreaterThan(5);
    fc.assert(
      fc.property(
        fc.oneof(
          mutatedObjects(objects).map((o) => JSON.stringify(o)),
          mutatedBytes(texts.map((t) => Buffer.from(t))).map((b) => b.toString('utf8')),
        ),
        (text) =>
          accepts(() => {
            const obj = parseFalcoJson(text);
            return falcoFormat.detect(obj) ? falcoFormat.normalize(obj, defaults) : null;
          }),
      ),
      params,
    );
  });
});
