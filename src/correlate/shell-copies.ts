/**
 * A copy a shell makes: `sh -c 'cat /var/run/secrets/kubernetes.io/serviceaccount/token > /workspace/t'` runs `cat
 * token` with its stdout on the file, so no command line but the shell's names both (found by review: the
 * pod-copy detection, ./pod-copies.ts, missed it). The shell's inline script is read (./shell-script.ts), and what
 * flows through it is followed: a command that reads files into its stdout (`cat`, `base64`, `xxd`, `gzip -c`,
 * `openssl enc -in`, `head`, `dd if=`, a `tar` archive written to stdout, `zip -`) or passes its stdin on (`tr`,
 * `base64 -d`, `gzip` without files), through pipes, to a file its stdout is redirected to, or a file `tee`, `dd
 * of=`, `openssl -out`, `xxd IN OUT` or `cp /dev/stdin` writes; a tar stream extracted by `tar x` lands under its
 * directory (`tar c TOKEN | tar x -C /workspace`); `rsync --files-from` copies the names `echo`/`printf` list
 * into its pipe or into the list file. Any other program ends the flow (`python x.py < token > out` is not followed).
 */
import { basename, tokenize } from '../rules/argv.js';
import { lastQuotedArgument } from '../rules/tokenize.js';
import { ddOperand, readZip } from './archive-copies.js';
import { absoluteSource, absoluteTarget, intoByPath, NO_RELINK, type Relink } from './copy-paths.js';
import { filterFiles, filterName } from './shell-filters.js';
import { mayCopy } from './shell-prefilter.js';
import { type ShellCommand, shellCommands } from './shell-script.js';
import { substitutions } from './shell-substitutions.js';
import { readTar } from './tar-copies.js';

export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'yash']);

/** Copies one script is taken to make at most (each one's sensitive source is one pod-copy entry). */
const MAX_SHELL_COPIES = 64;

/**
 * Something in a stream: a file's content, with its name inside a tar stream (null outside one); or, `listed`,
 * only a name (`echo PATH`), which copies nothing but what a reader of name lists makes of it.
 */
interface Content {
  source: string;
  member: string | null;
  listed?: true;
}

/** Programs whose file arguments (else stdin, also for `-`) go to their stdout. */
const READERS = new Set(
  (
    'cat tac nl base64 base32 basenc od hexdump hd head tail rev sort uniq strings fold expand unexpand paste ' +
    'iconv zcat gzcat bzcat xzcat zstdcat lz4cat uuencode'
  ).split(' '),
);
/** Compressors: to stdout only with `-c`/`--stdout` or reading stdin (else they write FILE.gz in place). */
const COMPRESSORS = new Set(['gzip', 'pigz', 'bzip2', 'xz', 'lzma', 'zstd', 'lz4', 'compress', 'brotli']);
/** Programs that only filter their stdin (their words are no files). */
const FILTERS = new Set(['tr', 'gpg', 'envsubst']);
/** xxd's options that take a value (`-c 16`, `-s 0`): else it would be taken for the input file. */
const XXD_VALUED = new Set([
  '-c',
  '-cols',
  '-g',
  '-groupsize',
  '-l',
  '-len',
  '-n',
  '-name',
  '-o',
  '-offset',
  '-s',
  '-seek',
  '-R',
]);
const GREP_NO_LINES = /^-[a-zA-Z]*[clLq]|^--(?:count|files-with(?:out)?-match(?:es)?|quiet|silent)$/;
const STDIN_NAMES = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

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
 * What a shell's inline script copies and which commands it runs: the engine's reader bounds what parsing costs
 * (./shell-script-gate.ts), parsing each script once for both.
 */
export interface ShellScriptReader {
  copies(inline: InlineScript, base: string | null): Relink;
  /** Its commands (./cache-writes.ts); none when the reader does not parse it. */
  commands(inline: InlineScript, base: string | null): readonly ShellCommand[];
}

/** Reads every script, unbounded: for callers without an engine (tests, tools). */
export const EVERY_SCRIPT: ShellScriptReader = {
  copies: (inline, base) => shellCopy(inline, base),
  commands: ({ script, params }, base) => shellCommands(script, base, params),
};

/** What the shell script `script` copies, each source with where it lands (Relink.into), the target being the first. */
export function shellCopy({ script, params }: InlineScript, base: string | null): Relink {
  // Nothing is copied without a redirection or a program writing a file: most scripts are read no further.
  if (!mayCopy(script, params)) return NO_RELINK;
  return copiesOf(shellCommands(script, base, params));
}

/** What a script's commands copy (shellCopy). */
export function copiesOf(commands: readonly ShellCommand[]): Relink {
  const sources: string[] = [];
  const into: string[] = [];
  /** Lists of names the script wrote to a file (`echo NAME > /tmp/l`), for `rsync --files-from=/tmp/l`. */
  const lists = new Map<string, Content[]>();
  const copy = (content: readonly Content[], to: string | null) => {
    // A device (`/dev/null`, `/dev/stderr`) keeps nothing another container reads.
    if (to === null || to.startsWith('/dev/') || to.startsWith('/proc/')) return;
    for (const c of content) {
      if (sources.length >= MAX_SHELL_COPIES) return;
      if (c.listed) {
        if (lists.size < MAX_SHELL_COPIES) lists.set(to, [...(lists.get(to) ?? []), c]);
        continue;
      }
      sources.push(c.source);
      into.push(to);
    }
  };
  run(commands, copy, lists, 0);
  if (sources.length === 0) return NO_RELINK;
  // Each source's own `into` is where it is; `intoDirectory` so that only it is looked at (pod-copies.ts).
  return { sources, target: into[0]!, intoDirectory: true, filesOnly: true, into };
}

/** Command substitutions read inside one another at most this deep (`$(cat "$(ls)")`). */
const MAX_SUBSTITUTION_DEPTH = 2;

/** Runs `commands`, passing what they write to files to `copy`; what the last writes to its stdout is returned. */
function run(
  commands: readonly ShellCommand[],
  copy: (c: readonly Content[], to: string | null) => void,
  lists: Map<string, Content[]>,
  depth: number,
): Content[] {
  let previous: Content[] = [];
  /** What `read NAME` took from its stdin, by name (`while read l; do echo "$l"; done < token > /workspace/t`). */
  const read = new Map<string, Content[]>();
  for (const cmd of commands) {
    let input: Content[] =
      cmd.stdin !== null ? [{ source: absoluteSource(cmd.stdin, cmd.cwd), member: null }] : cmd.piped ? previous : [];
    const substituted = (text: string) =>
      depth < MAX_SUBSTITUTION_DEPTH ? substitutedContent(text, cmd, copy, lists, depth) : [];
    if (cmd.hereString) input = [...input, ...substituted(cmd.hereString)];
    previous = flow(cmd, input, copy, lists);
    const name = basename(cmd.words[0] ?? '');
    // What echo and printf print of their words: the stdout of the substitutions in them.
    if (name === 'read' && input.length > 0) for (const v of readNames(cmd.words)) read.set(v, input);
    if (name === 'echo' || name === 'printf') {
      const words = cmd.words.slice(1).join(' ');
      previous = [...previous, ...substituted(words)];
      for (const [v, content] of read)
        if (new RegExp(`\\$\\{?${v}\\b`).test(words)) previous = [...previous, ...content];
    }
    if (cmd.stdout !== null) {
      copy(previous, scriptTarget(cmd.stdout, cmd.cwd));
      previous = [];
    }
  }
  return previous;
}

/** The variables `read [-r] [-p PROMPT] NAME…` sets. */
function readNames(words: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (/^-[dinNptu]$/.test(w)) i++;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(w)) names.push(w);
  }
  return names.length === 0 ? ['REPLY'] : names;
}

/** The content the command substitutions in `text` put there (what their commands read to their stdout). */
function substitutedContent(
  text: string,
  cmd: ShellCommand,
  copy: (c: readonly Content[], to: string | null) => void,
  lists: Map<string, Content[]>,
  depth: number,
): Content[] {
  if (!text.includes('$(') && !text.includes('`')) return [];
  return substitutions(text).flatMap((s): Content[] =>
    'file' in s
      ? [{ source: absoluteSource(s.file, cmd.cwd), member: null }]
      : run(shellCommands(s.script, cmd.cwd), copy, lists, depth + 1).filter((c) => !c.listed),
  );
}

/** What `cmd` puts on its stdout given `input` on its stdin; files it writes itself are passed to `copy`. */
function flow(
  cmd: ShellCommand,
  input: Content[],
  copy: (c: readonly Content[], to: string | null) => void,
  lists: ReadonlyMap<string, Content[]>,
): Content[] {
  const name = basename(cmd.words[0] ?? '');
  const args = cmd.words.slice(1);
  const at = (p: string): Content => ({ source: absoluteSource(p, cmd.cwd), member: null });
  const target = (p: string | null | undefined) => (p ? scriptTarget(p, cmd.cwd) : null);
  const files = args.filter((w) => !(w.startsWith('-') && w.length > 1));
  const read = (names: string[]) =>
    names.length === 0 ? input : names.flatMap((n) => (STDIN_NAMES.has(n) ? input : [at(n)]));
  if (READERS.has(name)) return read(files);
  if (COMPRESSORS.has(name)) {
    const toStdout = args.some((w) => w === '--stdout' || /^-[a-zA-Z0-9]*c/.test(w));
    return toStdout || files.length === 0 ? read(files) : [];
  }
  if (FILTERS.has(name)) return input;
  const filter = filterName(name);
  if (filter !== null) {
    // grep that prints counts, names or nothing: no line of its files.
    if (filter === 'grep' && args.some((w) => GREP_NO_LINES.test(w))) return [];
    const { inputs, reads, writes } = filterFiles(filter, args);
    const out = [...read(inputs), ...reads.flatMap((n) => read([n]))];
    for (const w of writes) copy(out, target(w));
    return out;
  }
  switch (name) {
    case 'tee':
      for (const f of files) copy(input, target(f));
      return input;
    case 'dd': {
      const from = ddOperand(args, 'if');
      const to = ddOperand(args, 'of');
      // Both named: dd's own exec shows the copy (./archive-copies.ts), one pod-copy entry is enough.
      if (from !== null && to !== null) return [];
      const out = from === null ? input : read([from]);
      if (to === null) return out;
      copy(out, target(to));
      return [];
    }
    case 'openssl': {
      const from = optionValue(args, '-in');
      const out = from === null ? input : read([from]);
      const to = optionValue(args, '-out');
      if (to === null) return out;
      copy(out, target(to));
      return [];
    }
    case 'xxd': {
      const positionals: string[] = [];
      for (let i = 0; i < args.length; i++) {
        if (XXD_VALUED.has(args[i]!)) i++;
        else if (!(args[i]!.startsWith('-') && args[i]!.length > 1)) positionals.push(args[i]!);
      }
      const out = read(positionals.slice(0, 1));
      if (positionals[1] === undefined) return out;
      copy(out, target(positionals[1]));
      return [];
    }
    case 'cp':
    case 'install':
      if (files.length === 2 && STDIN_NAMES.has(files[0]!)) copy(input, target(files[1]));
      return [];
    case 'tar':
    case 'gtar':
    case 'bsdtar':
      return tarFlow(args, cmd.cwd, input, copy);
    case 'zip': {
      const { archive, names } = readZip(args);
      return archive === '-' ? read(names) : [];
    }
    case 'echo':
    case 'printf':
      // Names listed for a reader of name lists (`rsync --files-from=-`); a format (`%s\n`) is none.
      return files.filter((w) => !w.includes('%')).map((w): Content => ({ source: w, member: w, listed: true }));
    case 'rsync':
      return rsyncListed(args, cmd.cwd, input, copy, lists);
    default:
      return [];
  }
}

/** `tar c` to stdout: its names, with their member names; `tar x` from stdin: the stream's members under its directory. */
function tarFlow(
  args: string[],
  cwd: string | null,
  input: Content[],
  copy: (c: readonly Content[], to: string | null) => void,
): Content[] {
  const tar = readTar(args, cwd);
  const stdio = tar.archive === null || tar.archive === '-';
  if (tar.creates && stdio) return tar.entries;
  if (tar.extracts && stdio) {
    const dir = tar.dir === null ? null : scriptTarget(tar.dir, cwd);
    for (const c of input) if (c.member !== null && !c.listed && dir !== null) copy([c], intoByPath(dir, c.member));
  }
  return [];
}

/**
 * `rsync --files-from=- SRC DEST` copying the names piped in (`echo var/run/secrets/… | rsync …`), or those the
 * script wrote to the list file (`echo … > /tmp/l; rsync --files-from=/tmp/l …`): each is read below SRC and lands
 * below DEST by the same path (--files-from implies -R). A list the script did not write is not seen here.
 */
function rsyncListed(
  args: string[],
  cwd: string | null,
  input: Content[],
  copy: (c: readonly Content[], to: string | null) => void,
  lists: ReadonlyMap<string, Content[]>,
): Content[] {
  let list: string | null = null;
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (w.startsWith('--files-from=')) list = w.slice('--files-from='.length);
    else if (w === '--files-from') list = args[++i] ?? null;
    else if (!w.startsWith('-')) positionals.push(w);
  }
  if (list === null || positionals.length !== 2 || positionals.some((p) => p.includes(':'))) return [];
  const listFile = list === '-' ? null : scriptTarget(list, cwd);
  const names = list === '-' ? input : listFile === null ? [] : (lists.get(listFile) ?? []);
  const from = absoluteSource(positionals[0]!.replace(/\/*$/, '/'), cwd);
  const dir = scriptTarget(positionals[1]!, cwd);
  if (dir === null) return [];
  for (const c of names) {
    if (c.member === null || !c.listed) continue;
    copy([{ source: absoluteSource(c.member, from), member: null }], intoByPath(dir, c.member));
  }
  return [];
}

/**
 * Where a file the script writes is, or null when unknown: besides absoluteTarget's, a path from a variable the
 * script does not set or from `~` (`> $HOME/.kube/config` was taken for `$HOME/.kube/config` below the working
 * directory, a pod-copy entry for a name nothing reads).
 */
function scriptTarget(path: string, cwd: string | null): string | null {
  return path.startsWith('$') || path.startsWith('~') ? null : absoluteTarget(path, cwd);
}

/** An option's value (`-in FILE`), or null. */
function optionValue(args: readonly string[], option: string): string | null {
  const i = args.lastIndexOf(option);
  return i < 0 ? null : (args[i + 1] ?? null);
}
