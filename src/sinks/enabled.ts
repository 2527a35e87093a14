/**
 * Whether a validated sink section builds a sink: present, and not switched off with `enabled: false`
 * (a section may keep its settings while off). One rule for the app's builder and for `run`'s check that
 * alerts go somewhere. Free of zod, like the daemon's registry.
 */
export function isSinkOn(section: unknown): boolean {
  return section !== undefined && (section as { enabled?: unknown } | null)?.enabled !== false;
}

/** The config keys of the sinks a validated `sinks` section builds, in its own order. */
export function sinksOn(sinks: Record<string, unknown>): string[] {
  return Object.keys(sinks).filter((key) => isSinkOn(sinks[key]));
}
