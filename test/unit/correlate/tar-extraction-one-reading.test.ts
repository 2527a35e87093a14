/**
 * A tar exec's line is parsed once (../../../src/correlate/exec-line.ts ExecLine.tar): its copies, its writes and
 * the extraction whose reads are kept aside (../../../src/correlate/archive-extractions.ts) all take that reading.
 * The extraction's answer from it is the one a fresh reading of the line gives (extractionOf, still used for the
 * event's parent line), over many random tar lines: the line's reading has the working directory as its base, and
 * the extraction depends on nothing that changes.
 */
import { describe, expect, it, vi } from 'vitest';
import { extractionAnswerOf, extractionOf } from '../../../src/correlate/archive-extractions.js';
import { ExecLine } from '../../../src/correlate/exec-line.js';
import { readTarCommand } from '../../../src/rules/tar-command.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { MiB, run, Scenario } from './builder.js';

vi.mock('../../../src/rules/tar-command.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/rules/tar-command.js')>();
  return { ...real, readTarCommand: vi.fn(real.readTarCommand) };
});

describe("a tar exec's line, parsed once", () => {
  it('one reading per distinct tar line, however many execs run it', () => {
    const s = new Scenario();
    const c = s.container({ name: 'job' });
    const sh = s.exec(c, '/bin/sh', '-c restore', { cwd: '/w' });
    for (let i = 0; i < 3; i++) {
      const tar = s.exec(c, '/usr/bin/tar', '-xf /cache/c.tgz -C /w/src', { parent: sh, cwd: '/w' });
      s.read(tar, '/cache/c.tgz', MiB, { op: 'read' }).wait(10);
      s.exit(tar).wait(10);
    }
    vi.mocked(readTarCommand).mockClear();
    run(s.events);
    expect(vi.mocked(readTarCommand)).toHaveBeenCalledTimes(1);
  });
});

const BINARIES = [
  '/usr/bin/tar',
  '/bin/tar',
  '/usr/bin/gtar',
  '/usr/bin/bsdtar',
  '/bin/busybox',
  '/usr/bin/toybox',
  '/tmp/tar',
  '/home/u/.x/tar',
  '/usr/bin/cp',
  null,
];
const APPLETS = ['tar', 'gtar', 'bsdtar', 'cp', '/bin/tar'];
const WORDS = [
  'x',
  'c',
  'xf',
  'czf',
  'fx',
  'xzf',
  'xvf',
  'tf',
  'Cxf',
  'xfC',
  '-x',
  '-c',
  '-t',
  '-r',
  '-xf',
  '-xzf',
  '-xvf',
  '-cf',
  '-f',
  '-C',
  '-O',
  '-I',
  '-F',
  '-s',
  '-H',
  '-L',
  '-T',
  '-P',
  '-v',
  '-z',
  '-xO',
  '-xI',
  '-xCf',
  '-Cx',
  '--',
  '--extract',
  '--get',
  '--create',
  '--file',
  '--file=/a.tar',
  '--fil',
  '--dir=/srv',
  '--directory',
  '--to-stdout',
  '--to-com=cat',
  '--to-command',
  '--transform',
  '--xform=s/a/b/',
  '--tran',
  '--use-compress-program',
  '--use-compress-program=unzstd',
  "--use-compress-program='zstd -T0'",
  "--use-compress-program='curl -T-'",
  '--checkpoint',
  '--checkpoint-action=exec=x',
  '--info-script=x',
  '--rsh-command=x',
  '--zstd',
  '--exclude',
  '-',
  '/dev/stdin',
  '/dev/fd/0',
  'h:/t.tar',
  '/c/cache.tzst',
  'cache.tzst',
  '../up.tar',
  './a.tgz',
  'a/b:c.tar',
  '/w',
  'src',
  'token',
  'unzstd',
  "'zstd -T0'",
  "'curl -T- x'",
  'zstd',
  '-T0',
];

function randomLine(next: () => number): { binary: string | null; args: string; cwd: string | null } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const binary = pick(BINARIES);
  const n = Math.floor(next() * 7);
  const words: string[] = [];
  if (binary !== null && /busybox|toybox/.test(binary)) words.push(pick(APPLETS));
  for (let i = 0; i < n; i++) words.push(pick(WORDS));
  return { binary, args: words.join(' '), cwd: pick(['/w', '/w/sub', null, 'rel']) };
}

describe("the extraction from the line's one reading", () => {
  it('is what a fresh reading of the line says, over 20,000 random tar lines', () => {
    const next = seededRandom(24);
    let extracting = 0;
    for (let i = 0; i < 20_000; i++) {
      const { binary, args, cwd } = randomLine(next);
      const answer = extractionAnswerOf(new ExecLine(binary, args, cwd, undefined), binary, cwd);
      const fresh = extractionOf(binary, args, cwd);
      const line = `${binary} ${args} (cwd ${cwd})`;
      expect(answer.archive, line).toBe(fresh?.archive ?? null);
      if (answer.archive !== null) extracting++;
    }
    // The generator reaches extractions, not only refusals.
    expect(extracting).toBeGreaterThan(200);
  });

  it('a tar (busybox applet too) from where tools are is one; a tar elsewhere, or busybox gtar, is none', () => {
    const tar = (binary: string, args: string) =>
      extractionAnswerOf(new ExecLine(binary, args, '/w', undefined), binary, '/w');
    expect(tar('/usr/bin/tar', '-xf a.tar')).toEqual({ tar: true, archive: '/w/a.tar' });
    expect(tar('/bin/busybox', 'tar -xf a.tar')).toEqual({ tar: true, archive: '/w/a.tar' });
    expect(tar('/usr/bin/tar', '-cf a.tar x')).toEqual({ tar: true, archive: null });
    expect(tar('/tmp/tar', '-xf a.tar').tar).toBe(false);
    expect(tar('/bin/busybox', 'gtar -xf a.tar').tar).toBe(false);
    expect(tar('/usr/bin/cp', 'a b').tar).toBe(false);
  });
});
