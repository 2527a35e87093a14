/** Waiting for a gRPC channel to connect, shared by the gRPC sources. */
import type { Client } from '@grpc/grpc-js';

/**
 * Resolves null once `client`'s channel is ready; else why not: `stopped` when the signal aborts first
 * (shutdown must not wait out a connect timeout), or noGrpcAnswer's reason when the timeout passes.
 */
export function channelNotReady(
  client: Pick<Client, 'waitForReady'>,
  timeoutMs: number,
  signal: AbortSignal,
  tls = false,
): Promise<string | null> {
  return new Promise((resolve) => {
    const onAbort = () => resolve('stopped');
    signal.addEventListener('abort', onAbort, { once: true });
    client.waitForReady(Date.now() + timeoutMs, (err) => {
      signal.removeEventListener('abort', onAbort);
      resolve(err ? noGrpcAnswer(timeoutMs, err.message, tls) : null);
    });
  });
}

/**
 * Why a channel did not become ready although the address took the connection (the sources probe it first,
 * so a refused or missing address is said before this): what answers there did not complete a gRPC (HTTP/2)
 * handshake. Another program's port or socket (an HTTP/1 server, a metrics port), or over TLS a handshake
 * that failed. grpc-js says only "Failed to connect before the deadline", which reads as a network problem.
 */
export function noGrpcAnswer(timeoutMs: number, grpcMessage: string, tls = false): string {
  const what = tls ? 'no gRPC server answered over TLS' : 'no gRPC server answered';
  const ask = tls
    ? 'is the sensor listening there, with a certificate tls.caFile signs for tls.serverName?'
    : 'is the sensor listening there, or another program?';
  return `connected, but ${what} within ${timeoutMs} ms (${grpcMessage}): ${ask}`;
}
