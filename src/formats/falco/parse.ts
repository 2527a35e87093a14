/**
 * JSON.parse for Falco alerts that keeps `output_fields["evt.time"]` exact. Falco writes it as a bare
 * integer of nanoseconds (~1.7e18, beyond 2^53); we quote that one number in the text before parsing, so
 * it arrives as a decimal string the normalizer turns into a BigInt. Cheap: one indexOf per event, no regex.
 *
 * Safe against look-alikes inside string values: there a quote is always escaped (`\"evt.time\"`), so the
 * unescaped key `"evt.time"` followed by `:` can only be the object key itself.
 */
import { DecodeError } from '../../errors.js';
import { parseReason } from '../../io/json-line-problems.js';

const KEY = '"evt.time"';

function quoteEvtTime(text: string): string {
  const at = text.indexOf(KEY);
  if (at < 0) return text;
  let i = at + KEY.length;
  const n = text.length;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 58 /* : */) return text;
  i++;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  const start = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  // Only long bare integers need it; anything else (string, null, short number) is left to JSON.parse.
  if (i - start < 16) return text;
  return `${text.slice(0, start)}"${text.slice(start, i)}"${text.slice(i)}`;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** Parses one Falco JSON alert (object) exactly; DecodeError with a short reason otherwise. */
export function parseFalcoJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(quoteEvtTime(text));
  } catch (err) {
    throw new DecodeError(`not JSON: ${parseReason(err)}`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DecodeError(
      `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}
