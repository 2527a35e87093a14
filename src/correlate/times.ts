/**
 * Event times as the correlator's state keeps them. Every normalizer hands over `time` as RFC 3339 UTC
 * with nine fractional digits, made per event (the gRPC decoder's is a concatenation: a tree of ~130
 * bytes, not a flat 30-character string), and `timeMs` derived from it. Kept as they came, the times of
 * listed files, destinations and archivers were ~5 MB of the state at 5,000 containers, and every
 * listed file replaced left one behind in old space. The state keeps the nanoseconds instead (a small
 * integer, no allocation) and rebuilds the identical string when an alert shows it; a time that is not
 * in that canonical form, or does not agree with its `timeMs`, is kept as its string.
 */

import { utcSecondPrefix } from '../model/time.js';

/** What a record keeps of an event time beside its `timeMs`: the nanoseconds, or the string itself. */
export type TimeNote = number | string;

/** Longest epoch second whose ISO form has a 4-digit year (9999-12-31T23:59:59). */
const MAX_SECONDS = 253_402_300_799;

function secondsOf(timeMs: number, nanos: number): number {
  return Math.round((timeMs - nanos / 1e6) / 1000);
}

/** The note to keep for an event's `time` (with its `timeMs`, which the record keeps anyway). */
export function noteTime(time: string, timeMs: number): TimeNote {
  if (time.length !== 30 || time.charCodeAt(19) !== 46 /* . */ || time.charCodeAt(29) !== 90 /* Z */) return time;
  let nanos = 0;
  for (let i = 20; i < 29; i++) {
    const d = time.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return time;
    nanos = nanos * 10 + d;
  }
  const seconds = secondsOf(timeMs, nanos);
  // Every character is then checked: the prefix here, '.', the nine digits and 'Z' above.
  if (!(seconds >= 0 && seconds <= MAX_SECONDS) || !time.startsWith(utcSecondPrefix(seconds))) return time;
  return nanos;
}

/** The event's `time` string again, from the note and the record's `timeMs`. */
export function timeText(note: TimeNote, timeMs: number): string {
  if (typeof note === 'string') return note;
  return `${utcSecondPrefix(secondsOf(timeMs, note))}.${String(note).padStart(9, '0')}Z`;
}
