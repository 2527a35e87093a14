/**
 * Tetragon gRPC addresses as the agent's `--server-address` and `tetra` accept them: `unix:///abs/path`
 * or `host:port` (`localhost:54321`, `[::1]:54321`). Anything else is a config error, found at start-up.
 */
export type TetragonAddress =
  | { kind: 'unix'; path: string; target: string }
  | { kind: 'tcp'; host: string; port: number; target: string };

export const ADDRESS_EXPECTED = 'expected unix:///absolute/path or host:port';

/**
 * The address a socket path written as a sensor's own config writes it most likely meant: a bare path
 * (`/var/run/tetragon/tetragon.sock`, as `ls` shows it), `unix:` with one slash (gRPC's own `unix:/path`)
 * or `unix://` with two. Empty when none, or when the address it would name is no address either (a path
 * longer than a sockaddr_un holds, `/` alone): a hint to write that is one more error to meet.
 */
export function socketPathHint(text: string): string {
  const meant = text.startsWith('/')
    ? `unix://${text}`
    : text.startsWith('unix:/') && !text.startsWith('unix:///')
      ? `unix:///${text.slice('unix:'.length).replace(/^\/+/, '')}`
      : null;
  if (meant === null || !isTetragonAddress(meant) || meant === 'unix:///') return '';
  return text.startsWith('/')
    ? `; for a unix socket write ${meant}`
    : `; an absolute socket path takes three slashes: ${meant}`;
}

/** Parsed address, or an explanation of why it is not one. */
export function parseTetragonAddress(text: string): TetragonAddress | { error: string } {
  if (text.startsWith('unix://')) {
    const path = text.slice('unix://'.length);
    if (!path.startsWith('/'))
      return { error: `expected unix:///absolute/path${socketPathHint(text)} (got "${text}")` };
    if (path.length > 107) return { error: `unix socket path is longer than 107 bytes (got "${text}")` };
    return { kind: 'unix', path, target: `unix://${path}` };
  }
  if (text.includes('://')) return { error: `expected unix:///absolute/path or host:port (got "${text}")` };
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !(port >= 1 && port <= 65535)) {
    return { error: `${ADDRESS_EXPECTED}${socketPathHint(text)} (got "${text}")` };
  }
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { kind: 'tcp', host, port, target: text };
}

export function isTetragonAddress(text: string): boolean {
  return !('error' in parseTetragonAddress(text));
}
