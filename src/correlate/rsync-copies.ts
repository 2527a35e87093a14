/**
 * `rsync` copying on the node's own filesystem (`rsync -a /var/run/secrets/kubernetes.io/serviceaccount
 * /workspace/`) is a copy as `cp` is (./relinks.ts, ./pod-copies.ts). Its rules differ: a directory without a
 * trailing `/` goes into the destination under its name (`DEST/serviceaccount/token`), one with it has its
 * files go into the destination itself (`DEST/token`); `-R` keeps the path as given (after a `/./` when there
 * is one); `-t` is no target directory but "keep times". A copy from or to another host (`host:path`,
 * `rsync://`) is no local copy and is left to the push rules. With `--files-from=FILE` the names are in a file
 * (one a shell's script writes or pipes in is read there: ./shell-copies.ts): they are below the source directory
 * and land below the destination by their path, so a secret directory as the source makes every file below the
 * destination its copy, as with `DIR/`.
 */
import { type FlagSyntax, parseArgv } from '../rules/argv.js';
import {
  absoluteSource,
  absoluteTarget,
  intoByName,
  intoByPath,
  NO_RELINK,
  namesDirectory,
  type Relink,
} from './copy-paths.js';

/**
 * Options that take a value (`--opt VALUE`, `--opt=VALUE`; popt takes no abbreviations), and the short ones that
 * take the rest of the word or the next one (`-e ssh`, `-f'- *.o'`, `-T /tmp`).
 */
const RSYNC_SYNTAX: FlagSyntax = {
  valueFlags: (
    'rsh rsync-path exclude include filter files-from exclude-from include-from temp-dir partial-dir ' +
    'backup-dir suffix chmod chown usermap groupmap block-size bwlimit timeout contimeout log-file ' +
    'log-file-format password-file port address sockopts remote-option compare-dest copy-dest link-dest ' +
    'max-size min-size max-delete max-alloc modify-window out-format log-format info debug iconv outbuf ' +
    'compress-choice zc compress-level zl checksum-choice cc skip-compress checksum-seed read-batch ' +
    'write-batch only-write-batch protocol stop-after stop-at early-input copy-as time-limit'
  )
    .split(' ')
    .map((o) => `--${o}`),
  valueShortLetters: 'efTBM@',
};
const RECURSIVE = new Set(['-r', '-a', '--recursive', '--archive']);

/** `host:path`, `user@host:path`, `host::module`, `rsync://…`: another host (a `:` before any `/`). */
function remote(word: string): boolean {
  const colon = word.indexOf(':');
  return colon > 0 && (word.indexOf('/') < 0 || colon < word.indexOf('/'));
}

/** The path `-R` keeps: after the last `/./`, else as given. */
function relativePart(given: string): string {
  const dot = given.lastIndexOf('/./');
  return dot < 0 ? given : given.slice(dot + 3);
}

export function rsyncCopy(words: readonly string[], base: string | null): Relink {
  const { positionals, flags } = parseArgv(words, RSYNC_SYNTAX);
  let recursive = false;
  let relative = false;
  let listed = false;
  for (const { flag } of flags) {
    if (flag === '--files-from') listed = true;
    if (RECURSIVE.has(flag)) recursive = true;
    else if (flag === '-R' || flag === '--relative') relative = true;
    else if (flag === '--no-relative' || flag === '--no-R') relative = false;
  }
  // One word lists the source (`rsync -a DIR`: no copy); every word must be on this host.
  if (positionals.length < 2 || positionals.some(remote)) return NO_RELINK;
  const given = positionals.slice(0, -1);
  const destination = positionals.at(-1)!;
  const target = absoluteTarget(destination, base);
  const sources = given.map((p) => absoluteSource(p, base));
  const into = (p: string, i: number): string => {
    const t = target!;
    // The names listed are not on the command line: any file below the destination may be one.
    if (listed) return t;
    if (relative) return intoByPath(t, relativePart(p));
    // `DIR/`: its files go into the destination itself (their names are not on the command line).
    if (recursive && p.endsWith('/')) return t;
    return intoByName(t, sources[i]!);
  };
  return {
    sources,
    target,
    intoDirectory: given.length > 1 || namesDirectory(destination) || relative || listed,
    filesOnly: !recursive && !listed,
    into: target === null ? [] : given.map(into),
  };
}
