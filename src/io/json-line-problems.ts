/**
 * What a line of a JSON-lines input that is no event object is called, the same in `scan`'s line reader
 * (src/scan/lines.ts) and the export-file source (src/sources/tetragon-file/json-lines-source.ts).
 *
 * A sensor's docs and `kubectl logs | jq` show events pretty-printed, and a user saves them so: every line then
 * fails alone, and "line 1: invalid JSON" did not say that the file's layout, not its events, was wrong.
 */
import { errorMessage } from '../errors.js';

const PRETTY = ': this reads one JSON event per line, and this looks like pretty-printed JSON';
const PRETTY_OBJECT = `${PRETTY} (compact it: jq -c . FILE)`;
// A bracket alone on a line opens a pretty-printed array (an object's array is `"key": [`): compacted with
// `jq -c .` it was one line holding the array, refused in turn as one; `.[]` makes a line of each element.
const PRETTY_ARRAY = `${PRETTY} (an array: make a line of each event with jq -c ".[]" FILE)`;
const JSON_ARRAY = 'a JSON array, not an event: this reads one JSON event per line (split it: jq -c ".[]" FILE)';

/**
 * JSON.parse's reason without the input V8 quotes in it (`Unexpected token 'S', ..."x": Sx8kLp2QvR"... is not valid
 * JSON`, the whole text when it is short): a line torn mid-record starts inside an argument, and a piece of the
 * credential in it went into the log. What the parser met and where stay.
 */
export function parseReason(err: unknown): string {
  const message = errorMessage(err);
  const cut = message.replace(/,? ?(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '');
  if (cut === message) return message;
  return cut === '' ? 'not valid JSON' : `${cut}, not valid JSON`;
}

/** `text` did not parse: the parser's reason, and at the line that opens a pretty-printed value (a brace or bracket alone), how to fix the file. */
export function invalidJsonLine(text: string, err: unknown): string {
  const t = text.trim();
  return `invalid JSON (${parseReason(err)})${t === '{' ? PRETTY_OBJECT : t === '[' ? PRETTY_ARRAY : ''}`;
}

/** Why a parsed value is no event object, or null when it is an object. */
export function notAnObject(value: unknown): string | null {
  if (Array.isArray(value)) return JSON_ARRAY;
  return typeof value === 'object' && value !== null ? null : 'not a JSON object';
}
