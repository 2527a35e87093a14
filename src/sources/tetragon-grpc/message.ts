/**
 * One GetEventsResponse message's bytes → a normalized event offered to the pipeline, or a counted skip.
 * Shared by the in-thread stream and the ingest worker's batches, so both paths treat every message the
 * same way. The bytes are normalized straight from the wire (formats/tetragon/from-wire.ts: the same
 * result as decoding with the generated code and normalizing, without building the decoded message);
 * one undecodable message is a skip, never a dead stream.
 */
import { DecodeError, errorMessage } from '../../errors.js';
import { normalizeTetragonBytes, normalizeTetragonRange } from '../../formats/tetragon/from-wire.js';
import type { NormalizeDefaults } from '../../formats/types.js';
import type { NormalizedEvent } from '../../model/normalized-event.js';
import type { SourceOutput } from '../types.js';

/** A message that would not normalize: DecodeError as is (decoded fine but no time…), else broken framing. */
function undecodable(id: string, err: unknown, length: number): DecodeError {
  return err instanceof DecodeError
    ? err
    : new DecodeError(`${id}: undecodable GetEventsResponse (${length} bytes): ${errorMessage(err)}`);
}

function offered(out: SourceOutput, event: NormalizedEvent | null): void {
  if (event) out.offer(event);
  else out.ignored();
}

export function createMessageHandler(
  id: string,
  defaults: NormalizeDefaults,
  out: SourceOutput,
): (bytes: Uint8Array) => void {
  return (bytes) => {
    let event: NormalizedEvent | null;
    try {
      event = normalizeTetragonBytes(bytes, defaults);
    } catch (err) {
      out.decodeError(undecodable(id, err, bytes.length));
      return;
    }
    offered(out, event);
  };
}

/**
 * The same for the message at [start, end) of a batch buffer (the ingest worker's): no Buffer view per
 * message (its construction and its garbage were ~0.3 µs per event on the main thread).
 */
export function createRangeHandler(
  id: string,
  defaults: NormalizeDefaults,
  out: SourceOutput,
): (buf: Buffer, start: number, end: number) => void {
  return (buf, start, end) => {
    let event: NormalizedEvent | null;
    try {
      event = normalizeTetragonRange(buf, start, end, defaults);
    } catch (err) {
      out.decodeError(undecodable(id, err, end - start));
      return;
    }
    offered(out, event);
  };
}
