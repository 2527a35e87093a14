/**
 * One GetEventsResponse message's bytes → a normalized event offered to the pipeline, or a counted skip.
 * Shared by the in-thread stream and the ingest worker's batches, so both paths treat every message the
 * same way (decoded here rather than by grpc-js, so one undecodable message is a skip, not a dead stream).
 */
import { DecodeError, errorMessage } from '../../errors.js';
import { normalizeTetragonResponse } from '../../formats/tetragon/from-proto.js';
import type { NormalizeDefaults } from '../../formats/types.js';
import { GetEventsResponse } from '../../generated/tetragon/events.js';
import type { SourceOutput } from '../types.js';

export function createMessageHandler(
  id: string,
  defaults: NormalizeDefaults,
  out: SourceOutput,
): (bytes: Uint8Array) => void {
  return (bytes) => {
    let response: GetEventsResponse;
    try {
      response = GetEventsResponse.decode(bytes);
    } catch (err) {
      out.decodeError(
        new DecodeError(`${id}: undecodable GetEventsResponse (${bytes.length} bytes): ${errorMessage(err)}`),
      );
      return;
    }
    let event: ReturnType<typeof normalizeTetragonResponse>;
    try {
      event = normalizeTetragonResponse(response, defaults);
    } catch (err) {
      out.decodeError(
        err instanceof DecodeError ? err : new DecodeError(`${id}: ${errorMessage(err)}`, { cause: err }),
      );
      return;
    }
    if (event) out.offer(event);
    else out.ignored();
  };
}
