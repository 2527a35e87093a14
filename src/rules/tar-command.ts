/**
 * What a tar command line says (GNU tar, bsdtar, busybox's and toybox's applet), read in one place for everyone who
 * asks: the pod side of `kubectl cp` (./archive-stdout.ts: an archive created to stdout), an archive file created of
 * a secret (../correlate/tar-copies.ts), the directory an extraction writes into (../correlate/cache-writes.ts), a
 * tar stream through a shell's pipes (../correlate/shell-writes.ts) and a restore's extraction whose reads are kept
 * aside (../correlate/archive-extractions.ts). Each read the words on its own before (one parsed bundles only as the
 * first word), so a form one learned the others missed.
 */
import { posix } from 'node:path';
import { basename } from './argv.js';
import { appletOf, MULTI_CALL } from './launchers.js';

/** The tar programs readTarCommand reads (busybox's and toybox's as applets). */
export const TAR_PROGRAMS: ReadonlySet<string> = new Set(['tar', 'gtar', 'bsdtar']);

/**
 * The arguments of the tar a binary runs, by its name (few execs are tar or a multi-call binary), or null. A
 * multi-call binary runs one only as its `tar` applet: neither busybox nor toybox has a `gtar` or `bsdtar` (that
 * exec fails). ../correlate/exec-line.ts names the applet whatever it is, so its readers take `busybox gtar` for a
 * tar too; never run, no answer of theirs differs for it.
 */
export function tarArgsOf(binary: string | null, args: string | null): string | null {
  if (binary === null) return null;
  const name = basename(binary);
  if (TAR_PROGRAMS.has(name)) return args ?? '';
  if (!MULTI_CALL.has(name)) return null;
  const applet = appletOf({ binary, args });
  return applet !== null && basename(applet.binary) === 'tar' ? applet.args : null;
}

/** Archive names that are tar's stdin or stdout, as `-` is (`tar cf /dev/stdout token | tar xf - -C DIR`). */
const STDIO_DEVICES: ReadonlySet<string> = new Set([
  '-',
  '/dev/stdin',
  '/dev/stdout',
  '/dev/fd/0',
  '/dev/fd/1',
  '/proc/self/fd/0',
  '/proc/self/fd/1',
]);

/**
 * The archive is tar's stdin or stdout: `-`, their devices, or none named (tar's default: busybox's, and GNU tar's
 * as distributions build it, `tar --show-defaults` printing `-f-`).
 */
export function stdioArchive(archive: string | null): boolean {
  return archive === null || STDIO_DEVICES.has(archive);
}

/** `host:file` (rmt), stdio: no file on this host that another container could read. */
export function localArchive(archive: string | null): archive is string {
  if (archive === null || STDIO_DEVICES.has(archive)) return false;
  const colon = archive.indexOf(':');
  return colon < 0 || (archive.indexOf('/') >= 0 && archive.indexOf('/') < colon);
}

/** A name on the command line (a file to add, or a member to extract). */
export interface TarMember {
  /** As given. */
  given: string;
  /** The `-C` directory in force where it was named (absolute; null: the working directory, or unknown). */
  dir: string | null;
  /** The name tar stores it under: without a leading `/` or `../` (tar strips them), nor `./`. */
  member: string;
}

/** What a tar command line says: its operation, its archive, where it works, the names it takes, where output goes. */
export interface TarCommand {
  /**
   * The operation letters given, in order (`c` create, `r` append, `u` update, `x` extract, `t` list, `A`
   * concatenate, `d` diff; the long options as their letters). Tar refuses more than one; a reader may see several.
   */
  operations: string;
  /** Create, append or update (`c`, `r`, `u`, `--create`, `--append`, `--update`). */
  creates: boolean;
  /** Extract (`x`, `--extract`, `--get`). */
  extracts: boolean;
  /** The archive named (`-f`, `--file`): `-` for stdio, null when none (tar's default, stdio in practice). */
  archive: string | null;
  /** The last `-C DIR` (`--directory`), made absolute (null: the working directory, when known). */
  dir: string | null;
  /** The names given, each with the `-C` directory it was named under. */
  members: TarMember[];
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

/** Short options that take a value (the next word, or the rest of a dashed bundle). */
const SHORT_VALUED = 'fCTXbHKLNVgIF';
/** Long options that take a value (the next word, or after `=`): GNU tar 1.34's and 1.35's, whole. */
const LONG_VALUED = new Set(
  (
    'file directory files-from exclude-from exclude format label use-compress-program blocking-factor newer ' +
    'after-date newer-mtime owner group mode mtime transform xform strip-components suffix tape-length ' +
    'record-size to-command checkpoint-action index-file level listed-incremental rsh-command volno-file ' +
    'warning sort hole-detection xattrs-include xattrs-exclude info-script new-volume-script starting-file ' +
    'anchored-exclude add-file exclude-ignore exclude-ignore-recursive exclude-tag exclude-tag-all ' +
    'exclude-tag-under group-map owner-map pax-option quote-chars no-quote-chars quoting-style rmt-command ' +
    'sparse-version set-mtime-command set-mtime-format'
  )
    .split(' ')
    .map((o) => `--${o}`),
);
/**
 * GNU tar's long options (1.34's `--help`, and 1.35's `--set-mtime-*`), to read an abbreviation as its getopt does:
 * any prefix naming one option is that option (`--dir=/srv` is `-C /srv`, `--cre` is `-c`, `--use-comp=PROG` is `-I
 * PROG`). Read as written, `tar --cre -f - /var/lib/pg` under the runtime was no copy out, and `--dir=DIR` left the
 * names where tar started.
 */
const GNU_LONG: readonly string[] = (
  'absolute-names acls add-file after-date anchored append atime-preserve auto-compress backup block-number ' +
  'blocking-factor bzip2 catenate check-device check-links checkpoint checkpoint-action clamp-mtime compare ' +
  'compress concatenate confirmation create delay-directory-restore delete dereference diff directory exclude ' +
  'exclude-backups exclude-caches exclude-caches-all exclude-caches-under exclude-from exclude-ignore ' +
  'exclude-ignore-recursive exclude-tag exclude-tag-all exclude-tag-under exclude-vcs exclude-vcs-ignores ' +
  'extract file files-from force-local format full-time get group group-map gunzip gzip hard-dereference help ' +
  'hole-detection ignore-case ignore-command-error ignore-failed-read ignore-zeros incremental index-file ' +
  'info-script interactive keep-directory-symlink keep-newer-files keep-old-files label level list ' +
  'listed-incremental lzip lzma lzop mode mtime multi-volume new-volume-script newer newer-mtime no-acls ' +
  'no-anchored no-auto-compress no-check-device no-delay-directory-restore no-ignore-case ' +
  'no-ignore-command-error no-null no-overwrite-dir no-quote-chars no-recursion no-same-owner ' +
  'no-same-permissions no-seek no-selinux no-unquote no-verbatim-files-from no-wildcards ' +
  'no-wildcards-match-slash no-xattrs null numeric-owner occurrence old-archive one-file-system one-top-level ' +
  'overwrite overwrite-dir owner owner-map pax-option portability posix preserve-order preserve-permissions ' +
  'quote-chars quoting-style read-full-records record-size recursion recursive-unlink remove-files restrict ' +
  'rmt-command rsh-command same-order same-owner same-permissions seek selinux set-mtime-command ' +
  'set-mtime-format show-defaults show-omitted-dirs show-snapshot-field-ranges show-stored-names ' +
  'show-transformed-names skip-old-files sort sparse sparse-version starting-file strip-components suffix ' +
  'tape-length test-label to-command to-stdout totals touch transform uncompress ungzip unlink-first unquote ' +
  'update usage use-compress-program utc verbatim-files-from verbose verify version volno-file warning ' +
  'wildcards wildcards-match-slash xattrs xattrs-exclude xattrs-include xform xz zstd'
)
  .split(' ')
  .map((o) => `--${o}`);
const GNU_LONG_WHOLE: ReadonlySet<string> = new Set(GNU_LONG);

/**
 * The long option a word's option part names: itself when whole (or unknown to GNU tar: bsdtar's, busybox's), else
 * the one GNU option it is a prefix of. An ambiguous prefix (`--fil`: `--file`, `--files-from`) tar refuses; it
 * stays as written.
 */
function longOption(option: string): string {
  if (option.length < 3 || GNU_LONG_WHOLE.has(option)) return option;
  let named: string | null = null;
  for (const o of GNU_LONG) {
    if (!o.startsWith(option)) continue;
    if (named !== null) return option;
    named = o;
  }
  return named ?? option;
}
/** The long options whose value readTarCommand keeps, by their short letter. */
const LONG_LETTERS: ReadonlyMap<string, string> = new Map([
  ['--file', 'f'],
  ['--directory', 'C'],
  ['--use-compress-program', 'I'],
]);
const OPERATION_LETTERS = 'crutxAd';
/** The operations' long options (whole: longOption reads a prefix of one), by their letter. */
const LONG_OPERATIONS: ReadonlyMap<string, string> = new Map([
  ['--create', 'c'],
  ['--append', 'r'],
  ['--update', 'u'],
  ['--extract', 'x'],
  ['--get', 'x'],
  ['--list', 't'],
  ['--catenate', 'A'],
  ['--concatenate', 'A'],
  ['--diff', 'd'],
  ['--compare', 'd'],
]);
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

/** The name tar stores: without a leading `/` or `../` (tar strips them), nor `./`. */
function memberName(given: string): string {
  return given.replace(/^(?:\/+|\.\.?\/+)+/, '').replace(/\/+$/, '') || '.';
}

/** Reads tar's arguments (after the program's name); `base` is the working directory (absolute) or null. */
export function readTarCommand(words: readonly string[], base: string | null): TarCommand {
  let operations = '';
  let archive: string | null = null;
  let toProgram = false;
  let renames = false;
  let compressProgram: string | null = null;
  // `-C DIR` applies to the names after it.
  let dir = base;
  const members: TarMember[] = [];
  const name = (given: string) => members.push({ given, dir, member: memberName(given) });
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
        if (OPERATION_LETTERS.includes(letter)) operations += letter;
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
      const option = longOption(eq < 0 ? w : w.slice(0, eq));
      operations += LONG_OPERATIONS.get(option) ?? '';
      if (namesOneOf(option, TO_PROGRAM_LONG)) toProgram = true;
      if (namesOneOf(option, RENAMES_LONG)) renames = true;
      if (!LONG_VALUED.has(option)) continue;
      const value = eq < 0 ? words[++i] : w.slice(eq + 1);
      take(LONG_LETTERS.get(option) ?? '', value);
    } else name(w);
  }
  return {
    operations,
    creates: /[cru]/.test(operations),
    extracts: operations.includes('x'),
    archive,
    dir,
    members,
    toProgram,
    renames,
    compressProgram,
  };
}
