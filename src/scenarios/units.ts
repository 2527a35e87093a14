/**
 * Durations and sizes as people write them in scenario files (`90s`, `2.5m`, `64MiB`). Scenario authors
 * think in these units; the generator works in integer nanoseconds and bytes.
 */

const DURATION = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|min|h|d)$/;
const NS_PER: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  min: 60e9,
  h: 3600e9,
  d: 86400e9,
};

/** Nanoseconds of `90s`, `1.5m`, `250ms`, `2h`; a bare number is milliseconds. Throws on anything else. */
export function parseDurationNs(value: string | number): bigint {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`duration must be a non-negative number of ms (got ${value})`);
    return BigInt(Math.round(value * 1e6));
  }
  const m = DURATION.exec(value.trim());
  if (!m) throw new RangeError(`"${value}" is not a duration like 250ms, 90s, 2.5m, 1h`);
  return BigInt(Math.round(Number(m[1]) * NS_PER[m[2]!]!));
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB|k|K|M|G)?$/;
const BYTES_PER: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  k: 1024,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
};

/** Bytes of `64MiB`, `1.5GiB`, `800KB`, `4096`; a bare number is bytes. Throws on anything else. */
export function parseBytes(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`size must be a non-negative integer (got ${value})`);
    return value;
  }
  const m = SIZE.exec(value.trim());
  if (!m) throw new RangeError(`"${value}" is not a size like 4096, 800KB, 64MiB, 1.5GiB`);
  return Math.round(Number(m[1]) * BYTES_PER[m[2] ?? 'B']!);
}

/** Human form for docs and summaries: 67108864 → `64 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${v.toFixed(v >= 100 ? 0 : 1).replace(/\.0$/, '')} ${units[i]}`;
}
