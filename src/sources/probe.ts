/**
 * A plain connect before a gRPC source's call, so a failure can be told in one clear line at once (grpc-js
 * only says UNAVAILABLE, and only when its own connect deadline has passed): the socket path does not exist
 * yet, is not a socket, permission denied, refused… Shared by the gRPC sources (tetragon-grpc, falco-grpc).
 */
import { stat } from 'node:fs/promises';
import { connect } from 'node:net';

/** Where a sensor's gRPC server listens (tetragon-grpc's TetragonAddress is one). */
export type ProbeAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** Whose server is probed, for the hints: `the Tetragon agent`, `Falco`. */
export interface ProbeHints {
  agent: string;
  /** What to do about EACCES on its unix socket. */
  permission: string;
}

function describeCode(code: string | undefined, hints: ProbeHints): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused (is ${hints.agent} running?)`;
    case 'ENOENT':
      return 'socket path does not exist (yet)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${hints.permission})`;
    case 'ENOTSOCK':
      return 'path is not a socket';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name does not resolve';
    default:
      return code ?? 'connection failed';
  }
}

/** Null when something accepts connections at the address; else why not, in a few words. */
export async function probeAddress(
  address: ProbeAddress,
  timeoutMs: number,
  hints: ProbeHints,
): Promise<string | null> {
  if (address.kind === 'unix') {
    try {
      const st = await stat(address.path);
      if (!st.isSocket()) return `${address.path} exists but is not a socket`;
    } catch (err) {
      return `${address.path}: ${describeCode((err as NodeJS.ErrnoException).code, hints)}`;
    }
  }
  return new Promise((resolve) => {
    const socket =
      address.kind === 'unix' ? connect({ path: address.path }) : connect({ host: address.host, port: address.port });
    const done = (result: string | null) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(describeCode('ETIMEDOUT', hints)), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => done(describeCode(err.code, hints)));
  });
}
