/** One request body → Falco alerts → normalized events offered to the pipeline. */
import { DecodeError, errorMessage } from '../../errors.js';
import { isFalcoEvent, normalizeFalco, notAFalcoAlert, parseFalcoJson } from '../../formats/falco/index.js';
import type { NormalizeDefaults } from '../../formats/types.js';
import type { SourceOutput } from '../types.js';
import type { BodyKind } from './guards.js';

export interface IngestResult {
  /** Events handed to the pipeline queue. */
  accepted: number;
  /** Valid Falco alerts exfilwatch does not use (other sources, no usable fields). */
  ignored: number;
  /** Events the queue refused (full): counted and marked as a gap by the pipeline. */
  dropped: number;
  /** Lines that were not a Falco alert. */
  rejected: number;
  /** The first rejection's reason, for the 400 body. */
  error: string | null;
}

function ingestOne(
  text: string,
  out: SourceOutput,
  defaults: NormalizeDefaults,
  r: IngestResult,
  line: number | null,
): void {
  try {
    const obj = parseFalcoJson(text);
    if (!isFalcoEvent(obj)) {
      throw new DecodeError(notAFalcoAlert(obj));
    }
    const event = normalizeFalco(obj, defaults);
    if (event === null) {
      out.ignored();
      r.ignored++;
    } else if (out.offer(event)) {
      r.accepted++;
    } else {
      r.dropped++;
    }
  } catch (err) {
    // The normalizer throws DecodeError for bad shapes; anything else is still one bad event, never a crash.
    const error = err instanceof DecodeError ? err : new DecodeError(errorMessage(err), { cause: err });
    out.decodeError(error);
    r.rejected++;
    r.error ??= line === null ? error.message : `line ${line}: ${error.message}`;
  }
}

/**
 * `json`: one object (Falco's one-alert-per-POST), possibly pretty-printed; if the body is not one object
 * but has several lines, it is read as newline-delimited. `ndjson`: one object per non-empty line.
 */
export function ingestBody(text: string, kind: BodyKind, out: SourceOutput, defaults: NormalizeDefaults): IngestResult {
  const r: IngestResult = { accepted: 0, ignored: 0, dropped: 0, rejected: 0, error: null };
  const body = text.trim();
  if (body.length === 0) {
    r.rejected = 1;
    r.error = 'empty body';
    out.decodeError(new DecodeError('empty body'));
    return r;
  }
  if (kind === 'json' && (body.indexOf('\n') < 0 || isSingleObject(body))) {
    ingestOne(body, out, defaults, r, null);
    return r;
  }
  let start = 0;
  let line = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    line++;
    const item = body.slice(start, end).trim();
    if (item.length > 0) ingestOne(item, out, defaults, r, line);
    start = end + 1;
  }
  return r;
}

function isSingleObject(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}
