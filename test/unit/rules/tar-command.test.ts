/**
 * The one reader of tar's command line (src/rules/tar-command.ts), over the forms its callers rely on: the pod side
 * of `kubectl cp` (`tar cf - PATH`), an archive file created of a secret (`tar czf /workspace/s.tgz TOKEN`), an
 * extraction's directory (`tar -xf … -C DIR`, a cache restore), a tar stream in a shell's pipes (`tar c … | tar x
 * -C DIR`), and a restore's extraction read aside (`-O`, `-I PROG`, `--transform` and rmt archives excluded).
 * Expected values are tar's own reading of each line (GNU tar's manual, bsdtar's and busybox's).
 */
import { describe, expect, it } from 'vitest';
import { tarCopy } from '../../../src/correlate/tar-copies.js';
import {
  localArchive,
  readTarCommand,
  stdioArchive,
  type TarCommand,
  type TarFlavour,
  tarArgsOf,
  tarFlavourOf,
} from '../../../src/rules/tar-command.js';

const read = (line: string, base: string | null = '/w') => readTarCommand(line.split(' ').filter(Boolean), base);
const given = (t: TarCommand) => t.members.map((m) => m.given);

describe('readTarCommand: the operation', () => {
  const cases: Array<[string, string, { creates: boolean; extracts: boolean }]> = [
    ['czf /o.tgz a', 'c', { creates: true, extracts: false }],
    ['-czf /o.tgz a', 'c', { creates: true, extracts: false }],
    ['-v -czf /o.tgz a', 'c', { creates: true, extracts: false }],
    ['--create --file=/o.tar a', 'c', { creates: true, extracts: false }],
    ['rf /o.tar a', 'r', { creates: true, extracts: false }],
    ['--append -f /o.tar a', 'r', { creates: true, extracts: false }],
    ['-uf /o.tar a', 'u', { creates: true, extracts: false }],
    ['--update -f /o.tar a', 'u', { creates: true, extracts: false }],
    ['xf /a.tar', 'x', { creates: false, extracts: true }],
    ['-xzf /a.tgz', 'x', { creates: false, extracts: true }],
    ['--extract -f /a.tar', 'x', { creates: false, extracts: true }],
    ['--get -f /a.tar', 'x', { creates: false, extracts: true }],
    ['tf /a.tar', 't', { creates: false, extracts: false }],
    ['--list --file /a.tar', 't', { creates: false, extracts: false }],
    // Concatenate appends the other archives' entries: a write to the archive, as create, append and update are.
    ['-Af /a.tar /b.tar', 'A', { creates: true, extracts: false }],
    // Two operations (tar refuses the line): both seen, so a caller can refuse it too.
    ['-xcf /a.tar', 'xc', { creates: true, extracts: true }],
    // `-C` takes the rest of its bundle: `cf` is its directory, no operation.
    ['-Ccf -', '', { creates: false, extracts: false }],
    // A value that looks like a bundle is a value.
    ['-x -f /a.tar --exclude -cx', 'x', { creates: false, extracts: true }],
    // Only the first word is an old-style bundle.
    ['-v czf', '', { creates: false, extracts: false }],
  ];
  it.each(cases)('%s', (line, operations, modes) => {
    const t = read(line);
    expect(t.operations).toBe(operations);
    expect({ creates: t.creates, extracts: t.extracts }).toEqual(modes);
  });
});

describe('readTarCommand: the archive', () => {
  const cases: Array<[string, string | null]> = [
    ['cf - /srv', '-'],
    ['czf /o.tgz a', '/o.tgz'],
    // Old style: each valued letter takes the next word, in order.
    ['cfC /o.tar /d a', '/o.tar'],
    ['cCf /d /o.tar a', '/o.tar'],
    ['-cf - /srv', '-'],
    ['-cf- /srv', '-'],
    ['-cf/o.tar a', '/o.tar'],
    ['-c -f - /srv', '-'],
    ['-C /d -czf - .', '-'],
    ['--create --file=- /srv', '-'],
    ['--create --file - /srv', '-'],
    ['-xf h:/t.tar', 'h:/t.tar'],
    // No `-f`: tar's default (stdio in practice).
    ['-c /srv', null],
    ['-xz', null],
    // A later `-f` is the one kept (busybox and bsdtar; GNU tar refuses a second one without -M).
    ['-cf /a.tar -f /b.tar x', '/b.tar'],
  ];
  it.each(cases)('%s', (line, archive) => expect(read(line).archive).toBe(archive));

  it('tells an archive on this host from stdio and rmt', () => {
    expect(localArchive('/o.tgz')).toBe(true);
    expect(localArchive('o.tgz')).toBe(true);
    expect(localArchive('./a:b.tar')).toBe(true);
    expect(localArchive('-')).toBe(false);
    expect(localArchive(null)).toBe(false);
    expect(localArchive('host:/t.tar')).toBe(false);
    expect(localArchive('user@host:t.tar')).toBe(false);
    expect(localArchive('/dev/stdout')).toBe(false);
    expect(localArchive('/proc/self/fd/0')).toBe(false);
  });

  it('tells stdio by -, its devices, or no archive named', () => {
    for (const a of [null, '-', '/dev/stdin', '/dev/stdout', '/dev/fd/0', '/dev/fd/1', '/proc/self/fd/1'])
      expect(stdioArchive(a)).toBe(true);
    for (const a of ['/dev/stderr', '/dev/fd/2', '/o.tar', 'stdout']) expect(stdioArchive(a)).toBe(false);
  });
});

describe('readTarCommand: directories and names', () => {
  it('gives each name with the -C directory in force, resolved against the last one and the base', () => {
    const t = read('-czf /o.tgz a -C /srv b -C data ./c --directory=../x d --directory /y e -Cz f');
    expect(t.members.map((m) => [m.given, m.dir])).toEqual([
      ['a', '/w'],
      ['b', '/srv'],
      ['./c', '/srv/data'],
      ['d', '/srv/x'],
      ['e', '/y'],
      ['f', '/y/z'],
    ]);
    expect(t.dir).toBe('/y/z');
  });

  it('keeps a relative -C unknown without a working directory, and an absolute one known', () => {
    expect(read('-xf /a.tar -C sub', null).dir).toBeNull();
    expect(read('-xf /a.tar -C /cache', null).dir).toBe('/cache');
    expect(read('-xf /a.tar', null).dir).toBeNull();
    expect(read('-xf /a.tar').dir).toBe('/w');
  });

  it('names members as tar stores them', () => {
    const t = read('cf - /var/run/secrets/token ../up/x ./here/ . //abs');
    expect(t.members.map((m) => m.member)).toEqual(['var/run/secrets/token', 'up/x', 'here', '.', 'abs']);
  });

  it('takes no option value for a name, and every word after -- for one', () => {
    expect(
      given(read('-c -f - -T /list -X /ex --exclude x -b 20 -N 2020-01-01 --exclude=y --strip-components=1 a')),
    ).toEqual(['a']);
    expect(given(read('-cf - -- -C -f b'))).toEqual(['-C', '-f', 'b']);
    expect(read('-cf - -- -C -f b').archive).toBe('-');
    // GNU's long options that take a value take the next word when not written with `=`.
    expect(given(read('--create --file /o.tar --newer /stamp --owner root --transform s/a/b/ a'))).toEqual(['a']);
  });
});

describe('readTarCommand: where output goes, renames and the compress program', () => {
  const cases: Array<[string, Partial<TarCommand>]> = [
    ['-xOf /a.tar', { toProgram: true }],
    ['-xf /a.tar --to-stdout', { toProgram: true }],
    ['-xf /a.tar --to-std', { toProgram: true }],
    ['-xf /a.tar --to-command=sh', { toProgram: true }],
    ['-xf /a.tar --to-com=sh', { toProgram: true }],
    ['-xf /a.tar -F /s.sh', { toProgram: true }],
    ['-xf /a.tar --info-script=/s.sh', { toProgram: true }],
    ['-xf /a.tar --checkpoint-action=exec=/s.sh', { toProgram: true }],
    ['-xf /a.tar --checkpoint=10', { toProgram: false }],
    ['-xf /a.tar --rsh-command=/s.sh', { toProgram: true }],
    ['-xf /a.tar', { toProgram: false, renames: false }],
    ['-xf /a.tar --transform=s/a/b/', { renames: true }],
    ['-xf /a.tar --xform s/a/b/', { renames: true }],
    ['-xf /a.tar -s /a/b/', { renames: true }],
    ['-xzf /a.tgz', { compressProgram: null }],
    ['-xf /a.tzst -I unzstd', { compressProgram: 'unzstd' }],
    ['-xf /a.tzst -Iunzstd', { compressProgram: 'unzstd' }],
    ['-xf /a.tzst --use-compress-program unzstd', { compressProgram: 'unzstd' }],
    ['-xf /a.tzst --use-compress-program=zstd', { compressProgram: 'zstd' }],
  ];
  it.each(cases)('%s', (line, expected) => expect(read(line)).toMatchObject(expected));

  it('keeps a compress program of several words whole', () => {
    expect(readTarCommand(['-xf', '/a.tzst', '-I', 'zstd -d -T0'], null).compressProgram).toBe('zstd -d -T0');
  });
});

describe('tarArgsOf: the tar a binary runs', () => {
  const cases: Array<[string | null, string | null, string | null]> = [
    ['/usr/bin/tar', '-xf /a.tar', '-xf /a.tar'],
    ['/usr/bin/gtar', 'czf /o.tgz a', 'czf /o.tgz a'],
    ['/usr/bin/bsdtar', '-xf /a.tar', '-xf /a.tar'],
    ['/usr/bin/tar', null, ''],
    ['/bin/busybox', 'tar -xf /a.tar', '-xf /a.tar'],
    ['/usr/bin/toybox', 'tar -xf /a.tar', '-xf /a.tar'],
    // Neither multi-call binary has these applets: the exec fails.
    ['/bin/busybox', 'gtar -xf /a.tar', null],
    ['/bin/busybox', 'cp a b', null],
    ['/usr/bin/star', '-x -f /a.tar', null],
    ['/usr/bin/cp', 'a b', null],
    [null, '-xf /a.tar', null],
  ];
  it.each(cases)('%s %s', (binary, args, expected) => expect(tarArgsOf(binary, args)).toBe(expected));
});

/**
 * GNU tar takes any prefix that names one long option (its getopt): `tar --dir=/srv --cre -f - data` streams `data`
 * from /srv (each line here checked against GNU tar 1.34; `--exclude-t` it refuses as ambiguous). Read as written, the prefix was no option of the reader's: no operation,
 * no `-C`, and a valued option's value read as a name (found by review).
 */
describe('readTarCommand: long options abbreviated as GNU tar reads them', () => {
  it('reads a prefix naming one option as that option', () => {
    const t = read('--cre --file - --dir=/srv data --direc /etc passwd');
    expect(t.operations).toBe('c');
    expect(t.archive).toBe('-');
    expect(t.members.map((m) => [m.given, m.dir])).toEqual([
      ['data', '/srv'],
      ['passwd', '/etc'],
    ]);
    expect(read('--ext -f /a.tar --dir /cache')).toMatchObject({ extracts: true, dir: '/cache' });
    expect(read('--app -f /a.tar x').operations).toBe('r');
    expect(read('-xf /a.tzst --use-comp=unzstd').compressProgram).toBe('unzstd');
    expect(given(read('-cf /o.tar --strip 1 --exclude-tag-u CACHEDIR.TAG --tran s/a/b/ a'))).toEqual(['a']);
  });

  it('keeps a whole option whole, and an ambiguous or unknown prefix as written', () => {
    // `--xattrs` and `--checkpoint` are options of their own, no prefixes of `--xattrs-include`, `--checkpoint-action`.
    expect(given(read('-cf /o.tar --xattrs a --checkpoint b --exclude c d'))).toEqual(['a', 'b', 'd']);
    // `--fil`: `--file` or `--files-from`, which tar refuses; bsdtar's `--uid` is no GNU option.
    expect(read('-c --fil /o.tar a')).toMatchObject({ archive: null, operations: 'c' });
    expect(given(read('-c --fil /o.tar a'))).toEqual(['/o.tar', 'a']);
    expect(given(read('-cf /o.tar --uid 0 a'))).toEqual(['0', 'a']);
  });
});

/**
 * The grammar of the tar that runs (src/rules/tar-grammars.ts), each line as that tar reads it: bsdtar per
 * libarchive's cmdline.c and write.c (`-H`, `-L` take no value, `-s PATTERN`, `-I FILE` names names, options end at
 * the first name, `-C DIR` among the names when creating), busybox per its tar.c (`-f -C -T -X` take a value, no
 * `-I`; one `-C`, the last, for every name; the first word's `f` moved to its end).
 */
describe('readTarCommand: the tar that runs', () => {
  // names: each name given, `@` the directory it is read from.
  type Case = [string, TarFlavour, Partial<TarCommand> & { names?: string }];
  const cases: Case[] = [
    // bsdtar: the letters GNU reads otherwise.
    ['-cLf /tmp/c /var/run/secrets/t', 'bsdtar', { archive: '/tmp/c', names: '/var/run/secrets/t@/w' }],
    ['-cHf /tmp/c a', 'bsdtar', { archive: '/tmp/c', names: 'a@/w' }],
    ['cLf /tmp/c a', 'bsdtar', { archive: '/tmp/c', names: 'a@/w' }],
    ['-xf /a.tar -s /a/b/ m', 'bsdtar', { renames: true, names: 'm@/w' }],
    ['-cf /o.tar -I /list a', 'bsdtar', { compressProgram: null, names: 'a@/w' }],
    ['-cf /o.tar --use-compress-program=zstd a', 'bsdtar', { compressProgram: 'zstd', names: 'a@/w' }],
    ['-c --cd /srv -f /o.tar a', 'bsdtar', { archive: '/o.tar', names: 'a@/srv' }],
    ['-c -W file=/o.tar a', 'bsdtar', { archive: '/o.tar', names: 'a@/w' }],
    ['-c -W directory /srv -f /o.tar a', 'bsdtar', { archive: '/o.tar', names: 'a@/srv' }],
    // Options end at the first name; only -C stays an option among the names, when creating.
    ['-cf /o.tar a -f /b.tar', 'bsdtar', { archive: '/o.tar', names: 'a@/w -f@/w /b.tar@/w' }],
    ['-cf /o.tar a -C /srv b -C/etc c', 'bsdtar', { names: 'a@/w b@/srv c@/etc' }],
    ['-xf /a.tar m -C /srv', 'bsdtar', { dir: '/w', names: 'm@/w -C@/w /srv@/w' }],
    ['-cf /o.tar -- -C /srv b', 'bsdtar', { names: 'b@/srv' }],
    // GNU's reading of the same lines: -L and -H take the next word.
    ['-cLf /tmp/c a', 'gnu', { archive: null, names: '/tmp/c@/w a@/w' }],
    ['-cf /o.tar a -f /b.tar', 'gnu', { archive: '/b.tar', names: 'a@/w' }],
    // busybox: one -C, the last, for every name; relative to the working directory.
    ['-cf /o.tar token -C /var/run/s', 'busybox', { dir: '/var/run/s', names: 'token@/var/run/s' }],
    ['-cf /o.tar -C /srv a -C data b', 'busybox', { dir: '/w/data', names: 'a@/w/data b@/w/data' }],
    ['--create --dir=/srv --file /o.tar a', 'busybox', { archive: '/o.tar', names: 'a@/srv' }],
    ['-xf /a.tar --to-command=sh', 'busybox', { toProgram: true }],
    // The first word's f is moved to its end: `cfz FILE` is `-czf FILE`; `cCf` reads C's value from the bundle.
    ['cfz /o.tgz a', 'busybox', { archive: '/o.tgz', names: 'a@/w' }],
    ['cCf /d /o.tar a', 'busybox', { archive: null, names: '/d@/w/f /o.tar@/w/f a@/w/f' }],
    ['cCf /d /o.tar a', 'gnu', { archive: '/o.tar', names: 'a@/d' }],
    // busybox knows no -I, -r, -s: they are no option of its (it refuses the line); f, C, T, X take a value.
    ['-xf /a.tzst -I unzstd', 'busybox', { compressProgram: null, names: 'unzstd@/w' }],
    ['-rf /o.tar a', 'busybox', { operations: '', creates: false }],
    ['-xf /a.tar -s /a/b/', 'busybox', { renames: false }],
    ['-c -T /list -X /ex -f - a', 'busybox', { archive: '-', names: 'a@/w' }],
  ];
  it.each(cases)('%s (%s)', (line, flavour, { names, ...expected }) => {
    const t = readTarCommand(line.split(' '), '/w', flavour);
    expect(t).toMatchObject(expected);
    if (names !== undefined) expect(t.members.map((m) => `${m.given}@${m.dir}`).join(' ')).toBe(names);
  });
});

/**
 * bsdtar's write mode (libarchive's write.c) reads a name `@ARCHIVE` as another archive whose entries it adds, opened
 * where a file of that name would be (after the `-C` before it); `@-` is stdin. Its read mode takes `@x` as a
 * pattern, and GNU tar and busybox have no such name.
 */
describe('readTarCommand: bsdtar @ARCHIVE names', () => {
  const members = (line: string, flavour: TarFlavour) =>
    readTarCommand(line.split(' '), '/w', flavour).members.map((m) => `${m.given}@${m.dir}:${m.member}`);
  it.each<[string, TarFlavour, string[]]>([
    ['-cf /w/o.tar @/srv/secrets.tar', 'bsdtar', ['/srv/secrets.tar@/w:null']],
    ['-cf /w/o.tar a -C /srv @in.tar @- b', 'bsdtar', ['a@/w:a', 'in.tar@/srv:null', 'b@/srv:b']],
    ['-rf /w/o.tar @/srv/s.tgz', 'bsdtar', ['/srv/s.tgz@/w:null']],
    ['cf /w/o.tar @/dev/stdin x', 'bsdtar', ['x@/w:x']],
    ['-cf /w/o.tar @', 'bsdtar', ['@@/w:@']],
    // Read mode: a pattern; GNU's and busybox's create: a file of that name.
    ['-xf /w/o.tar @m', 'bsdtar', ['@m@/w:@m']],
    ['-cf /w/o.tar @/srv/secrets.tar', 'gnu', ['@/srv/secrets.tar@/w:@/srv/secrets.tar']],
    ['-cf /w/o.tar @/srv/secrets.tar', 'busybox', ['@/srv/secrets.tar@/w:@/srv/secrets.tar']],
  ])('%s (%s)', (line, flavour, expected) => expect(members(line, flavour)).toEqual(expected));

  // GNU's concatenate takes every name as an archive whose entries it appends (after its `-C`; `-` is a file there).
  it.each<[string, string[]]>([
    ['-Af /w/o.tar /srv/secrets.tar', ['/srv/secrets.tar@/w:null']],
    ['Af /w/o.tar in.tar -C /srv s.tar -', ['in.tar@/w:null', 's.tar@/srv:null', '-@/srv:null']],
    ['--concatenate --file=/w/o.tar /srv/s.tar', ['/srv/s.tar@/w:null']],
    ['--catenate -f /w/o.tar @/srv/s.tar', ['@/srv/s.tar@/w:null']],
  ])('%s (gnu)', (line, expected) => {
    expect(members(line, 'gnu')).toEqual(expected);
    expect(members(line, 'gnu-or-busybox')).toEqual(expected);
  });

  it("the archive GNU tar concatenates to is a copy of the other archive's file", () => {
    const copy = tarCopy(readTarCommand('-Af o.tar -C /srv secrets.tar'.split(' '), '/w', 'gnu'), '/w');
    expect(copy).toMatchObject({ sources: ['/srv/secrets.tar'], target: '/w/o.tar', into: ['/w/o.tar'] });
  });

  it("the archive bsdtar creates is a copy of the other archive's file", () => {
    const copy = tarCopy(readTarCommand('-cf o.tar -C /srv @secrets.tar'.split(' '), '/w', 'bsdtar'), '/w');
    expect(copy).toMatchObject({ sources: ['/srv/secrets.tar'], target: '/w/o.tar', into: ['/w/o.tar'] });
  });
});

/**
 * The programs bsdtar runs of the command line's choosing: only `--use-compress-program PROG` (libarchive's
 * cmdline.c has no `--to-command`, `--info-script`, `--checkpoint-action`, `--rsh-command`; it refuses them), kept as
 * the compress program however it is written; `-O`/`--to-stdout` the one way out besides files.
 */
describe('readTarCommand: what bsdtar sends to a program', () => {
  it.each<[string, Partial<TarCommand>]>([
    ['-xf /a.tar --use-compress-program=curl', { compressProgram: 'curl', toProgram: false }],
    ['-xf /a.tar --use-compress-program curl', { compressProgram: 'curl', members: [] }],
    ['-xf /a.tar --use-comp=curl', { compressProgram: 'curl' }],
    ['-x -W use-compress-program=curl -f /a.tar', { compressProgram: 'curl', archive: '/a.tar' }],
    ['-xOf /a.tar', { toProgram: true }],
    ['-x --to-stdout -f /a.tar', { toProgram: true }],
    ['-cf - --use-compress-program gzip token', { compressProgram: 'gzip', archive: '-' }],
  ])('%s', (line, expected) => expect(readTarCommand(line.split(' '), '/w', 'bsdtar')).toMatchObject(expected));
});

/**
 * A plain `tar` is GNU's or busybox's, by the image: read as GNU's, with the names busybox takes from elsewhere added
 * (its one `-C` for every name), when busybox reads the same operation and archive and knows every option.
 */
describe('readTarCommand: a plain tar, GNU or busybox', () => {
  const read2 = (line: string) => readTarCommand(line.split(' '), '/w', 'gnu-or-busybox');
  const at = (t: TarCommand) => t.members.map((m) => [m.given, m.dir]);

  it('adds the names busybox takes under its -C', () => {
    const t = read2('-cf /o.tar token -C /var/run/s');
    expect(t.archive).toBe('/o.tar');
    expect(at(t)).toEqual([
      ['token', '/w'],
      ['token', '/var/run/s'],
    ]);
    expect(at(read2('-czf /o.tgz -C /srv a -C /etc b'))).toEqual([
      ['a', '/srv'],
      ['b', '/etc'],
      ['a', '/etc'],
    ]);
  });

  it('reads as GNU alone where both agree, where busybox refuses the line, or reads another archive', () => {
    const same = ['-C /srv -czf - data', 'czf /o.tgz a', '--create --file=- /srv', '-xf /a.tar -C /cache'];
    for (const line of same) expect(read2(line)).toEqual(readTarCommand(line.split(' '), '/w'));
    // -b is GNU's, unknown to busybox; busybox would read `cCf` with no archive.
    expect(at(read2('-cf /o.tar -b 20 a -C /srv'))).toEqual([['a', '/w']]);
    expect(at(read2('cCf /d /o.tar a'))).toEqual([['a', '/d']]);
  });
});

describe('tarFlavourOf: the tar a binary runs', () => {
  const cases: Array<[string | null, TarFlavour]> = [
    ['/usr/bin/bsdtar', 'bsdtar'],
    ['/bin/busybox', 'busybox'],
    ['/usr/bin/toybox', 'gnu'],
    ['/usr/bin/gtar', 'gnu'],
    ['/bin/tar', 'gnu-or-busybox'],
    ['tar', 'gnu-or-busybox'],
  ];
  it.each(cases)('%s', (binary, flavour) => expect(tarFlavourOf(binary)).toBe(flavour));
});
