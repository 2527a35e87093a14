/**
 * The command-line grammars of the tars a container runs, for ./tar-command.ts: GNU tar's, bsdtar's (libarchive)
 * and busybox's applet. They differ where a copy hides: bsdtar's `-L` (follow symlinks) and `-H` take no value where
 * GNU's `-L N` (tape length) and `-H FORMAT` do, bsdtar's `-s PATTERN` takes one where GNU's `-s` (same order) does
 * not, and bsdtar's `-I FILE` names a list of names where GNU's names a compress program: read as GNU's, `bsdtar -cLf
 * /tmp/c SECRET` took `f` for `-L`'s value, named no archive, and the copy was missed (found by review). Checked
 * against libarchive 3.7's tar/cmdline.c and bsdtar.c (short options `aBb:C:cf:HhI:JjkLlmnOoPpqrSs:T:tUuvW:wX:xyZz`),
 * busybox 1.36's archival/tar.c (`txC:f:Oopvkch` `jaT:X:zJZm`, its long options) and GNU tar 1.34's manual.
 */
import { basename } from './argv.js';

/**
 * Which tar a program runs. A plain `tar` is GNU tar on Debian, Ubuntu and RHEL images and busybox's on Alpine
 * (unless GNU tar is installed), and an exec's name cannot tell which image it is: it is read both ways and their
 * names joined ('gnu-or-busybox', see ./tar-command.ts readTarCommand). Busybox's applet exec'd through its link
 * is the busybox binary under both sensors as the normalizers give it (`busybox tar …`); toybox's applet is read as
 * GNU tar (its letters taking a value, f C T X I, are GNU's).
 */
export type TarFlavour = 'gnu' | 'bsdtar' | 'busybox' | 'gnu-or-busybox';

/** The tar a binary runs, by its name (a multi-call binary's: its applet is tar, see ./tar-command.ts tarArgsOf). */
export function tarFlavourOf(binary: string | null): TarFlavour {
  switch (basename(binary)) {
    case 'bsdtar':
      return 'bsdtar';
    case 'busybox':
      return 'busybox';
    case 'tar':
      return 'gnu-or-busybox';
    default:
      return 'gnu';
  }
}

/** What the value of an option is to readTarCommand: the archive (f), the directory (C), the compress program (I). */
export type KeptValue = 'f' | 'C' | 'I';

export interface TarGrammar {
  /** Short letters that take a value (the next word, or the rest of a dashed bundle). */
  valued: string;
  /** Short letters the tar knows (null: not tracked); another one, and it refuses the line. */
  known: string | null;
  /** Operation letters (`c` create, `r` append, `u` update, `x` extract, `t` list, `A` concatenate, `d` diff). */
  operations: string;
  /** Short letters whose value readTarCommand keeps (the letter is its KeptValue). */
  kept: string;
  /** Short letters sending what is extracted to stdout or a program, or running a program. */
  toProgram: string;
  /** Short letters renaming members. */
  renames: string;
  /** A short letter whose value is a long option (`-W file=/x`: bsdtar's), or null. */
  longLetter: string | null;
  /** Every long option, to read an abbreviation (a prefix naming one) as the tar's getopt does. */
  long: readonly string[];
  longWhole: ReadonlySet<string>;
  longValued: ReadonlySet<string>;
  longKept: ReadonlyMap<string, KeptValue>;
  longOperations: ReadonlyMap<string, string>;
  toProgramLong: readonly string[];
  renamesLong: readonly string[];
  /** Options may follow names (GNU's and busybox's getopt permute); bsdtar's end at the first name. */
  optionsAnywhere: boolean;
  /** Only the last `-C` counts, for every name (busybox changes directory once, before it reads a name). */
  oneDirectory: boolean;
  /** The first word's `f` is moved to its end, and the word read as a dashed bundle (busybox's compatibility). */
  bundleFLast: boolean;
  /** `-C DIR` among the names moves where the next start, when creating (bsdtar's write mode). */
  dirAmongNames: boolean;
  /** A name `@ARCHIVE` adds that archive's entries, when creating (bsdtar's write mode; its read mode takes it as a pattern). */
  archiveNames: boolean;
}

const longs = (names: string): string[] => names.split(' ').map((o) => `--${o}`);

/** The operations' long options (whole: a prefix is read as the option first), by their letter. */
const OPERATIONS_LONG: ReadonlyArray<[string, string]> = [
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
];
const operationsOf = (long: ReadonlySet<string>) => new Map(OPERATIONS_LONG.filter(([o]) => long.has(o)));

/**
 * GNU tar's long options (1.34's `--help`, and 1.35's `--set-mtime-*`). Read as written, `tar --cre -f - /var/lib/pg`
 * under the runtime was no copy out, and `--dir=DIR` left the names where tar started.
 */
const GNU_LONG = longs(
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
    'wildcards wildcards-match-slash xattrs xattrs-exclude xattrs-include xform xz zstd',
);
const GNU_LONG_WHOLE: ReadonlySet<string> = new Set(GNU_LONG);

export const GNU_TAR: TarGrammar = {
  valued: 'fCTXbHKLNVgIF',
  known: null,
  operations: 'crutxAd',
  kept: 'fCI',
  toProgram: 'OF',
  // GNU's `-s` is --same-order; taken as a rename as before, which only makes a reader more careful.
  renames: 's',
  longLetter: null,
  long: GNU_LONG,
  longWhole: GNU_LONG_WHOLE,
  // GNU tar 1.34's and 1.35's, whole.
  longValued: new Set(
    longs(
      'file directory files-from exclude-from exclude format label use-compress-program blocking-factor newer ' +
        'after-date newer-mtime owner group mode mtime transform xform strip-components suffix tape-length ' +
        'record-size to-command checkpoint-action index-file level listed-incremental rsh-command volno-file ' +
        'warning sort hole-detection xattrs-include xattrs-exclude info-script new-volume-script starting-file ' +
        'anchored-exclude add-file exclude-ignore exclude-ignore-recursive exclude-tag exclude-tag-all ' +
        'exclude-tag-under group-map owner-map pax-option quote-chars no-quote-chars quoting-style rmt-command ' +
        'sparse-version set-mtime-command set-mtime-format',
    ),
  ),
  longKept: new Map([
    ['--file', 'f'],
    ['--directory', 'C'],
    ['--use-compress-program', 'I'],
  ]),
  longOperations: operationsOf(GNU_LONG_WHOLE),
  toProgramLong: longs('to-stdout to-command info-script new-volume-script checkpoint-action rsh-command'),
  renamesLong: longs('transform xform'),
  optionsAnywhere: true,
  oneDirectory: false,
  bundleFLast: false,
  dirAmongNames: false,
  archiveNames: false,
};

/**
 * libarchive 3.7's long options, and later ones' GNU-compatible `--group`, `--owner`, `--mode`, `--mtime` and
 * `--clamp-mtime`: a bsdtar that does not know one refuses the line, so reading its value costs nothing.
 */
const BSDTAR_LONG = longs(
  'absolute-paths append acls auto-compress b64encode block-size blocking-factor bunzip2 bzip bzip2 cd ' +
    'check-links chroot clamp-mtime clear-nochange-fflags compress confirmation create dereference directory ' +
    'disable-copyfile exclude exclude-from exclude-vcs extract fast-read fflags file files-from format gid gname ' +
    'group grzip gunzip gzip help hfsCompression ignore-zeros include insecure interactive keep-newer-files ' +
    'keep-old-files list lrzip lz4 lzip lzma lzop mac-metadata mode modification-time mtime newer newer-ctime ' +
    'newer-ctime-than newer-mtime newer-mtime-than newer-than no-acls no-fflags no-mac-metadata no-read-sparse ' +
    'no-recursion no-safe-writes no-same-owner no-same-permissions no-xattr no-xattrs nodump ' +
    'nopreserveHFSCompression norecurse null numeric-owner older older-ctime older-ctime-than older-mtime ' +
    'older-mtime-than older-than one-file-system options owner passphrase posix preserve-permissions ' +
    'read-full-blocks read-sparse safe-writes same-owner same-permissions strip-components to-stdout totals uid ' +
    'uname uncompress unlink unlink-first update use-compress-program uuencode verbose version xattrs xz zstd',
);
const BSDTAR_LONG_WHOLE: ReadonlySet<string> = new Set(BSDTAR_LONG);

export const BSDTAR: TarGrammar = {
  // `-I FILE` is `-T FILE` (names from a file), `-s PATTERN` renames, `-W OPTION=VALUE` a long option. Only `-O`
  // (`--to-stdout`) sends what it extracts elsewhere: bsdtar has none of GNU's `--to-command`, `--info-script`,
  // `--checkpoint-action` or `--rsh-command` (it refuses them), and the one program it runs of the command line's
  // choosing, `--use-compress-program PROG`, is kept as the compress program (longKept), as GNU's `-I` is.
  valued: 'bCfIsTWX',
  known: 'aBbCcfHhIJjkLlmnOoPpqrSsTtUuvWwXxyZz',
  operations: 'crutx',
  kept: 'fC',
  toProgram: 'O',
  renames: 's',
  longLetter: 'W',
  long: BSDTAR_LONG,
  longWhole: BSDTAR_LONG_WHOLE,
  longValued: new Set(
    longs(
      'block-size blocking-factor cd directory exclude exclude-from file files-from format gid gname group ' +
        'include mode mtime newer newer-ctime newer-ctime-than newer-mtime newer-mtime-than newer-than older ' +
        'older-ctime older-ctime-than older-mtime older-mtime-than older-than options owner passphrase ' +
        'strip-components uid uname use-compress-program',
    ),
  ),
  longKept: new Map([
    ['--file', 'f'],
    ['--directory', 'C'],
    ['--cd', 'C'],
    ['--use-compress-program', 'I'],
  ]),
  longOperations: operationsOf(BSDTAR_LONG_WHOLE),
  toProgramLong: ['--to-stdout'],
  renamesLong: [],
  optionsAnywhere: false,
  oneDirectory: false,
  bundleFLast: false,
  dirAmongNames: true,
  archiveNames: true,
};

/** Busybox 1.36's (a full build's: FEATURE_TAR_CREATE, _FROM, _LONG_OPTIONS, _TO_COMMAND and the compressors). */
const BUSYBOX_LONG = longs(
  'list extract directory file to-stdout no-same-owner same-permissions verbose keep-old create dereference ' +
    'bzip2 lzma files-from exclude-from gzip xz compress touch strip-components no-recursion to-command ' +
    'numeric-owner no-same-permissions overwrite exclude',
);
const BUSYBOX_LONG_WHOLE: ReadonlySet<string> = new Set(BUSYBOX_LONG);

export const BUSYBOX_TAR: TarGrammar = {
  valued: 'fCTX',
  known: 'txCfOopvkchjaTXzJZm',
  operations: 'ctx',
  kept: 'fC',
  toProgram: 'O',
  renames: '',
  longLetter: null,
  long: BUSYBOX_LONG,
  longWhole: BUSYBOX_LONG_WHOLE,
  longValued: new Set(longs('directory file files-from exclude-from strip-components to-command exclude')),
  longKept: new Map([
    ['--file', 'f'],
    ['--directory', 'C'],
  ]),
  longOperations: operationsOf(BUSYBOX_LONG_WHOLE),
  toProgramLong: ['--to-stdout', '--to-command'],
  renamesLong: [],
  optionsAnywhere: true,
  oneDirectory: true,
  bundleFLast: true,
  dirAmongNames: false,
  archiveNames: false,
};
