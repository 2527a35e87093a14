/**
 * A shell's inline script (`sh -c '…'`, `bash -ec '…'`) split into its simple commands, with what a copy by the
 * shell needs of each: its words, the file its stdout goes to (`>`, `>>`, `>|`, `&>`, `1>`; a group's, `{ …; } >
 * FILE` or `( … ) > FILE`, is its commands') and the one its stdin comes from (`<`), whether it reads the previous
 * command's stdout (`|`, also inside a group a pipe feeds), and the directory it runs in (`cd DIR` earlier in the
 * script, undone when a subshell ends). Tokens come from shell-quote's parser; its variables expand to what the
 * script assigns (`T=/var/run/…; cat $T > x`) and `$0`…`$9` to the words after the script, others stay `$NAME`.
 * Loops and conditionals are read as plain command lists (their bodies still show); a loop's variable over several
 * words stands for each of them, and a function's call runs its body with the call's redirections (./shell-calls.ts).
 */
import { posix } from 'node:path';
import parseShell from 'shell-quote/parse.js';
import { LoopValues, loopWords, ShellFunctions } from './shell-calls.js';
import { unwrapped } from './shell-wrappers.js';

export interface ShellCommand {
  words: string[];
  /** Where its stdout goes, as written (relative to `cwd`), or null (the terminal or the next command). */
  stdout: string | null;
  /** Where its stdin comes from (`< FILE`), or null. */
  stdin: string | null;
  /** Its stdin is the previous command's stdout. */
  piped: boolean;
  /** The working directory it runs in, or null when unknown. */
  cwd: string | null;
  /** The word a here-string gives its stdin (`<<< "$(cat token)"`), or null. */
  hereString?: string | null;
}

/**
 * Scripts parsed at most this long (Falco captures 4 KiB of argv; Tetragon more): past it only the start is read.
 * shell-quote takes 20–250 µs a KiB, on the correlator's thread (bounded: ./shell-script-gate.ts).
 */
export const MAX_SCRIPT_CHARS = 8 * 1024;

const SEPARATORS = new Set([';', '&&', '||', '&', ';;', ';;&', ';&']);
const STDOUT_REDIRECTS = new Set(['>', '>>', '>|', '&>', '&>>']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** The script's commands, in order. */
export function shellCommands(script: string, cwd: string | null, params: readonly string[] = []): ShellCommand[] {
  const text = prepared(script.slice(0, MAX_SCRIPT_CHARS));
  const given = (name: string) => (/^\d$/.test(name) ? params[Number(name)] : undefined);
  let tokens = tokensOf(text, given);
  const assigned = assignments(tokens);
  /** A loop's variable over several words stands for all of them (./shell-calls.ts). */
  const loops = new LoopValues();
  const loopValue = (name: string) => {
    const v = assigned.get(name);
    return typeof v === 'object' ? loops.marker(name, v) : v;
  };
  if (assigned.size > 0) tokens = tokensOf(text, (name) => given(name) ?? loopValue(name));
  const functions = new ShellFunctions();
  /** The function whose body the next group is (`f() {`, `function f {`). */
  let defining: string | null = null;
  const out: ShellCommand[] = [];
  /**
   * Open groups, from where their commands start in `out`: `( … )` (a subshell: its `cd` is undone) and `{ …; }`.
   * A group a pipe feeds feeds each of its commands.
   */
  const groups: Array<{ from: number; dir: string | null; subshell: boolean; fed: boolean; fn: string | null }> = [];
  /** The commands of the group just closed: a redirection after it is theirs (`{ cat token; } > /workspace/t`). */
  let closed: { from: number; to: number } | null = null;
  /** Where the open `if`, `while`, `until`, `for`, `select` and `case` start in `out`. */
  const compounds: number[] = [];
  let dir = cwd;
  let cur: ShellCommand = blank(dir, false);
  /** The lone digit word a blank parts from the redirection after it (`cat token 2 > t`): an argument, no fd. */
  let argumentDigit: { words: string[]; at: number } | null = null;
  /**
   * Descriptors opened on files: by `exec 3>FILE` or `exec {fd}>FILE` for the rest of the script (`$fd` keys a named
   * one), else by `3>FILE` for one command; `>&3` then sends stdout there (found by red-team: `exec 3>/workspace/t;
   * cat token >&3` was missed). `exec >FILE` sends the stdout of every later command there (`execOut`).
   */
  const scriptFds = new Map<string, string>();
  let commandFds = new Map<string, string>();
  const execOut: Array<{ from: number; target: string }> = [];
  /** Commands whose stdout went to a descriptor not (yet) open on a file, by index in `out`: a group's may be. */
  const pendingDups = new Map<number, string>();
  let pendingDup: string | null = null;
  const end = (pipesOn: boolean) => {
    if (cur.words.length === 1 && cur.words[0] === 'exec') {
      for (const [fd, target] of commandFds) scriptFds.set(fd, target);
      if (cur.stdout !== null) execOut.push({ from: out.length, target: cur.stdout });
    } else if (cur.words.length > 0) {
      // pushd changes directory as cd does (found by red-team); popd's is not kept track of.
      if (cur.words[0] === 'cd' || cur.words[0] === 'pushd') dir = changed(dir, cur.words[1]);
      else if (cur.words[0] === 'popd') dir = null;
      else {
        const cmd = { ...cur, words: unwrapped(cur.words) };
        for (const run of functions.run(cmd, out.length) ?? loops.expanded(cmd)) {
          if (pendingDup !== null) pendingDups.set(out.length, pendingDup);
          out.push(run);
        }
      }
    }
    commandFds = new Map();
    pendingDup = null;
    cur = blank(dir, pipesOn || (groups.at(-1)?.fed ?? false));
  };
  const open = (subshell: boolean) => {
    const fed = cur.piped && cur.words.length === 0;
    end(false);
    groups.push({ from: out.length, dir, subshell, fed, fn: defining });
    defining = null;
    cur.piped = fed;
  };
  const close = () => {
    end(false);
    const group = groups.pop();
    if (group !== undefined) {
      if (group.subshell) dir = group.dir;
      if (group.fn !== null) functions.define(group.fn, out.slice(group.from));
      closed = { from: group.from, to: out.length };
    }
    cur = blank(dir, groups.at(-1)?.fed ?? false);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (typeof t === 'string') {
      if (t === '{' && cur.words.length === 2 && cur.words[0] === 'function') {
        defining = cur.words.pop()!;
        cur.words = [];
        open(false);
        continue;
      }
      if (cur.words.length === 0) {
        // A leading `NAME=value` is an assignment, no word of the command.
        if (ASSIGNMENT.test(t)) continue;
        if (t === '{' || (t === '}' && groups.at(-1)?.subshell === false)) {
          if (t === '{') open(false);
          else close();
          continue;
        }
        // A loop's or conditional's redirection is its body's (`while …; do …; done < token > /workspace/t`).
        if (COMPOUND_OPENERS.has(t)) compounds.push(out.length);
        else if (COMPOUND_CLOSERS.has(t)) {
          end(false);
          closed = { from: compounds.pop() ?? out.length, to: out.length };
          continue;
        }
      }
      // A descriptor after a group is the group's redirection's (`{ …; } 1>/workspace/t`, `} 3>FILE`).
      if (!(cur.words.length === 0 && FD_WORD.test(t))) closed = null;
      if (t.length === 2 && t[1] === ARGUMENT_DIGIT) {
        cur.words.push(t[0]!);
        argumentDigit = { words: cur.words, at: cur.words.length };
      } else cur.words.push(t);
      continue;
    }
    if ('comment' in t) continue;
    if (t.op === 'glob') {
      cur.words.push(t.pattern);
      continue;
    }
    const op = t.op;
    const following = tokens[i + 1];
    const empty = typeof following === 'object' && 'op' in following && following.op === ')';
    if (op === '(' && empty && definesFunction(cur.words)) {
      // `f()`, `function f()`: the group after it is the function's body.
      defining = cur.words.at(-1)!;
      cur.words = [];
      i++;
    } else if (op === '(' || op === '<(' || op === '>(') open(true);
    else if (op === ')') close();
    else if (op === '|' || op === '|&' || SEPARATORS.has(op)) {
      closed = null;
      end(op === '|' || op === '|&');
    } else {
      // A redirection: its word follows. A lone number before it is the descriptor (`2>/dev/null`).
      const next = tokens[i + 1];
      // zsh's `>>|` (append, clobbering) reads as `>>` and a pipe.
      if (op === '>>' && typeof next !== 'string' && next !== undefined && 'op' in next && next.op === '|') i++;
      const after = tokens[i + 1];
      const target = typeof after === 'string' ? after : null;
      if (target !== null) i++;
      const fdWord = cur.words.at(-1);
      const spaced = argumentDigit?.words === cur.words && argumentDigit.at === cur.words.length;
      const named = fdWord !== undefined && NAMED_FD.exec(fdWord);
      let fd: string | null = null;
      if (fdWord !== undefined && /^\d$/.test(fdWord) && !spaced) fd = cur.words.pop()!;
      else if (named) {
        cur.words.pop();
        fd = `$${named[1]}`;
      }
      if (target === null) continue;
      const opened = fd !== null && fd !== '1' && (op === '>' || op === '>>' || op === '>|' || op === '<>');
      if (opened && cur.words.length === 0 && closed !== null) {
        // `{ cat token >&3; } 3>/workspace/t`: the group's commands that wrote to the descriptor.
        for (let k = closed.from; k < closed.to; k++) if (pendingDups.get(k) === fd) out[k]!.stdout ??= target;
        continue;
      }
      if (opened && fd !== null) {
        commandFds.set(fd, target);
        continue;
      }
      // `1<&3` makes stdout a copy of fd 3 too (dup2 does not look at the direction).
      const duplicates = (op === '>&' && (fd === null || fd === '1')) || (op === '<&' && fd === '1');
      const duplicated = duplicates ? dupTarget(target, commandFds, scriptFds) : null;
      const toStdout =
        (STDOUT_REDIRECTS.has(op) && (fd === null || fd === '1')) ||
        (op === '<>' && fd === '1') ||
        (op === '>&' && fd === null && !/^\d+-?$|^-$|^\$/.test(target));
      if (duplicates && duplicated === null) pendingDup = target.endsWith('-') ? target.slice(0, -1) : target;
      const to = duplicated ?? (toStdout ? target : null);
      if (to !== null && cur.words.length === 0 && closed !== null) groupOutput(out, closed, to);
      else if (to !== null) cur.stdout = to;
      else if (op === '<' && (fd === null || fd === '0') && cur.words.length === 0 && closed !== null)
        groupInput(out, closed, target);
      else if (op === '<' && (fd === null || fd === '0')) cur.stdin = target;
      else if (op === '<<<' && (fd === null || fd === '0')) cur.hereString = target;
    }
  }
  end(false);
  for (const { from, target } of execOut) {
    for (let k = from; k < out.length; k++) {
      if (out[k]!.stdout === null && !out[k + 1]?.piped) out[k]!.stdout = target;
    }
  }
  return out;
}

/** The words before `()`: a function's name (`f`, `function f`). */
function definesFunction(words: readonly string[]): boolean {
  return words.length === 1 || (words.length === 2 && words[0] === 'function');
}

const FD_WORD = /^\d$|^\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/** `{fd}` before a redirection: bash opens a descriptor and puts its number in `$fd`. */
const NAMED_FD = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The file `>&N` (`>&N-`, `>&$fd`) sends stdout to: a descriptor the command or the script opened on it, or null. */
function dupTarget(
  target: string,
  own: ReadonlyMap<string, string>,
  script: ReadonlyMap<string, string>,
): string | null {
  const fd = target.endsWith('-') ? target.slice(0, -1) : target;
  return own.get(fd) ?? script.get(fd) ?? null;
}

/**
 * shell-quote's tokens, a variable left as `$NAME` unless `value` knows it; none for a script it rejects (`${`
 * unclosed: "Bad substitution"), which the shell would refuse too.
 */
function tokensOf(text: string, value: (name: string) => string | undefined): parseShell.ParseEntry[] {
  try {
    return parseShell(text, (name) => value(name) ?? defaulted(name, value) ?? `$${name}`);
  } catch {
    return [];
  }
}

/**
 * `${NAME:-WORD}`, `${NAME-WORD}`, `${NAME:=WORD}`: NAME's value when known, else WORD (`cat token >
 * ${f:-/workspace/t}` was missed, found by red-team).
 */
function defaulted(name: string, value: (name: string) => string | undefined): string | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*):?[-=](.*)$/s.exec(name);
  return m === null ? undefined : (value(m[1]!) ?? m[2]!);
}

/** A group's redirected stdout is that of each of its commands that writes to it (not into a pipe or a file). */
function groupOutput(out: ShellCommand[], group: { from: number; to: number }, target: string): void {
  for (let k = group.from; k < group.to; k++) {
    const cmd = out[k]!;
    if (cmd.stdout === null && !(k + 1 < group.to && out[k + 1]!.piped)) cmd.stdout = target;
  }
}

/** A group's redirected stdin is that of each of its commands that reads it (not a pipe nor a file). */
function groupInput(out: ShellCommand[], group: { from: number; to: number }, source: string): void {
  for (let k = group.from; k < group.to; k++) {
    const cmd = out[k]!;
    if (cmd.stdin === null && !cmd.piped) cmd.stdin = source;
  }
}

const COMPOUND_OPENERS = new Set(['if', 'while', 'until', 'for', 'select', 'case']);
const COMPOUND_CLOSERS = new Set(['fi', 'done', 'esac']);

function blank(cwd: string | null, piped: boolean): ShellCommand {
  return { words: [], stdout: null, stdin: null, piped, cwd };
}

/** `cd DIR`: where the following commands run (unknown after `cd`, `cd -` or `cd $VAR`). */
function changed(dir: string | null, to: string | undefined): string | null {
  if (to === undefined || to === '-' || to.startsWith('$') || to.startsWith('~')) return null;
  if (to.startsWith('/')) return posix.resolve(to);
  return dir === null ? null : posix.resolve(dir, to);
}

/**
 * The variables the script sets (`T=…` alone or after `export`/`readonly`/`local`), by name; a loop's variable to
 * its words (`for f in token; do cat $f > /workspace/t; done`), several when it runs over several.
 */
function assignments(tokens: ReadonlyArray<unknown>): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  let leading = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (typeof t !== 'string') {
      leading = true;
      continue;
    }
    const m = ASSIGNMENT.exec(t);
    if (leading && m !== null && !m[2]!.includes('$')) out.set(m[1]!, m[2]!);
    else if (leading && t === 'for') {
      const loop = loopWords(tokens, i);
      if (loop !== null) out.set(loop.name, loop.words.length === 1 ? loop.words[0]! : loop.words);
    } else leading = leading && (m !== null || t === 'export' || t === 'readonly' || t === 'local');
  }
  return out;
}

/** Marks a digit word that a blank parts from a redirection, which shell-quote's tokens would not show. */
const ARGUMENT_DIGIT = '\u0001';
const SPACED_DIGIT = /(?:^|[\s;&|(])\d[ \t]+[<>]/;

/**
 * The script as shell-quote should read it. A newline outside quotes ends a command, as `;` does; shell-quote
 * reads it as a space, which would make the next line's words arguments of the one before. A lone digit before
 * blanks and a redirection is an argument (`cat token 2 > /workspace/t` writes token and a file `2` to t), but
 * shell-quote gives the same tokens as for `2>` (found by review: such a copy was missed); it is marked.
 */
function prepared(script: string): string {
  const newlines = script.includes('\n');
  if (!newlines && !SPACED_DIGIT.test(script)) return script;
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (ch === '\\' && quote !== "'") {
      out += ch + (script[i + 1] ?? '');
      i++;
      continue;
    }
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\n') {
      out += ';';
      continue;
    } else if (ch >= '0' && ch <= '9' && (i === 0 || /[\s;&|(]/.test(script[i - 1]!))) {
      const after = /^[ \t]+[<>]/.exec(script.slice(i + 1, i + 64));
      if (after !== null) {
        out += ch + ARGUMENT_DIGIT;
        continue;
      }
    }
    out += ch;
  }
  return out;
}
