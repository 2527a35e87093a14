/** Nanosecond timestamps as the sensors print them. */

/** RFC 3339 UTC with nine fractional digits, like Tetragon's and Falco's `time`. */
export function nsToRfc3339(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, 19)}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`;
}

/** `HH:MM:SS.nnnnnnnnn`, the prefix of Falco's `output` text (UTC here; Falco uses local time). */
export function nsToClock(ns: bigint): string {
  return nsToRfc3339(ns).slice(11, 29);
}
