/**
 * Sensor timestamps carry nanoseconds; JavaScript dates do not. We keep the RFC 3339 string as the sensor
 * precision allows and derive epoch milliseconds for arithmetic.
 */

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds (with sub-millisecond fraction) of an RFC 3339 timestamp; NaN when it is not one. */
export function rfc3339ToMs(text: string): number {
  const m = RFC3339.exec(text);
  if (!m) return Number.NaN;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  const frac = m[2] ? Number(`0.${m[2]}`) * 1000 : 0;
  return whole + frac;
}

let prefixSecond = Number.NaN;
let prefixText = '';

/**
 * `YYYY-MM-DDTHH:MM:SS` (UTC) of an epoch second, with the last one cached: the per-event callers (the
 * Falco normalizer, the correlator's stored times) ask for the second just seen, and `toISOString` per
 * event is most of their cost.
 */
export function utcSecondPrefix(seconds: number): string {
  if (seconds !== prefixSecond) {
    prefixText = new Date(seconds * 1000).toISOString().slice(0, 19);
    prefixSecond = seconds;
  }
  return prefixText;
}

/** RFC 3339 UTC with exactly nine fractional digits, from protobuf Timestamp parts. */
export function timestampToRfc3339(seconds: bigint | number, nanos: number): string {
  const iso = new Date(Number(seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  return `${iso.slice(0, 19)}.${String(nanos).padStart(9, '0')}Z`;
}

/** Epoch ms from protobuf Timestamp parts. */
export function timestampToMs(seconds: bigint | number, nanos: number): number {
  return Number(seconds) * 1000 + nanos / 1e6;
}

/** RFC 3339 UTC with nine fractional digits from epoch nanoseconds (Falco `evt.time`, beyond 2^53). */
export function epochNsToRfc3339(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  const nanos = Number(ns % 1_000_000_000n);
  return timestampToRfc3339(seconds, nanos);
}

export function epochNsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

/** Normalise any RFC 3339 string to UTC with nine fractional digits (so both sensors print alike). */
export function normalizeRfc3339(text: string): string | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(9, '0');
  if (m[3] === 'Z') return `${m[1]}.${frac}Z`;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

export function msToRfc3339(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}
