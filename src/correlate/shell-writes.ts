/**
 * What a shell's inline script writes, and from what: one result per script, which both readers of scripts ask
 * their question of (./shell-copies.ts: which files a secret is copied into, for the pod-copy detection;
 * ./cache-writes.ts: whether anything is written into a package cache). Each reader walked the commands on its own
 * before, so a shape one learned the other missed (found re-reading the session's change: a filter's own write,
 * sed's `w FILE`, reached the cache reader only later). What flows through the script is followed: a command that
 * reads files into its stdout (`cat`, `base64`, `xxd`, `gzip -c`, `openssl enc -in`, `head`, `dd if=`, a `tar`
 * archive written to stdout, `zip -`) or passes its stdin on (`tr`, `base64 -d`, `gzip` without files), through
 * pipes, to a file its stdout is redirected to, or a file `tee`, `dd of=`, `openssl -out`, `xxd IN OUT`, `cp
 * /dev/stdin` or a filter's own script (sed's `w FILE`, awk's `print > "FILE"`) writes; a tar stream extracted by `tar
 * x` lands under its directory (`tar c TOKEN | tar x -C /workspace`); `rsync --files-from` copies the names
 * `echo`/`printf` list into its pipe or into the list file, and `xargs` runs its command on them. Any other program
 * ends the flow (`python x.py < token > out` writes `out` from nothing known). Writes a program's own exec names
 * (`cp SRC DEST`, `mv`, `ln`, `install`, `rsync`, `dd if= of=`, `tar x -C`, `unzip -d`) are in the result too,
 * marked: the copy reader reads those from that exec (./relinks.ts), one pod-copy entry each.
 */
import { basename } from '../rules/argv.js';
import { readTarCommand, stdioArchive, TAR_PROGRAMS, tarFlavourOf } from '../rules/tar-command.js';
import { ddOperand, readZip } from './archive-copies.js';
import { absoluteSource, absoluteTarget, intoByPath } from './copy-paths.js';
import { filterFiles, filterName } from './shell-filters.js';
import { type ShellCommand, shellCommands } from './shell-script.js';
import { substitutions } from './shell-substitutions.js';
import { tarEntries } from './tar-copies.js';

/** A file a script writes. */
export interface ScriptWrite {
  /** The file as the script names it, relative to `cwd` (absolute for what `tar x` or `rsync` puts below a directory). */
  path: string;
  cwd: string | null;
  /**
   * Where it is for a copy: absolute; null for a device (`/dev/null` keeps nothing another container reads) or when
   * the script does not say (`$OUT` it does not set, `~`: `> $HOME/.kube/config` is no file below the working
   * directory).
   */
  target: string | null;
  /** The files whose content goes there, as far as the flow follows it; none from a program it does not know. */
  sources: string[];
  /** The writing program's own exec names this write (`cp SRC DEST`): ./relinks.ts reads the copy there. */
  ownExec: boolean;
}

/** What a script writes, in order, and (filled by ./shell-copies.ts when first asked) what it copies. */
export interface ScriptWrites {
  writes: readonly ScriptWrite[];
  copies?: import('./copy-paths.js').Relink;
  /** Its commands that may stage otherwise (./shell-stagings.ts: `ln`, `cpio`, inline code, run elsewhere). */
  stagings?: readonly ShellCommand[];
}

export const NO_WRITES: ScriptWrites = { writes: [] };

/** Sources one script is taken to copy at most (each one's sensitive source is one pod-copy entry). */
const MAX_SHELL_COPIES = 64;

/**
 * Something in a stream: a file's content, with its name inside a tar stream (null outside one, or when the command
 * line does not show it: another archive's entries, bsdtar's `@ARCHIVE`, which an extraction of the stream writes
 * under names not seen here); or, `listed`, only a name (`echo PATH`), which copies nothing but what a reader of
 * name lists makes of it.
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

/** What a stream or variable holds at most: `echo "$a$b" | read c` doubled per step (40 steps never ended). */
const MAX_STREAM_CONTENT = 4 * MAX_SHELL_COPIES;

function joined(a: Content[], b: readonly Content[]): Content[] {
  return b.length === 0 || a.length >= MAX_STREAM_CONTENT ? a : [...a, ...b.slice(0, MAX_STREAM_CONTENT - a.length)];
}

/** Command substitutions read inside one another at most this deep (`$(cat "$(ls)")`). */
const MAX_SUBSTITUTION_DEPTH = 2;

/** Passes on what a command writes: the content, the file as named (relative to `cwd`), whether its own exec names it. */
type Writer = (content: readonly Content[], path: string, cwd: string | null, ownExec?: boolean) => void;

/** What a script's commands (./shell-script.ts) write, and from what. */
export function scriptWrites(commands: readonly ShellCommand[]): ScriptWrites {
  const writes: ScriptWrite[] = [];
  /** Sources of copies taken so far (not those of writes their own exec names: they are counted there). */
  let copied = 0;
  /** Lists of names the script wrote to a file (`echo NAME > /tmp/l`), for `rsync --files-from=/tmp/l`. */
  const lists = new Map<string, Content[]>();
  const write: Writer = (content, path, cwd, ownExec = false) => {
    const named = scriptTarget(path, cwd);
    const target = named === null || named.startsWith('/dev/') || named.startsWith('/proc/') ? null : named;
    const sources: string[] = [];
    for (const c of content) {
      if (target === null) break;
      if (c.listed) {
        if (lists.size < MAX_SHELL_COPIES) lists.set(target, [...(lists.get(target) ?? []), c]);
      } else if (ownExec ? sources.length < MAX_SHELL_COPIES : copied < MAX_SHELL_COPIES) {
        sources.push(c.source);
        if (!ownExec) copied++;
      }
    }
    writes.push({ path, cwd, target, sources, ownExec });
  };
  run(commands, write, lists, 0);
  return writes.length === 0 ? NO_WRITES : { writes };
}

/** Runs `commands`, passing what they write to files to `write`; what the last writes to its stdout is returned. */
function run(
  commands: readonly ShellCommand[],
  write: Writer,
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
      depth < MAX_SUBSTITUTION_DEPTH ? substitutedContent(text, cmd, write, lists, depth) : [];
    if (cmd.hereString) input = joined(input, substituted(cmd.hereString));
    previous = flow(cmd, input, write, lists);
    const name = basename(cmd.words[0] ?? '');
    // What echo and printf print of their words: the stdout of the substitutions in them.
    if (name === 'read' && input.length > 0) for (const v of readNames(cmd.words)) read.set(v, input);
    if (name === 'echo' || name === 'printf') {
      const words = cmd.words.slice(1).join(' ');
      previous = joined(previous, substituted(words));
      for (const [v, content] of read)
        if (new RegExp(`\\$\\{?${v}\\b`).test(words)) previous = joined(previous, content);
    }
    if (cmd.stdout !== null) {
      write(previous, cmd.stdout, cmd.cwd);
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
  write: Writer,
  lists: Map<string, Content[]>,
  depth: number,
): Content[] {
  if (!text.includes('$(') && !text.includes('`')) return [];
  return substitutions(text).flatMap((s): Content[] =>
    'file' in s
      ? [{ source: absoluteSource(s.file, cmd.cwd), member: null }]
      : run(shellCommands(s.script, cmd.cwd), write, lists, depth + 1).filter((c) => !c.listed),
  );
}

/** What `cmd` puts on its stdout given `input` on its stdin; files it writes itself are passed to `write`. */
function flow(cmd: ShellCommand, input: Content[], write: Writer, lists: ReadonlyMap<string, Content[]>): Content[] {
  const name = basename(cmd.words[0] ?? '');
  const args = cmd.words.slice(1);
  const at = (p: string): Content => ({ source: absoluteSource(p, cmd.cwd), member: null });
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
    for (const w of writes) write(out, w, cmd.cwd);
    return out;
  }
  if (TAR_PROGRAMS.has(name)) return tarFlow(args, cmd.cwd, input, write, name);
  switch (name) {
    case 'tee':
      for (const f of files) write(input, f, cmd.cwd);
      return input;
    case 'dd': {
      const from = ddOperand(args, 'if');
      const to = ddOperand(args, 'of');
      // Both named: dd's own exec shows the copy (./archive-copies.ts), one pod-copy entry is enough.
      if (from !== null && to !== null) {
        write([at(from)], to, cmd.cwd, true);
        return [];
      }
      const out = from === null ? input : read([from]);
      if (to === null) return out;
      write(out, to, cmd.cwd);
      return [];
    }
    case 'openssl': {
      const from = optionValue(args, '-in');
      const out = from === null ? input : read([from]);
      const to = optionValue(args, '-out');
      if (to === null) return out;
      write(out, to, cmd.cwd);
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
      write(out, positionals[1], cmd.cwd);
      return [];
    }
    case 'cp':
    case 'install':
    case 'mv':
    case 'ln': {
      // `cp /dev/stdin FILE` writes what the pipe brings, which its exec does not show; the others their exec names.
      const stdin = name === 'cp' || name === 'install';
      if (stdin && files.length === 2 && STDIN_NAMES.has(files[0]!)) write(input, files[1]!, cmd.cwd);
      else if (files.length >= 2) write(files.slice(0, -1).map(at), files.at(-1)!, cmd.cwd, true);
      return [];
    }
    case 'unzip': {
      const d = args.lastIndexOf('-d');
      write([], d >= 0 ? (args[d + 1] ?? '.') : '.', cmd.cwd, true);
      return [];
    }
    case 'xargs':
      return xargsFlow(cmd, args, input, write, lists);
    case 'zip': {
      const { archive, names } = readZip(args);
      return archive === '-' ? read(names) : [];
    }
    case 'echo':
    case 'printf':
      // Names listed for a reader of name lists (`rsync --files-from=-`); a format (`%s\n`) is none.
      return files.filter((w) => !w.includes('%')).map((w): Content => ({ source: w, member: w, listed: true }));
    case 'rsync':
      return rsyncListed(args, cmd.cwd, input, write, lists);
    default:
      return [];
  }
}

/** `tar c` to stdout: its names, with their member names; `tar x` from stdin: the stream's members under its directory. */
function tarFlow(args: string[], cwd: string | null, input: Content[], write: Writer, program: string): Content[] {
  const tar = readTarCommand(args, cwd, tarFlavourOf(program));
  const stdio = stdioArchive(tar.archive);
  if (tar.creates && stdio) return tarEntries(tar);
  // Its directory: what it extracts, from a stream or its archive file (whose exec names both), is written there.
  if (tar.extracts && tar.dir !== null) write([], tar.dir, cwd, !stdio);
  if (tar.extracts && stdio) {
    const dir = tar.dir === null ? null : scriptTarget(tar.dir, cwd);
    for (const c of input)
      if (c.member !== null && !c.listed && dir !== null) write([c], intoByPath(dir, c.member), null);
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
  write: Writer,
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
  const dest = positionals.at(-1);
  if (list === null && positionals.length >= 2 && !dest!.includes(':'))
    write(
      positionals.slice(0, -1).map((p) => ({ source: absoluteSource(p, cwd), member: null })),
      dest!,
      cwd,
      true,
    );
  if (list === null || positionals.length !== 2 || positionals.some((p) => p.includes(':'))) return [];
  const listFile = list === '-' ? null : scriptTarget(list, cwd);
  const names = list === '-' ? input : listFile === null ? [] : (lists.get(listFile) ?? []);
  const from = absoluteSource(positionals[0]!.replace(/\/*$/, '/'), cwd);
  const dir = scriptTarget(positionals[1]!, cwd);
  if (dir === null) return [];
  for (const c of names) {
    if (c.member === null || !c.listed) continue;
    write([{ source: absoluteSource(c.member, from), member: null }], intoByPath(dir, c.member), null);
  }
  return [];
}

/** xargs' options that take the next word as a value. */
const XARGS_VALUED = new Set(['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter']);

/**
 * `echo NAME | xargs cat`: the names listed into xargs' stdin become its command's last words (`-I R`: each one in
 * place of R, the command run once a name); found by red-team: `echo token | xargs cat > /workspace/t` was missed.
 */
function xargsFlow(
  cmd: ShellCommand,
  args: string[],
  input: Content[],
  write: Writer,
  lists: ReadonlyMap<string, Content[]>,
): Content[] {
  let replace: string | null = null;
  let at = 0;
  for (; at < args.length; at++) {
    const w = args[at]!;
    if (w === '--') {
      at++;
      break;
    }
    if (!w.startsWith('-') || w.length === 1) break;
    if (w === '-I') replace = args[at + 1] ?? null;
    else if (w.startsWith('-I')) replace = w.slice(2) || null;
    else if (w === '-i' || w === '--replace') replace = '{}';
    if (XARGS_VALUED.has(w)) at++;
  }
  const names = input.filter((c) => c.listed).map((c) => c.source);
  const command = at < args.length ? args.slice(at) : ['echo'];
  if (names.length === 0) return [];
  const runs =
    replace === null ? [[...command, ...names]] : names.map((n) => command.map((w) => w.split(replace).join(n)));
  return runs.flatMap((words) => flow({ ...cmd, words, stdin: null, piped: false }, [], write, lists));
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
