/**
 * A command in a script that runs another (`command cat token > /workspace/t`, `nice`, `timeout 5`, `env -i`,
 * `exec`, `busybox tee`), or follows a reserved word (`then cat token > /workspace/t`): what a copy by the shell
 * reads is the program it runs, whose stdout is the redirected one (found by red-team: `cat token | command tee
 * /workspace/t` and `nice cat token > /workspace/t` were missed; the program's own exec shows no redirection nor
 * pipe). Options are skipped as the wrappers define them.
 */
import { basename } from '../rules/argv.js';

/** Each wrapper's options that take a value as the next word. */
const WRAPPERS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  // Reserved words a command follows (`if cat token > /workspace/t; then`, `do cat token > /workspace/t; done`).
  ...['!', 'if', 'then', 'else', 'elif', 'while', 'until', 'do'].map((w): [string, ReadonlySet<string>] => [
    w,
    new Set(),
  ]),
  ['command', new Set<string>()],
  ['exec', new Set(['-a'])],
  ['builtin', new Set<string>()],
  ['nice', new Set(['-n', '--adjustment'])],
  ['nohup', new Set<string>()],
  ['time', new Set(['-f', '--format', '-o', '--output'])],
  ['timeout', new Set(['-s', '--signal', '-k', '--kill-after'])],
  ['env', new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string'])],
  ['stdbuf', new Set(['-i', '-o', '-e', '--input', '--output', '--error'])],
  ['ionice', new Set(['-c', '-n', '-p', '-P', '-u', '--class', '--classdata'])],
  ['chrt', new Set<string>()],
  ['setsid', new Set<string>()],
  ['sudo', new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '--user', '--group'])],
  ['doas', new Set(['-u', '-C'])],
  ['busybox', new Set<string>()],
  ['toybox', new Set<string>()],
]);
/** Wrappers whose first word after their options is theirs (`timeout 5`, `chrt 10`). */
const OPERAND_FIRST = new Set(['timeout', 'chrt']);
/** Wrappers nested at most this deep (`exec nice -n 5 command tee`). */
const MAX_WRAPPERS = 4;

/** The words of the program `words` runs: itself unless its first word is a wrapper. */
export function unwrapped(words: string[]): string[] {
  let at = 0;
  for (let n = 0; n < MAX_WRAPPERS && at < words.length; n++) {
    const name = basename(words[at]!);
    const valued = WRAPPERS.get(name);
    if (valued === undefined) break;
    let i = at + 1;
    while (i < words.length) {
      const w = words[i]!;
      if (w === '--') {
        i++;
        break;
      }
      if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
      else if (w.startsWith('-') && w.length > 1) i += valued.has(w) ? 2 : 1;
      else if (name === 'nice' && /^-\d+$/.test(w)) i++;
      else break;
    }
    if (OPERAND_FIRST.has(name)) i++;
    if (i >= words.length) return words;
    at = i;
  }
  return at === 0 ? words : words.slice(at);
}
