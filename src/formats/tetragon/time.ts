/**
 * Event time for both wire forms, producing the SAME string and the SAME double: RFC 3339 UTC with nine
 * fractional digits, and epoch ms computed as `seconds * 1000 + nanos / 1e6` in both paths (so the JSON
 * and gRPC forms of one event normalize to identical objects).
 *
 * This runs once per event: no regex and no Date on the fast path.
 */
import { DecodeError } from '../../errors.js';
import { normalizeRfc3339 } from '../../model/time.js';

let cachedIsoSeconds = Number.NaN;
let cachedIsoPrefix = '';

/** Epoch ms of the last time returned by jsonTime / protoTime (avoids a result object per event). */
export let lastTimeMs = 0;

// Calendar arithmetic (H. Hinnant's days_from_civil / civil_from_days): cheaper than Date.parse and
// toISOString per event, and exact over the proleptic Gregorian calendar.
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isoSecondsPrefix(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  let rem = seconds - days * 86400;
  const hh = Math.floor(rem / 3600);
  rem -= hh * 3600;
  const mi = Math.floor(rem / 60);
  const ss = rem - mi * 60;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) throw new DecodeError(`timestamp out of range (${seconds} s)`);
  return `${String(y).padStart(4, '0')}-${two(m)}-${two(d)}T${two(hh)}:${two(mi)}:${two(ss)}`;
}

/** Digits at [from, from+len) as a number, or -1 when any is not a digit. */
function digits(s: string, from: number, len: number): number {
  let n = 0;
  for (let i = from; i < from + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Epoch seconds of `YYYY-MM-DDTHH:MM:SS` at the start of `s`, or NaN when it is not one. */
function secondsOfPrefix(s: string): number {
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  if (
    y < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > 31 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    se < 0 ||
    se > 60 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  ) {
    return Number.NaN;
  }
  return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
}

function isDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** protojson Timestamp (`2024-04-14T02:18:14.376304204Z`, 0/3/6/9 digits) → normalized string; sets lastTimeMs. */
export function jsonTime(text: string): string {
  const len = text.length;
  if (len >= 20 && text.charCodeAt(len - 1) === 90 /* Z */ && text.charCodeAt(10) === 84 /* T */) {
    const seconds = secondsOfPrefix(text);
    if (!Number.isNaN(seconds)) {
      if (len === 20) {
        lastTimeMs = seconds * 1000;
        return `${text.slice(0, 19)}.000000000Z`;
      }
      const digits = len - 21;
      if (text.charCodeAt(19) === 46 /* . */ && digits >= 1 && digits <= 9 && isDigits(text, 20, len - 1)) {
        const frac = digits === 9 ? text.slice(20, 29) : text.slice(20, len - 1).padEnd(9, '0');
        lastTimeMs = seconds * 1000 + Number(frac) / 1e6;
        return digits === 9 ? text : `${text.slice(0, 19)}.${frac}Z`;
      }
    }
  }
  // Not the protojson shape (an offset instead of Z, say): normalise to UTC and take the fast path.
  const normalized = typeof text === 'string' ? normalizeRfc3339(text) : null;
  if (normalized === null || normalized === text) throw new DecodeError(`invalid timestamp ${JSON.stringify(text)}`);
  return jsonTime(normalized);
}

/** protobuf Timestamp parts → normalized string; sets lastTimeMs. Seconds as decoded (bigint) or read as a number. */
export function protoTime(secondsBig: bigint | number, nanos: number): string {
  const seconds = Number(secondsBig);
  if (seconds !== cachedIsoSeconds) {
    if (!Number.isSafeInteger(seconds)) throw new DecodeError(`invalid timestamp seconds ${secondsBig}`);
    cachedIsoPrefix = isoSecondsPrefix(seconds);
    cachedIsoSeconds = seconds;
  }
  if (!(nanos >= 0 && nanos < 1e9)) throw new DecodeError(`invalid timestamp nanos ${nanos}`);
  lastTimeMs = seconds * 1000 + nanos / 1e6;
  return `${cachedIsoPrefix}.${String(nanos).padStart(9, '0')}Z`;
}
