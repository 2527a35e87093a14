/**
 * Config entries made by command-line flags (`--falco-grpc ADDR` → `sources.falcoGrpc[]`) carry the flag
 * they came from, so a problem in one names the flag the user typed rather than a key path they never
 * wrote (`sources.falcoGrpc[0].tls`). A symbol key: the schemas' unknown-key checks and JSON see only
 * string keys. Free of zod: the daemon's module graph imports this through src/cli/source-flags.ts.
 */

export interface FlagOrigin {
  /** `--falco-grpc` */
  flag: string;
  /** The flag's value as given. */
  value: string;
}

const FLAG_ORIGIN = Symbol('exfilwatch.flagOrigin');

/** Marks `entry` as made by `origin` (returned for chaining). */
export function markFromFlag<T extends object>(entry: T, origin: FlagOrigin): T {
  Object.defineProperty(entry, FLAG_ORIGIN, { value: origin, enumerable: false });
  return entry;
}

export function flagOriginOf(value: unknown): FlagOrigin | undefined {
  return value !== null && typeof value === 'object'
    ? (value as { [FLAG_ORIGIN]?: FlagOrigin })[FLAG_ORIGIN]
    : undefined;
}
