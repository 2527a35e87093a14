/**
 * Falco event time. `output_fields["evt.time"]` is integer nanoseconds since the epoch — beyond 2^53, so a
 * plain JSON.parse rounds it (to ~256 ns). `parseFalcoJson` keeps it exact by quoting it before parsing;
 * when it arrives as a rounded number anyway we prefer the top-level `time` string (RFC 3339 with the same
 * nanoseconds, always present), and only use the rounded number when nothing better exists.
 */
import { DecodeError } from '../../errors.js';
import {
  epochNsToMs,
  epochNsToRfc3339,
  normalizeRfc3339,
  rfc3339ToMs,
  timestampToMs,
  timestampToRfc3339,
  utcSecondPrefix,
} from '../../model/time.js';
import { isIntegerText } from './fields.js';

export interface EventTime {
  time: string;
  timeMs: number;
}

/** Plausible epoch-ns range (2001..2286): rejects the `HH:MM:SS` clock strings old gRPC/text outputs carry. */
const MIN_NS = 1_000_000_000_000_000_000n;
const MAX_NS = 9_999_999_999_999_999_999n;

function fromNs(ns: bigint): EventTime | null {
  if (ns < MIN_NS || ns > MAX_NS) return null;
  return { time: epochNsToRfc3339(ns), timeMs: epochNsToMs(ns) };
}

/**
 * `fromNs(BigInt(digits))` for what Falco sends: exactly 19 digits, no leading zero (every such value is in
 * the plausible range), without BigInt arithmetic. Same text and the same double: the whole milliseconds
 * are an exact integer either way, and the sub-millisecond part is added the same way.
 */
const isNonZeroDigit = (c: number) => c >= 49 && c <= 57;

function fromNsDigits(digits: string): EventTime {
  const seconds = Number(digits.slice(0, 10));
  const nanos = digits.slice(10);
  const timeMs = seconds * 1000 + Number(nanos.slice(0, 3)) + Number(nanos.slice(3)) / 1e6;
  return { time: `${utcSecondPrefix(seconds)}.${nanos}Z`, timeMs };
}

function exactEvtTime(v: unknown): EventTime | null {
  if (typeof v === 'bigint') return fromNs(v);
  if (typeof v === 'string' && v.length === 19 && isNonZeroDigit(v.charCodeAt(0)) && isIntegerText(v)) {
    return fromNsDigits(v);
  }
  if (typeof v === 'string' && v.length >= 19 && isIntegerText(v)) return fromNs(BigInt(v));
  if (typeof v === 'number' && Number.isSafeInteger(v)) return fromNs(BigInt(v));
  return null;
}

function topLevelTime(v: unknown): EventTime | null {
  if (typeof v === 'string') {
    const time = normalizeRfc3339(v);
    if (time === null) return null;
    // RFC 3339 in shape but not a real instant (month 17, day 32): no usable time, not a NaN downstream.
    const timeMs = rfc3339ToMs(time);
    return Number.isFinite(timeMs) ? { time, timeMs } : null;
  }
  // protobuf-JSON rendering of a gRPC response: {"seconds":"1637339716","nanos":457772674}.
  if (typeof v === 'object' && v !== null) {
    const t = v as { seconds?: unknown; nanos?: unknown };
    const seconds =
      typeof t.seconds === 'string' && isIntegerText(t.seconds)
        ? BigInt(t.seconds)
        : typeof t.seconds === 'number' && Number.isSafeInteger(t.seconds)
          ? BigInt(t.seconds)
          : null;
    const nanos = t.nanos === undefined ? 0 : typeof t.nanos === 'number' && Number.isInteger(t.nanos) ? t.nanos : -1;
    if (seconds === null || nanos < 0 || nanos > 999_999_999) return null;
    return { time: timestampToRfc3339(seconds, nanos), timeMs: timestampToMs(seconds, nanos) };
  }
  return null;
}

/** The event's time, exact where the input allows; DecodeError when the event carries no usable time. */
export function eventTime(obj: Record<string, unknown>, evtTime: unknown): EventTime {
  const exact = exactEvtTime(evtTime);
  if (exact) return exact;
  const top = topLevelTime(obj.time);
  if (top) return top;
  // Last resort: an evt.time number JSON.parse already rounded (loses < 1 µs, never more).
  if (typeof evtTime === 'number' && Number.isInteger(evtTime)) {
    const rounded = fromNs(BigInt(evtTime));
    if (rounded) return rounded;
  }
  throw new DecodeError('falco event has no usable time (neither output_fields["evt.time"] nor "time")');
}
