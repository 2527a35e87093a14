/**
 * What a tar command line says (GNU tar, bsdtar, busybox's and toybox's applet), read in one place for everyone who
 * asks: the pod side of `kubectl cp` (./archive-stdout.ts: an archive created to stdout), an archive file created of
 * a secret (../correlate/tar-copies.ts), the directory an extraction writes into (../correlate/cache-writes.ts), a
 * tar stream through a shell's pipes (../correlate/shell-writes.ts) and a restore's extraction whose reads are kept
 * aside (../correlate/archive-extractions.ts). Each read the words on its own before (one parsed bundles only as the
 * first word), so a form one learned the others missed. Each caller says which tar runs (tarFlavourOf, by the exec's
 * binary), and the line is read in that tar's grammar (./tar-grammars.ts).
 */
import { posix } from 'node:path';
import { basename } from './argv.js';
import { appletOf, MULTI_CALL } from './launchers.js';
import { BSDTAR, BUSYBOX_TAR, GNU_TAR, type TarFlavour, type TarGrammar } from './tar-grammars.js';

export { type TarFlavour, tarFlavourOf } from './tar-grammars.js';

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
  /**
   * The name tar stores it under: without a leading `/` or `../` (tar strips them), nor `./`. null: bsdtar's
   * `@ARCHIVE` or a name GNU's `-A` concatenates, `given` the archive whose entries it adds under their own names,
   * which the command line does not show.
   */
  member: string | null;
}

/** What a tar command line says: its operation, its archive, where it works, the names it takes, where output goes. */
export interface TarCommand {
  /**
   * The operation letters given, in order (`c` create, `r` append, `u` update, `x` extract, `t` list, `A`
   * concatenate, `d` diff; the long options as their letters). Tar refuses more than one; a reader may see several.
   */
  operations: string;
  /** Create, append, update or concatenate (`c`, `r`, `u`, `A`, `--create`, `--append`, `--update`, `--catenate`). */
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
  /** GNU's `-I PROG`, `--use-compress-program=PROG` (bsdtar's long one; its `-I` is `-T`) (null: none, or a letter). */
  compressProgram: string | null;
}

/**
 * The long option a word's option part names in a grammar: itself when whole (or unknown), else the one option it is
 * a prefix of, as the tar's getopt reads an abbreviation (GNU's `--dir=/srv` is `-C /srv`, `--cre` is `-c`). An
 * ambiguous prefix (GNU's `--fil`: `--file`, `--files-from`) the tar refuses; it stays as written.
 */
function longOption(option: string, g: TarGrammar): string {
  if (option.length < 3 || g.longWhole.has(option)) return option;
  let named: string | null = null;
  for (const o of g.long) {
    if (!o.startsWith(option)) continue;
    if (named !== null) return option;
    named = o;
  }
  return named ?? option;
}

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

/** `-C DIR` from `dir` (absolute; null: unknown, a relative one staying so). */
function directory(dir: string | null, value: string): string | null {
  return value.startsWith('/') ? value : dir === null ? null : posix.resolve(dir, value);
}

/** busybox's first word: its `f` moved to its end (`tar fx FILE` is `-xf FILE`), as busybox does before getopt. */
function fLast(bundle: string): string {
  const f = bundle.indexOf('f');
  return f < 0 ? bundle : `${bundle.slice(0, f)}${bundle.slice(f + 1)}f`;
}

/**
 * bsdtar's write mode reads a name `@ARCHIVE` as another archive whose entries it adds (write.c: opened where the
 * names before it moved, as a file is): `bsdtar -cf /w/o.tar @/srv/secrets.tar` copies that archive's content, no
 * file named `@/srv/secrets.tar`. `@-` (stdin) names no file, and is dropped.
 */
function entriesOfArchives(members: TarMember[]): void {
  for (let i = members.length - 1; i >= 0; i--) {
    const m = members[i]!;
    if (!m.given.startsWith('@') || m.given.length === 1) continue;
    const archive = m.given.slice(1);
    if (STDIO_DEVICES.has(archive)) members.splice(i, 1);
    else members[i] = { given: archive, dir: m.dir, member: null };
  }
}

/** A reading, and whether the tar refuses the line (an option it does not know). */
interface Reading {
  tar: TarCommand;
  refused: boolean;
}

/**
 * Reads tar's arguments (after the program's name) as the tar that runs reads them (./tar-grammars.ts); `base` is the
 * working directory (absolute) or null. A plain `tar` may be GNU's or busybox's (the image decides; an exec does not
 * say): it is read as GNU tar, and the names busybox would take from elsewhere are added, so a copy is missed under
 * neither. Busybox takes one `-C`, the last, for every name: `tar -cf /w/t.tar token -C /var/run/secrets/…` copies
 * the secret token there and `./token` under GNU tar, and the union holds both. Joined only when both read the same
 * operation and archive and busybox takes the line at all; else GNU's reading alone (the lines where they differ
 * otherwise are busybox's own "contrived" ones, an old-style bundle with two letters taking a value).
 */
export function readTarCommand(words: readonly string[], base: string | null, flavour: TarFlavour = 'gnu'): TarCommand {
  if (flavour === 'bsdtar') return readWith(words, base, BSDTAR).tar;
  if (flavour === 'busybox') return readWith(words, base, BUSYBOX_TAR).tar;
  const gnu = readWith(words, base, GNU_TAR).tar;
  if (flavour === 'gnu') return gnu;
  const busybox = readWith(words, base, BUSYBOX_TAR);
  if (busybox.refused || busybox.tar.operations !== gnu.operations || busybox.tar.archive !== gnu.archive) return gnu;
  const seen = new Set(gnu.members.map((m) => `${m.dir}\0${m.given}`));
  for (const m of busybox.tar.members) if (!seen.has(`${m.dir}\0${m.given}`)) gnu.members.push(m);
  return gnu;
}

function readWith(words: readonly string[], base: string | null, g: TarGrammar): Reading {
  let operations = '';
  let archive: string | null = null;
  let toProgram = false;
  let renames = false;
  let compressProgram: string | null = null;
  let refused = false;
  // `-C DIR` applies to the names after it (busybox: the last one to all of them, `lastDir`).
  let dir = base;
  let lastDir: string | null = null;
  const members: TarMember[] = [];
  const name = (given: string) => members.push({ given, dir, member: memberName(given) });
  /** An option's value, by what it is (KeptValue; '' for one not kept). */
  const take = (kept: string, value: string | undefined) => {
    if (value === undefined) return;
    if (kept === 'f') archive = value;
    else if (kept === 'I') compressProgram = value;
    else if (kept === 'C') {
      if (g.oneDirectory) lastDir = value;
      else dir = directory(dir, value);
    }
  };
  /** A long option word (`--name`, `--name=value`), `next` the word after it: how many more words it took. */
  const long = (w: string, next: string | undefined): number => {
    const eq = w.indexOf('=');
    const option = longOption(eq < 0 ? w : w.slice(0, eq), g);
    if (!g.longWhole.has(option)) refused = true;
    operations += g.longOperations.get(option) ?? '';
    if (namesOneOf(option, g.toProgramLong)) toProgram = true;
    if (namesOneOf(option, g.renamesLong)) renames = true;
    if (!g.longValued.has(option)) return 0;
    take(g.longKept.get(option) ?? '', eq < 0 ? next : w.slice(eq + 1));
    return eq < 0 ? 1 : 0;
  };
  /**
   * A bundle of letters, its valued letters taking the words from `next` on (old style: each the next word; dashed:
   * the first valued one the rest of the bundle, or the next word). The index of the first word not taken.
   */
  const bundle = (letters: string, next: number, oldStyle: boolean): number => {
    for (let j = 0; j < letters.length; j++) {
      const letter = letters[j]!;
      if (g.known !== null && !g.known.includes(letter)) refused = true;
      if (g.operations.includes(letter)) operations += letter;
      if (g.toProgram.includes(letter)) toProgram = true;
      if (g.renames.includes(letter)) renames = true;
      if (!g.valued.includes(letter)) continue;
      const value = oldStyle || j === letters.length - 1 ? words[next++] : letters.slice(j + 1);
      if (letter === g.longLetter) next += value === undefined ? 0 : long(`--${value}`, words[next]);
      else take(g.kept.includes(letter) ? letter : '', value);
      if (!oldStyle) break;
    }
    return next;
  };
  let optionsEnded = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (optionsEnded) {
      // bsdtar's create, append and update still take `-C DIR` (`-CDIR`) among the names, and nothing else.
      if (g.dirAmongNames && /[cru]/.test(operations) && w.startsWith('-C'))
        take('C', w.length > 2 ? w.slice(2) : words[++i]);
      else name(w);
    } else if (w === '--') optionsEnded = true;
    else if (i === 0 && w.length > 0 && w[0] !== '-' && /^[A-Za-z]+$/.test(w)) {
      // Old style: the first word is a bundle without a dash (`czf FILE`), its valued letters taking the next words.
      i = (g.bundleFLast ? bundle(fLast(w), 1, false) : bundle(w, 1, true)) - 1;
    } else if (w.length > 1 && w[0] === '-' && w[1] !== '-') i = bundle(w.slice(1), i + 1, false) - 1;
    else if (w.startsWith('--')) i += long(w, words[i + 1]);
    else {
      name(w);
      optionsEnded = !g.optionsAnywhere;
    }
  }
  if (g.oneDirectory && lastDir !== null) {
    dir = directory(base, lastDir);
    for (const m of members) m.dir = dir;
  }
  if (g.archiveNames && /[cru]/.test(operations)) entriesOfArchives(members);
  // GNU's concatenate (`-A`, `--catenate`): every name is an archive whose entries it appends, opened as a file of
  // that name would be (after its `-C`; `-` too is a file there, not stdin). `tar -Af /w/o.tar /srv/secrets.tar`
  // copies that archive's content, as bsdtar's `-cf /w/o.tar @/srv/secrets.tar` does.
  if (operations.includes('A')) for (const [i, m] of members.entries()) members[i] = { ...m, member: null };
  const tar = {
    operations,
    creates: /[cruA]/.test(operations),
    extracts: operations.includes('x'),
    archive,
    dir,
    members,
    toProgram,
    renames,
    compressProgram,
  };
  return { tar, refused };
}
