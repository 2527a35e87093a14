/**
 * One GetEventsResponse message's bytes → a normalized event offered to the pipeline, or a counted skip.
 * Shared by the in-thread stream and the ingest worker's batches, so both paths treat every message the
 * same way. The bytes are normalized straight from the wire (formats/tetragon/from-wire.ts: the same
 * result as decoding with the generated code and normalizing, without building the decoded message);
 * one undecodable message is a skip, never a dead stream.
 */
import { DecodeError, errorMessage } from '../../errors.js';
import { normalizeTetragonBytes } from '../../formats/tetragon/from-wire.js';
import type { NormalizeDefaults } from '../../formats/types.js';
import type { SourceOutput } from '../types.js';

export function createMessageHandler(
  id: string,
  defaults: NormalizeDefaults,
  out: SourceOutput,
): (bytes: Uint8Array) => void {
  return (bytes) => {
    let event: ReturnType<typeof normalizeTetragonBytes>;
    try {
      event = normalizeTetragonBytes(bytes, defaults);
    } catch (err) {
      // DecodeError: decoded fine but not a usable event (no time…); anything else: the framing is broken.
      out.decodeError(
        err instanceof DecodeError
          ? err
          : new DecodeError(`${id}: undecodable GetEventsResponse (${bytes.length} bytes): ${errorMessage(err)}`),
      );
      return;
    }
    if (event) out.offer(event);
    else out.ignored();
  };
}
