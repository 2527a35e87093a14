/**
 * JSON export object → the GetEventsResponse message a gRPC client would receive for the same event.
 * Used to replay real samples over gRPC (tests, demo, benchmark); ts-proto's fromJSON accepts the proto
 * (snake_case) names, 64-bit strings, base64 bytes, enum names and nanosecond timestamps.
 */
import { GetEventsResponse } from '../../generated/tetragon/events.js';

export function tetragonJsonToProto(obj: Record<string, unknown>): GetEventsResponse {
  return GetEventsResponse.fromJSON(obj);
}
