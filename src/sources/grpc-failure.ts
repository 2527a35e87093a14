/**
 * The log line of a gRPC stream that failed, shared by the gRPC sources. grpc-js cancels a call whose
 * message it cannot read before deserializing (the compressed flag with no grpc-encoding, an encoding it
 * does not support, a payload that does not decompress) with neither a status code nor details, and drops
 * the reason: without this that read `stream failed: undefined: undefined`.
 */
import { status } from '@grpc/grpc-js';

export function streamFailure(err: { code?: unknown; details?: unknown; message?: unknown }): string {
  if (typeof err.code !== 'number') {
    return (
      'stream failed: grpc-js could not read a message (compressed with no or an unsupported grpc-encoding, ' +
      'or corrupt) and ended the call without a status'
    );
  }
  const name = status[err.code] ?? String(err.code);
  const detail = typeof err.details === 'string' && err.details.length > 0 ? err.details : String(err.message);
  return `stream failed: ${name}: ${detail}`;
}
