/**
 * What a listen error means, for the one line start-up ends with: the receiver's and /metrics' alike, so a
 * busy port reads the same whichever listener met it. A busy port is most often a daemon already running on
 * the node: `exfilwatch events --falco-http ADDR` beside `run` on the same address, or a second `run`.
 */
const LISTEN_ERRORS: Record<string, (at: string) => string> = {
  EADDRINUSE: (at) => `address in use: another process already listens on ${at} (a running exfilwatch daemon?)`,
  EADDRNOTAVAIL: () => 'address not available on this host',
  EACCES: () => 'permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)',
};

/** `CODE: meaning` for a listen error on `at` (HOST:PORT as configured), or the error's own message. */
export function describeListenError(err: NodeJS.ErrnoException, at: string): string {
  return err.code ? `${err.code}: ${LISTEN_ERRORS[err.code]?.(at) ?? err.message}` : err.message;
}
