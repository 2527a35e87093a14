/**
 * Whether a shell's inline script may copy a file, told without parsing it: only a redirection of stdout to a file
 * (not `2>&1`, `>&2`, `>/dev/null`; `3>FILE`, or `2>FILE` with `>&2`, may be stdout's) or a program that writes one
 * itself (./shell-writes.ts: `tee`, `dd`, `openssl -out`, `xxd IN OUT`, `cp /dev/stdin`, `tar x`, `rsync
 * --files-from`, `sed w`) does. Most CI scripts have neither and are not parsed: a regex and a look at each `>` cost ~1 µs a KiB where shell-quote takes 20–250
 * (docs/performance.md "Shell scripts"). It may say yes wrongly (a quoted `>`: one parse), never no wrongly.
 */
import { MAX_SCRIPT_CHARS } from './shell-script.js';

/** Programs that write a file themselves, also named by a variable the script assigns (`T=tee`). */
const WRITERS = /\b(?:tee|dd|openssl|xxd|cp|install|g?tar|bsdtar|rsync)\b/;
/**
 * sed writing a file itself (`sed -n 'w /workspace/t' token`, `s/x/y/w FILE`; found by red-team): sed and a `w` or
 * `W` after no letter anywhere, which is often (`/workspace`) and costs only a parse.
 */
const SED = /\bg?sed\b/;
const SED_WRITE = /(?<![A-Za-z_])[wW]/;
/**
 * Quoting inside a word, which shell-quote undoes: `t''ee`, `"te"e` and `t\ee` are tee (a word quoted whole,
 * `'tee'`, shows as it is). Only then are quotes taken out to look again, which costs ~5 µs a KiB.
 */
const QUOTED_WITHIN = /\w['"\\]+\w/;
const QUOTES = /['"\\]/g;
/** Redirection targets that keep nothing (copy() ignores all of /dev/, but `/dev/../workspace/t` is no device). */
const DISCARDS = ['/dev/null', '/dev/stderr', '/dev/stdout', '/dev/tty'];
/** A descriptor duplicated onto stderr: `>&2`, `1>& 2`, `1<&2` (stdout made a copy of fd 2 either way). */
const DUP_ONTO_STDERR = /[<>]&[ \t]*2(?![0-9])/;
/** Characters that end a word for the shell (outside quotes). */
const SEPARATING = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/** The script (what shellCommands reads of it) with its parameters (`sh -c '"$0" /w/t < token' tee`) may copy. */
export function mayCopy(script: string, params: readonly string[]): boolean {
  const text = script.length > MAX_SCRIPT_CHARS ? script.slice(0, MAX_SCRIPT_CHARS) : script;
  if (redirectsStdout(text)) return true;
  const words = params.length === 0 ? text : `${text} ${params.join(' ')}`;
  if (namesWriter(words)) return true;
  return QUOTED_WITHIN.test(words) && namesWriter(words.replace(QUOTES, ''));
}

function namesWriter(words: string): boolean {
  return WRITERS.test(words) || (SED.test(words) && SED_WRITE.test(words));
}

/** A `>` that may send stdout to a file, quoted or not (a quoted one costs only a parse). */
function redirectsStdout(s: string): boolean {
  let dupsOntoStderr: boolean | undefined;
  for (let i = s.indexOf('>'); i >= 0; i = s.indexOf('>', i + 1)) {
    let j = i + 1;
    if (s[j] === '>' || s[j] === '|') j++;
    // `2>`, `3>>`: another descriptor, which keeps a copy when stdout is then duplicated onto it (`exec
    // 3>/workspace/t; cat token >&3`, found by red-team). stderr to a file (`2>> err.log`) is common and copies only
    // with a `>&2` or `1<&2` somewhere; other descriptors are rare: a redirection of them to a file may copy.
    const before = s.charCodeAt(i - 1);
    if (before === 50 && (i < 2 || SEPARATING.has(s[i - 2]!))) {
      dupsOntoStderr ??= DUP_ONTO_STDERR.test(s);
      if (!dupsOntoStderr) {
        i = j - 1;
        continue;
      }
    }
    j = blanksFrom(s, j);
    if (s[j] === '&') {
      // `>&2`, `>& -`: a duplicated or closed descriptor; `>&file` is stdout's and stderr's.
      const from = blanksFrom(s, j + 1);
      let k = from;
      while (k < s.length && ((s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) || s[k] === '-')) k++;
      if (k > from && endsWord(s, k)) {
        i = k - 1;
        continue;
      }
    }
    const discard = DISCARDS.find((d) => s.startsWith(d, j));
    if (discard !== undefined && endsWord(s, j + discard.length)) {
      i = j + discard.length - 1;
      continue;
    }
    return true;
  }
  return false;
}

function blanksFrom(s: string, i: number): number {
  while (s[i] === ' ' || s[i] === '\t') i++;
  return i;
}

function endsWord(s: string, i: number): boolean {
  return i === s.length || SEPARATING.has(s[i]!);
}
