/**
 * What ./shell-script.ts makes of a loop over several words and of a shell function, read as plain command lists
 * before (found by red-team, docs/detection.md "Shell scripts"): `for f in a token; do cat "$f"; done > FILE` reads
 * every word (the loop's variable stood for none of them), and `f(){ cat token; }; f > FILE` runs the function's
 * body with the call's redirection (the body's commands wrote to the terminal, the call was a program `f`).
 */
import type { ShellCommand } from './shell-script.js';

/** Words one loop is read over at most, and words or commands its variable makes in a script at most. */
const MAX_LOOP_WORDS = 64;
const MAX_EXPANDED = 4096;
/** Commands a function's body is kept with at most, and commands a script is read as at most with calls run. */
const MAX_BODY_COMMANDS = 64;
export const MAX_COMMANDS = 2048;

/**
 * Marks where a loop's variable stands in a word: its words are `loops[N]` (`\uE000N\uE001`, private-use characters;
 * one a script holds itself for no loop is left as it is).
 */
const LOOP_VALUE = /\uE000(\d+)\uE001/;

/**
 * The literal words `for NAME in WORD…` (at `at` in the tokens) runs over, up to the separator; a word from a
 * variable or a glob is not known and left out.
 */
export function loopWords(tokens: ReadonlyArray<unknown>, at: number): { name: string; words: string[] } | null {
  const name = tokens[at + 1];
  if (typeof name !== 'string' || tokens[at + 2] !== 'in') return null;
  const words: string[] = [];
  for (let k = at + 3; k < tokens.length; k++) {
    const t = tokens[k];
    if (typeof t !== 'string') break;
    // A word holding a marker itself would be replaced by itself, endlessly.
    if (!t.includes('$') && !t.includes('\uE000') && words.length < MAX_LOOP_WORDS) words.push(t);
  }
  return words.length === 0 ? null : { name, words };
}

/** A loop variable's words, as the text standing for them in a token (shell-quote puts it where the variable is). */
export class LoopValues {
  private readonly loops: string[][] = [];
  /** Words and commands made so far: past MAX_EXPANDED a variable stands for its first word only. */
  private made = 0;

  /** By variable: one marker a name, so that `cat $f > /w/$f.b` runs once per word with both the same. */
  private readonly markers = new Map<string, string>();

  marker(name: string, words: string[]): string {
    let m = this.markers.get(name);
    if (m === undefined) {
      m = `\uE000${this.loops.push(words) - 1}\uE001`;
      this.markers.set(name, m);
    }
    return m;
  }

  /** `cmd` once per word of the loop its stdout or stdin names (`> /w/$f`), its words with every loop's words. */
  expanded(cmd: ShellCommand): ShellCommand[] {
    if (this.loops.length === 0) return [cmd];
    const perWord = this.marked(`${cmd.stdout ?? ''}${cmd.stdin ?? ''}`);
    const each = perWord === null ? [] : perWord.words;
    this.made += each.length;
    const runs = (perWord === null ? [null] : this.made > MAX_EXPANDED ? each.slice(0, 1) : each).map((w) => {
      if (w === null || perWord === null) return cmd;
      const put = (s: string | null) => (s === null ? null : s.split(perWord.marker).join(w));
      return { ...cmd, words: cmd.words.map((x) => put(x)!), stdout: put(cmd.stdout), stdin: put(cmd.stdin) };
    });
    return runs.map((c) => ({ ...c, words: c.words.flatMap((w) => this.words(w, 0)) }));
  }

  /** A word with each loop's marker in it replaced by each of its words (`/root/$f`: `/root/a`, `/root/b`). */
  private words(word: string, depth: number): string[] {
    const m = this.marked(word);
    if (m === null) return [word];
    this.made += m.words.length;
    if (depth >= 2 || this.made > MAX_EXPANDED) return this.words(word.split(m.marker).join(m.words[0]!), depth + 1);
    return m.words.flatMap((w) => this.words(word.split(m.marker).join(w), depth + 1)).slice(0, MAX_LOOP_WORDS);
  }

  /** The first loop marker in `text`, with its loop's words. */
  private marked(text: string): { marker: string; words: readonly string[] } | null {
    const m = LOOP_VALUE.exec(text);
    const words = m === null ? undefined : this.loops[Number(m[1])];
    return words === undefined ? null : { marker: m![0], words };
  }
}

/** The script's functions, by name: the commands of their bodies. */
export class ShellFunctions {
  private readonly bodies = new Map<string, readonly ShellCommand[]>();

  define(name: string, body: readonly ShellCommand[]): void {
    if (body.length > 0 && body.length <= MAX_BODY_COMMANDS) this.bodies.set(name, body);
  }

  /**
   * The commands a call runs, `call` being the call with its redirections, or null when `call` is no function's
   * (or running it would make the script more than MAX_COMMANDS): the body's first command reads what the call
   * reads, and each command writing to the terminal writes where the call's stdout goes.
   */
  run(call: ShellCommand, commands: number): ShellCommand[] | null {
    const body = this.bodies.size === 0 ? undefined : this.bodies.get(call.words[0] ?? '');
    if (body === undefined || commands + body.length > MAX_COMMANDS) return null;
    return body.map((cmd, k) => {
      const feeds = body[k + 1]?.piped === true;
      return {
        ...cmd,
        piped: k === 0 ? call.piped : cmd.piped,
        stdin: cmd.stdin ?? (cmd.piped ? null : call.stdin),
        stdout: cmd.stdout ?? (feeds ? null : call.stdout),
      };
    });
  }
}
