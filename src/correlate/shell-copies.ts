/**
 * A copy a shell makes: `sh -c 'cat /var/run/secrets/kubernetes.io/serviceaccount/token > /workspace/t'` runs `cat
 * token` with its stdout on the file, so no command line but the shell's names both (found by review: the
 * pod-copy detection, ./pod-copies.ts, missed it). The shell's inline script is found here and read once for what
 * it writes and from what (./shell-writes.ts); its copies are the writes with their sources, but those the writing
 * program's own exec shows (./relinks.ts). ./cache-writes.ts asks the same result whether anything lands in a
 * package cache.
 */
import { tokenize } from '../rules/argv.js';
import { lastQuotedArgument } from '../rules/tokenize.js';
import { NO_RELINK, type Relink } from './copy-paths.js';
import { parsedScript, questionsOf } from './shell-stagings.js';
import { NO_WRITES, type ScriptWrites } from './shell-writes.js';

export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'yash']);

/** A shell's inline script and the words after it (`sh -c 'cat "$1" > "$2"' sh SRC DEST`: `$0`, `$1`, …). */
export interface InlineScript {
  script: string;
  params: string[];
}

/** Words split at first: a shell's options before `-c` are a few. */
const OPTION_WORDS = 32;
const PARAMS = 10;

/** The script a shell runs inline (`-c SCRIPT`, option bundles like `-ec`), or null. */
export function inlineScript(args: string | null, argvCount?: number): InlineScript | null {
  if (args === null || !args.includes('c')) return null;
  // The words up to the script and a few after it are enough: splitting all of a long script (Falco's, unquoted)
  // into words took ~90 µs for 8 KiB, for every exec of it. All are split only when those were not enough.
  const limit = Math.max(OPTION_WORDS, (argvCount ?? 0) + 1);
  const some = tokenize(args, limit);
  return scriptIn(args, some, some.length < limit, argvCount) ?? scriptIn(args, tokenize(args), true, argvCount)!;
}

/** The inline script in `words` (all of args' words when `complete`), or undefined when more words are needed. */
function scriptIn(
  args: string,
  words: readonly string[],
  complete: boolean,
  argvCount: number | undefined,
): InlineScript | null | undefined {
  let inline = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--' || w === '-') return null;
    if ((w[0] === '-' || w[0] === '+') && w.length > 1) {
      if (w.startsWith('--')) {
        if (w === '--rcfile' || w === '--init-file') i++;
      } else {
        if (w.includes('c')) inline = true;
        // `-o pipefail`, `-O extglob`: the option's name is the next word.
        if (/[oO]/.test(w.slice(1))) i++;
      }
      continue;
    }
    if (!inline) return null;
    // Falco joins argv unquoted: when its words outnumber the arguments the script held spaces, and is the rest
    // (its parameters, if any, cannot be told from it). Words not all split are more than argvCount.
    if (argvCount !== undefined && words.length > argvCount) {
      let offset = 0;
      for (let k = 0; k < i; k++) offset += words[k]!.length + 1;
      return { script: args.slice(offset), params: [] };
    }
    // Tetragon's quoting of a script holding double quotes (../rules/tokenize.ts lastQuotedArgument).
    const whole = argvCount === undefined ? lastQuotedArgument(args, words, i) : null;
    if (whole !== null) return { script: whole.word, params: tokenize(whole.rest, PARAMS) };
    // Only `$0`…`$9` are read (./shell-script.ts).
    if (!complete && words.length < i + 1 + PARAMS) return undefined;
    return { script: w, params: words.slice(i + 1, i + 1 + PARAMS) };
  }
  return complete ? null : undefined;
}

/**
 * What the inline script of a shell run with `args` writes, and from what: the engine's reader bounds what parsing
 * costs and remembers the result (./shell-script-gate.ts), so the copy reader and the cache reader of one exec share
 * one. `argvCount`: ProcessRef.argvCount (Falco's unquoted argv); undefined for a multi-call binary's applet.
 */
export interface ShellScriptReader {
  writes(args: string | null, argvCount: number | undefined, base: string | null): ScriptWrites;
}

/** Reads every script, unbounded: for callers without an engine (tests, tools). */
export const EVERY_SCRIPT: ShellScriptReader = {
  writes: (args, argvCount, base) => {
    const inline = inlineScript(args, argvCount);
    return inline === null ? NO_WRITES : writesOf(inline, base);
  },
};

/**
 * What `inline` writes, and its commands that may stage otherwise: nothing without a redirection, a program writing
 * a file, or a name of ./shell-stagings.ts (most scripts: not parsed).
 */
export function writesOf({ script, params }: InlineScript, base: string | null): ScriptWrites {
  const questions = questionsOf(script, params);
  return questions === 0 ? NO_WRITES : parsedScript(script, params, base, questions);
}

/**
 * What a script copies (./relinks.ts `Relink`), each source with where it lands (`into`), the target being the
 * first: its writes' sources, but for writes the writing program's own exec names.
 */
export function copiesOf(result: ScriptWrites): Relink {
  if (result.copies !== undefined) return result.copies;
  const sources: string[] = [];
  const into: string[] = [];
  for (const w of result.writes) {
    if (w.ownExec || w.target === null) continue;
    for (const s of w.sources) {
      sources.push(s);
      into.push(w.target);
    }
  }
  // Each source's own `into` is where it is; `intoDirectory` so that only it is looked at (pod-copies.ts).
  const copies: Relink =
    sources.length === 0 ? NO_RELINK : { sources, target: into[0]!, intoDirectory: true, filesOnly: true, into };
  if (result !== NO_WRITES) result.copies = copies;
  return copies;
}
