/**
 * A plain connect before the gRPC call, so a failure can be told in one clear line (grpc-js only says
 * UNAVAILABLE): the socket path does not exist yet, is not a socket, permission denied, refused…
 */
import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import type { TetragonAddress } from './address.js';

function describeCode(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the Tetragon agent running?)';
    case 'ENOENT':
      return 'socket path does not exist (yet)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (the socket is 0660: run as root or in its group)';
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
export async function probeAddress(address: TetragonAddress, timeoutMs: number): Promise<string | null> {
  if (address.kind === 'unix') {
    try {
      const st = await stat(address.path);
      if (!st.isSocket()) return `${address.path} exists but is not a socket`;
    } catch (err) {
      return `${address.path}: ${describeCode((err as NodeJS.ErrnoException).code)}`;
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
    const timer = setTimeout(() => done(describeCode('ETIMEDOUT')), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => done(describeCode(err.code)));
  });
}
