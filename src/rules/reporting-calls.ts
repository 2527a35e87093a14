/**
 * A forge API write that only reports back (a commit status, a check run, a comment, a deployment status, a
 * label, a reaction) with a short body written in argv: CI jobs post one after reading their own credentials
 * (`aws sts get-caller-identity`, a kubeconfig), which made each run `high` (false-positive review). Such a call
 * is no push. The same endpoints can carry a stolen secret in their text, and argv is shown after the shell's
 * expansion (`-d "{\"body\":\"$(cat ~/.aws/credentials)\"}"` puts the file's text in argv): a body from a file or
 * stdin, a body over REPORT_MAX_BYTES, a value shaped like a secret (the redactor's patterns, or a long opaque run
 * such as base64), any flag outside the call's short list, or any other endpoint keeps it an upload. Interpreted
 * for ./recognize.ts; docs/detection.md says what it leaves open.
 */
import { redact } from '../correlate/redact.js';
import { commandEnd, type ParsedArgv, urlHost } from './argv.js';
import type { CommandSpec, ReportingCalls, UploadMatcher } from './types.js';
import { clientUrlHost, expandUrlGlob, urlWords } from './upload-urls.js';

/** Bytes of inline data (field values, bodies, the URL's query) a reporting call may carry. */
export const REPORT_MAX_BYTES = 1024;

/** One path segment: no `.`/`..` (curl squashes them), no percent escape but GitLab's `%2F` in a project path. */
const S = '(?:[\\w.:{}~-]|%2[fF])+';
/** A number, or gh's and glab's placeholders (`{owner}`, `:id`). */
const N = '[\\w{}:-]+';
/** GitHub's, and Gitea's and Forgejo's (the same shapes under `/api/v1`). */
const GITHUB = `repos/${S}/${S}/(?:statuses/${S}|check-runs(?:/${N})?|(?:issues|pulls)/${N}/(?:comments|reviews|labels|reactions)|(?:issues/|pulls/)?comments/${N}(?:/reactions)?|commits/${S}/comments|deployments/${N}/statuses)`;
const GITLAB = `projects/${S}/(?:statuses/${S}|(?:merge_requests|issues)/${N}/(?:notes|discussions|award_emoji)(?:/${N}(?:/award_emoji)?)?|repository/commits/${S}/(?:comments|statuses)|deployments/${N})`;
const BITBUCKET = `repositories/${S}/${S}/(?:commit/${S}/(?:statuses/build|comments)|pullrequests/${N}/comments)`;
const BITBUCKET_SERVER = `(?:build-status/1\\.0/commits/${S}|api/(?:1\\.0|latest)/projects/${S}/repos/${S}/(?:pull-requests/${N}/comments|commits/${S}/(?:builds|comments)))`;
/** The API roots: GitHub Enterprise `/api/v3`, Gitea `/api/v1`, GitLab `/api/v4`, Bitbucket `/2.0` and `/rest`. */
const REPORTING_PATH = new RegExp(
  `^(?:/api/v[134]|/2\\.0|/rest)?/(?:${GITHUB}|${GITLAB}|${BITBUCKET}|${BITBUCKET_SERVER})/?(?:[?#].*)?$`,
);

/** Whether an API path (`/repos/o/r/statuses/SHA`, gh's `repos/{owner}/{repo}/issues/1/comments`) only reports. */
export function isReportingPath(path: string): boolean {
  const p = `/${path.replace(/^\/+/, '')}`;
  const route = p.replace(/[?#].*$/, '');
  if (route.split('/').some((seg) => /^\.+$/.test(seg))) return false;
  return REPORTING_PATH.test(p);
}

/**
 * Base64, base32 or a long hex dump of a secret the redactor has no pattern for (`$(base64 -w0 creds)`): a run of
 * 20 or more of those characters with capitals, small letters and digits, or hex past a SHA-256's 64. Split at
 * `/` and `.`, so a URL to a mixed-case repository (`github.com/Acme/App/actions/runs/123`) is no such run.
 */
const OPAQUE_RUN = /[A-Za-z0-9+_=-]{20,}/g;
function hasOpaqueRun(text: string): boolean {
  for (const m of text.matchAll(OPAQUE_RUN)) {
    const run = m[0];
    if (/[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run)) return true;
    if (run.length > 64 && /^[0-9a-fA-F]+$/.test(run)) return true;
  }
  return false;
}

/** Text shaped like a credential: what the redactor would hide, or an opaque run. */
export function secretShaped(text: string): boolean {
  return redact(text) !== text || hasOpaqueRun(text);
}

/**
 * Standard base64 holds `/` and `+`, which split OPAQUE_RUN's runs: an AWS secret key (40 characters, `/` in most)
 * written after a field's `=` (`-f body=KEY`, `--data-urlencode body=KEY`, `?x=KEY`), which the redactor's 40-character
 * pattern leaves (it takes no key after `=`), or with a character before it, was no secret (red-team review). A
 * run of the base64 alphabet of 32 or more mixing capitals, small letters and digits, with the call's URLs and
 * endpoint taken out (a link to `github.com/Acme/App/actions/runs/123456789`, `repos/Acme/App/statuses/SHA`, are
 * paths of names) but their queries kept.
 */
const BASE64_RUN = /[A-Za-z0-9+/]{32,}/g;
// A scheme of at most 32 characters: from every `\b` of `a-a-a-…` (a header's value, argv is the attacker's) an
// unbounded one scanned to the run's end, a second per 32 KiB at recognition time; no scheme is longer.
const URL_WORD = /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s"'<>]*/gi;
export function hasBase64Run(text: string, queries: readonly string[]): boolean {
  const words = text.replace(URL_WORD, ' ').split(/\s+/);
  for (const w of [...words.filter((w) => !isReportingPath(w)), ...queries])
    for (const m of w.matchAll(BASE64_RUN))
      if (/[A-Z]/.test(m[0]) && /[a-z]/.test(m[0]) && /[0-9]/.test(m[0])) return true;
  return false;
}

/**
 * The call's own credentials, which the forge checks and stores nowhere: an authorization header's value
 * (`Authorization: token X`, GitLab's `PRIVATE-TOKEN: X`), curl's `-u user:pass`/`--oauth2-bearer X`, a URL's
 * userinfo. Taken out before the secret-shape check of the rest.
 */
const OWN_CREDENTIALS = [
  /\b(authorization|proxy-authorization|private-token|job-token|deploy-token|x-api-key|x-auth-token)(\s*:\s*)(?:(?:bearer|token|basic|bot)\s+)?\S+/gi,
  /(^|\s)(?:-u|--user|--oauth2-bearer)(?:\s+|=)\S+/g,
  /(^|\s)-u[^\s-]\S*/g,
  /(\/\/)[^/@\s]*@/g,
];

/**
 * The call holds nothing shaped like a secret in any of its words (a flag's value, or text the sensor's quoting
 * split off it: Tetragon's quotes around a JSON body holding quotes and spaces), besides its own credentials; its
 * data (`data`, the URL's query) is at most REPORT_MAX_BYTES; every flag is one such a call may carry, and none
 * names a file or stdin.
 */
function inlineShortPlain(
  rc: ReportingCalls,
  parsed: ParsedArgv,
  words: readonly string[],
  data: string[],
  ownCredentials: 'taken-out' | 'checked',
): boolean {
  for (const f of parsed.flags) {
    // A flag word holding a space (`-sS -X POST`, a grouping of Falco's unquoted words) is refused by curl's and
    // pflag's parsers alike, and sends nothing: that reading is not the process's argv.
    if (/\s/.test(f.flag)) continue;
    if (!rc.flags.includes(f.flag)) return false;
    if (f.value === null) continue;
    if (rc.fileValues.some((fv) => fv.flags.includes(f.flag) && fv.value.test(f.value!))) return false;
    if (rc.dataFlags.includes(f.flag)) data.push(f.value);
  }
  let bytes = 0;
  for (const d of data) bytes += Buffer.byteLength(d);
  if (bytes > REPORT_MAX_BYTES) return false;
  let text = words.join(' ');
  if (ownCredentials === 'taken-out') for (const re of OWN_CREDENTIALS) text = text.replace(re, '$1');
  const queries = data.filter((d) => /^[?#]/.test(d));
  return !secretShaped(text) && !hasBase64Run(text, queries);
}

/**
 * A generic client's call (curl): every word it may send to (the URL flags' values and positionals, each glob's
 * expansions) that is a forge's or registry's is a reporting path, and its data is inline, short and plain.
 */
export function isReportingUpload(
  m: UploadMatcher,
  parsed: ParsedArgv,
  words: readonly string[],
  isUploadTarget: (host: string, path: string) => boolean,
): boolean {
  const rc = m.reports;
  if (rc === undefined) return false;
  const data: string[] = [];
  let reports = false;
  for (const word of urlWords(parsed, m.urlFlags)) {
    let target = false;
    for (const url of expandUrlGlob(word)) {
      const u = clientUrlHost(url);
      if (u === null || !isUploadTarget(u.host, u.path)) continue;
      if (!isReportingPath(u.path)) return false;
      target = true;
      data.push(queryOf(u.path));
    }
    // Another word counts as data: a piece of a body the sensor's quoting split off its flag.
    if (target) reports = true;
    else data.push(word);
  }
  return reports && inlineShortPlain(rc, parsed, words, data, 'taken-out');
}

/**
 * An API client's call (`gh api`, `glab api`): its endpoint (the first positional after the command words) is a
 * reporting path, and its fields are inline, short and plain (further positionals, which gh refuses, count as data:
 * pieces of a field's value the sensor's quoting split off), to the forge's usual host or one `--hostname` names that
 * is classed as a forge (not the caller's own server, which stores its path too). The client authenticates itself: a header it is given is
 * checked as the rest, not taken out as its credential, since its host may be anyone's (`--hostname evil.example`,
 * or `GH_HOST` in an environment the sensors do not show; red-team review: `-H "X-Api-Key: $SECRET"` went there).
 */
export function isReportingApiCall(
  cmd: CommandSpec,
  parsed: ParsedArgv,
  words: readonly string[],
  isUploadTarget: (host: string, path: string) => boolean,
): boolean {
  const rc = cmd.reports;
  // `--hostname evil.example`: its own server, which keeps whatever the path and fields carry (red-team review).
  for (const f of parsed.flags)
    if (f.flag === '--hostname' && (f.value === null || !isUploadTarget(f.value, '/api/v3/'))) return false;
  const end = rc === undefined ? -1 : commandEnd(parsed, cmd.words);
  const endpoint = end < 0 ? undefined : parsed.positionals[end];
  if (rc === undefined || endpoint === undefined) return false;
  const path = urlHost(endpoint)?.path ?? endpoint;
  const data = [queryOf(path), ...parsed.positionals.slice(end + 1)];
  return isReportingPath(path) && inlineShortPlain(rc, parsed, words, data, 'checked');
}

/**
 * The query, sent as data too (GitLab's `statuses/SHA?state=success&description=…`). The route's own segments
 * store nothing: a status to an unknown commit or a comment on an unknown issue is refused.
 */
function queryOf(path: string): string {
  const at = path.search(/[?#]/);
  return at < 0 ? '' : path.slice(at);
}
