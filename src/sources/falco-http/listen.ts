/** The receiver's listening socket: `HOST:PORT` parsing, the HTTP(S) server with its TLS files, and binding. */
import http from 'node:http';
import https from 'node:https';
import { SourceFailedError } from '../../errors.js';
import { readConfiguredFile } from '../../io/file-problems.js';
import { describeListenError } from '../../io/listen-errors.js';
import type { FalcoHttpConfig } from './config.js';

export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(text: string): HostPort | null {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) return null; // bare IPv6 is ambiguous: require brackets
  if (host.length === 0 || !/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  return port <= 65535 ? { host, port } : null;
}

/** node:http's server options the receiver sets (timeouts, header size). */
export type ServerLimits = http.ServerOptions;

/** An HTTP server, or HTTPS with the configured certificate (and client CA); unreadable files: ConfigError. */
export function createHttpServer(config: FalcoHttpConfig, limits: ServerLimits, keyPath: string): http.Server {
  const t = config.tls;
  if (!t) return http.createServer(limits);
  return https.createServer({
    ...limits,
    // Node's default is 120 s: a client that never finishes the handshake would hold a connection slot
    // four times longer than any slow HTTP request may.
    handshakeTimeout: Math.min(config.requestTimeoutMs, 120_000),
    cert: readConfiguredFile(t.certFile, `${keyPath}.tls.certFile`),
    key: readConfiguredFile(t.keyFile, `${keyPath}.tls.keyFile`),
    ...(t.clientCaFile
      ? {
          ca: readConfiguredFile(t.clientCaFile, `${keyPath}.tls.clientCaFile`),
          requestCert: true,
          rejectUnauthorized: t.requireClientCert,
        }
      : {}),
  });
}

/** Binds; an address that cannot be bound rejects with SourceFailedError (the host's problem, not the config's). */
export function listenOn(server: http.Server, at: HostPort, configured: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why = describeListenError(err, configured);
      reject(new SourceFailedError(`falco-http ${configured}`, `cannot listen: ${why}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(at.port, at.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
