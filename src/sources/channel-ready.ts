/** Waiting for a gRPC channel to connect, shared by the gRPC sources. */
import type { Client } from '@grpc/grpc-js';

/**
 * Resolves null once `client`'s channel is ready; else why not: `stopped` when the signal aborts first
 * (shutdown must not wait out a connect timeout), or grpc-js's reason after `prefix` when the timeout passes.
 */
export function channelNotReady(
  client: Pick<Client, 'waitForReady'>,
  timeoutMs: number,
  signal: AbortSignal,
  prefix = '',
): Promise<string | null> {
  return new Promise((resolve) => {
    const onAbort = () => resolve('stopped');
    signal.addEventListener('abort', onAbort, { once: true });
    client.waitForReady(Date.now() + timeoutMs, (err) => {
      signal.removeEventListener('abort', onAbort);
      resolve(err ? `${prefix}${err.message}` : null);
    });
  });
}
