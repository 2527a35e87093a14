/**
 * `tar` creating an archive file of a secret (`tar czf /workspace/source/sa.tgz /var/run/secrets/…`) puts a copy
 * of it into that file, as `cp` would (./pod-copies.ts): another container of the pod reading the archive
 * reads the secret. Only the create, append and update modes with an archive file named on the command line:
 * an archive written to stdout (`-f -`, or no `-f` at all) goes through a pipe the command line does not show
 * (`tar cf - token | tar xf - -C /workspace`: read in a shell's script, ./shell-copies.ts), and what an extraction
 * of an archive file writes is not named.
 */
import { posix } from 'node:path';
import { absoluteSource, absoluteTarget, NO_RELINK, type Relink } from './copy-paths.js';

/** The tar programs whose command lines readTar reads (busybox's and toybox's as applets). */
export const TARS: ReadonlySet<string> = new Set(['tar', 'gtar', 'bsdtar']);

/** Short options that take a value (the next word, or the rest of a dashed bundle). */
const SHORT_VALUED = 'fCTXbHKLNVgIF';
/** Long options (GNU tar takes any unambiguous prefix; these are written whole in practice) that take a value. */
const LONG_VALUED = new Set(
  (
    'file directory files-from exclude-from exclude format label use-compress-program blocking-factor newer ' +
    'after-date newer-mtime owner group mode mtime transform xform strip-components suffix tape-length ' +
    'record-size to-command checkpoint-action index-file level listed-incremental rsh-command volno-file ' +
    'warning sort hole-detection xattrs-include xattrs-exclude info-script new-volume-script starting-file ' +
    'anchored-exclude add-file'
  )
    .split(' ')
    .map((o) => `--${o}`),
);
const CREATE_LONG = new Set(['--create', '--append', '--update']);
/** The long options whose value readTar keeps, by their short letter. */
const LONG_LETTERS: ReadonlyMap<string, string> = new Map([
  ['--file', 'f'],
  ['--directory', 'C'],
  ['--use-compress-program', 'I'],
]);

/** `host:file` (rmt), `-` (stdout): no file on this host that another container could read. */
export function localFile(archive: string | null): archive is string {
  if (archive === null || archive === '-') return false;
  const colon = archive.indexOf(':');
  return colon < 0 || (archive.indexOf('/') >= 0 && archive.indexOf('/') < colon);
}

/** What a tar command line says: its mode, its archive file (`-` or null: stdout/stdin) and the names it takes. */
export interface TarCommand {
  /** Create, append or update (`c`, `r`, `u`). */
  creates: boolean;
  /** Extract (`x`, `--extract`, `--get`). */
  extracts: boolean;
  archive: string | null;
  /** The last `-C DIR`, where an extraction writes (null: the working directory, when known). */
  dir: string | null;
  /** Each name, made absolute, and the member name tar gives it (leading `/` and `../` dropped). */
  entries: Array<{ source: string; member: string }>;
  /**
   * What it extracts goes to a program or stdout rather than files (`-O`, `--to-stdout`, `--to-command`), or it
   * runs a program of the command line's choosing besides a compressor (`-F`, `--info-script`,
   * `--new-volume-script`, `--checkpoint-action`, `--rsh-command`).
   */
  toProgram: boolean;
  /** Members get names the archive does not hold: GNU's `--transform`/`--xform`, bsdtar's `-s` (GNU's `-s` too). */
  renames: boolean;
  /** `-I PROG`, `--use-compress-program=PROG` (null: none, or a compression letter). */
  compressProgram: string | null;
}

const TO_PROGRAM_LONG = [
  '--to-stdout',
  '--to-command',
  '--info-script',
  '--new-volume-script',
  '--checkpoint-action',
  '--rsh-command',
];
const RENAMES_LONG = ['--transform', '--xform'];

/**
 * Whether a long option is one of `options` as GNU tar reads it: whole, or any prefix (`--to-com=…`, `--tran`: GNU
 * takes an unambiguous one; an ambiguous one it refuses, and taking it here costs nothing). `--checkpoint` is an
 * option of its own (progress), no prefix of `--checkpoint-action`.
 */
function namesOneOf(option: string, options: readonly string[]): boolean {
  if (option.length < 4 || option === '--checkpoint') return false;
  return options.some((o) => o.startsWith(option));
}

export function readTar(words: readonly string[], base: string | null): TarCommand {
  let creates = false;
  let extracts = false;
  let archive: string | null = null;
  let toProgram = false;
  let renames = false;
  let compressProgram: string | null = null;
  // `-C DIR` applies to the names after it.
  let dir = base;
  const entries: Array<{ source: string; member: string }> = [];
  const name = (p: string) => entries.push({ source: absoluteSource(p, dir), member: memberName(p) });
  /** An option's value: `-C DIR` moves where the next names start. */
  const take = (letter: string, value: string | undefined) => {
    if (value === undefined) return;
    if (letter === 'f') archive = value;
    else if (letter === 'I') compressProgram = value;
    else if (letter === 'C') dir = value.startsWith('/') ? value : dir === null ? null : posix.resolve(dir, value);
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      for (const p of words.slice(i + 1)) name(p);
      break;
    }
    // Old style: the first word is a bundle without a dash (`czf FILE`), its valued letters taking the next words.
    const oldStyle = i === 0 && w.length > 0 && w[0] !== '-' && /^[A-Za-z]+$/.test(w);
    if (oldStyle || (w.length > 1 && w[0] === '-' && w[1] !== '-')) {
      let next = i + 1;
      for (let j = oldStyle ? 0 : 1; j < w.length; j++) {
        const letter = w[j]!;
        if (letter === 'c' || letter === 'r' || letter === 'u') creates = true;
        if (letter === 'x') extracts = true;
        if (letter === 'O' || letter === 'F') toProgram = true;
        if (letter === 's') renames = true;
        if (!SHORT_VALUED.includes(letter)) continue;
        if (oldStyle) take(letter, words[next++]);
        else {
          take(letter, j === w.length - 1 ? words[next++] : w.slice(j + 1));
          break;
        }
      }
      i = next - 1;
    } else if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const option = eq < 0 ? w : w.slice(0, eq);
      if (CREATE_LONG.has(option)) creates = true;
      if (option === '--extract' || option === '--get') extracts = true;
      if (namesOneOf(option, TO_PROGRAM_LONG)) toProgram = true;
      if (namesOneOf(option, RENAMES_LONG)) renames = true;
      if (!LONG_VALUED.has(option)) continue;
      const value = eq < 0 ? words[++i] : w.slice(eq + 1);
      take(LONG_LETTERS.get(option) ?? '', value);
    } else name(w);
  }
  return { creates, extracts, archive, dir, entries, toProgram, renames, compressProgram };
}

/** The name tar stores: without a leading `/` or `../` (tar strips them), nor `./`. */
function memberName(given: string): string {
  return given.replace(/^(?:\/+|\.\.?\/+)+/, '').replace(/\/+$/, '') || '.';
}

export function tarCopy(words: readonly string[], base: string | null): Relink {
  const { creates, archive, entries } = readTar(words, base);
  if (!creates || !localFile(archive) || entries.length === 0) return NO_RELINK;
  const target = absoluteTarget(archive, base);
  return {
    sources: entries.map((e) => e.source),
    target,
    // The archive is one file holding them all: reading it is reading each.
    intoDirectory: false,
    filesOnly: true,
    into: target === null ? [] : entries.map(() => target),
  };
}
