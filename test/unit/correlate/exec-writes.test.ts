/**
 * One exec's answer to "where does it put files, and by what means" (../../../src/correlate/exec-writes.ts), which
 * the three staging guards ask (package caches, `dist/` and `node_modules/`, buildah's storage) instead of each
 * reading the command line on its own; and the guards' agreement on it: a command writing into one guard's root
 * marks that guard's container and no other's.
 */
import { describe, expect, it } from 'vitest';
import { ExecWrites } from '../../../src/correlate/exec-writes.js';
import { noteStagings, stagingOf } from '../../../src/correlate/staging-guards.js';
import { STAGED_CACHE, STAGED_MODULES, STAGED_STORAGE, stagedIn } from '../../../src/correlate/staging-marks.js';
import { ContainerState, newNodeState } from '../../../src/correlate/state.js';
import type { ProcessRef } from '../../../src/model/normalized-event.js';
import { T0 } from './builder.js';

const exec = (binary: string, args: string, cwd = '/w'): ExecWrites =>
  new ExecWrites({ execId: 'e', parentExecId: null, pid: 1, binary, args, cwd } as ProcessRef);
const sh = (script: string, cwd = '/w') => exec('/bin/sh', `-c "${script}"`, cwd);

/** Every means' paths of an exec, for comparing whole. */
function means(w: ExecWrites) {
  return {
    copied: { target: w.copied.target, into: w.copied.into },
    written: w.written,
    named: w.named,
    otherwise: w.otherwise.paths,
    inlineCode: w.otherwise.inlineCode,
  };
}
const NOTHING = { written: [], named: [], otherwise: [], inlineCode: [] };

describe('what an exec writes into, by what means', () => {
  it('copies, moves, installs and links (relinks): where each source lands', () => {
    expect(means(exec('/bin/cp', '/srv/db.dump dist/'))).toEqual({
      copied: { target: '/w/dist', into: ['/w/dist/db.dump'] },
      ...NOTHING,
    });
    expect(exec('/bin/mv', '-t /w/node_modules/x /srv/a /srv/b').copied.into).toEqual([
      '/w/node_modules/x/a',
      '/w/node_modules/x/b',
    ]);
    expect(exec('/usr/bin/install', '-m 600 /srv/t /w/dist/t').copied.target).toBe('/w/dist/t');
    expect(exec('/usr/bin/rsync', '-a /srv/exports/ /w/dist/').copied.target).toBe('/w/dist');
    // busybox's applet is read as the program itself.
    expect(exec('/bin/busybox', 'cp /srv/a /w/dist/').copied.into).toEqual(['/w/dist/a']);
    // `ln` is a link (copied) and names its operands (otherwise: a link to a root is a way into it).
    const ln = exec('/bin/ln', '-s /var/lib/containers/storage/vfs/dir/ab /tmp/s');
    expect(ln.copied.target).toBe('/tmp/s');
    expect(ln.otherwise.paths).toEqual(['/var/lib/containers/storage/vfs/dir/ab', '/tmp/s']);
  });

  it('extractions and dd (written): tar -x, unzip -d, dd of=', () => {
    expect(means(exec('/bin/tar', '-xf /tmp/l.tar -C /home/u/.m2/repository'))).toEqual({
      copied: { target: null, into: [] },
      ...NOTHING,
      written: ['/home/u/.m2/repository'],
    });
    // tar creating an archive writes no directory: it is a copy (relinks) into its archive.
    expect(exec('/bin/tar', '-czf /w/dist/x.tgz /srv').written).toEqual([]);
    expect(exec('/usr/bin/unzip', '-o l.zip -d node_modules/x').written).toEqual(['/w/node_modules/x']);
    expect(exec('/usr/bin/unzip', 'l.zip', '/w/dist').written).toEqual(['/w/dist']);
    expect(exec('/bin/dd', 'of=/w/dist/x bs=1M').written).toEqual(['/w/dist/x']);
  });

  it("a shell's script: redirections, tee, and commands run in another directory", () => {
    expect(sh('python3 pack.py > dist/app.tgz').written).toEqual(['/w/dist/app.tgz']);
    expect(sh('cat /srv/db | tee /w/node_modules/x/db.json >/dev/null').written).toContain('/w/node_modules/x/db.json');
    const inStorage = sh('cd /var/lib/containers/storage/vfs/dir/ab && tar xf /tmp/loot.tar');
    expect(inStorage.otherwise.paths).toContain('/var/lib/containers/storage/vfs/dir/ab');
    // A script writing nothing says nothing (and is not parsed: no redirection, no writer named).
    expect(means(sh('make test'))).toEqual({ copied: { target: null, into: [] }, ...NOTHING });
  });

  it('outputs programs name (named): sort -o, openssl -out, git clone, cpio', () => {
    expect(exec('/usr/bin/sort', '-uo dist/x /srv/db.csv').named).toEqual(['/w/dist/x']);
    expect(exec('/usr/bin/openssl', 'enc -in /srv/db -out /w/node_modules/x/y.js').named).toEqual([
      '/w/node_modules/x/y.js',
    ]);
    expect(exec('/usr/bin/git', 'clone /srv/repo dist/r').named).toEqual(['/w/dist/r']);
    // A download writes what the server sent: no local data named.
    expect(exec('/usr/bin/curl', '-o dist/x https://example.com/x').named).toEqual([]);
    const cpio = exec('/bin/cpio', '-pdm /var/lib/containers/storage/overlay/ab/diff');
    expect(cpio.named).toEqual(['/var/lib/containers/storage/overlay/ab/diff']);
    // Its operand, and as its `-p` directory (read twice, alike: a guard asks whether any is its root).
    expect(new Set(cpio.otherwise.paths)).toEqual(new Set(['/var/lib/containers/storage/overlay/ab/diff']));
    expect(exec('/bin/cpio', '-i', '/w/dist').otherwise.paths).toEqual(['/w/dist']);
  });

  it("interpreters' inline code (otherwise.inlineCode), for a guard to look for names in", () => {
    const py = exec('/usr/bin/python3', `-c "import shutil; shutil.copytree('/srv', '/w/dist/x')"`);
    expect(py.otherwise.inlineCode).toEqual(['-c', "import shutil; shutil.copytree('/srv', '/w/dist/x')"]);
    expect(exec('/usr/bin/python3', 'pack.py').otherwise.inlineCode).toEqual([]);
  });

  it('works each means out once per exec, on first ask', () => {
    const w = sh('python3 pack.py > dist/app.tgz');
    expect(w.written).toBe(w.written);
    expect(w.otherwise).toBe(w.otherwise);
    expect(w.copied).toBe(w.copied);
  });
});

describe('the three staging guards asking the same result', () => {
  const ROOTS = {
    cache: '/home/runner/.m2/repository/org/acme',
    products: '/w/node_modules/lodash',
    storage: '/var/lib/containers/storage/vfs/dir/ab',
  };
  /** Commands writing into ROOT by each means every guard trusts. */
  const commands = (root: string) => [
    exec('/bin/cp', `/srv/db.dump ${root}/`),
    exec('/bin/mv', `/srv/db.dump ${root}/x.js`),
    exec('/bin/tar', `-xf /tmp/loot.tar -C ${root}`),
    exec('/bin/dd', `of=${root}/x.js`),
    sh(`python3 dump.py > ${root}/x.js`),
  ];

  function marks(w: ExecWrites): string[] {
    const node = newNodeState('n');
    const c = new ContainerState('c', { id: 'c', name: null, image: null }, null, node, T0);
    noteStagings(c, stagingOf(w), w.process);
    const out: string[] = [];
    if (stagedIn(c, STAGED_CACHE)) out.push('cache');
    if (stagedIn(c, STAGED_MODULES)) out.push('products');
    if (stagedIn(c, STAGED_STORAGE)) out.push('storage');
    return out;
  }

  for (const [root, dir] of Object.entries(ROOTS)) {
    it(`a write into ${root} marks that guard alone, whatever its means`, () => {
      for (const w of commands(dir)) expect(marks(w), w.process.args ?? '').toEqual([root]);
    });
  }

  it('a write elsewhere marks none', () => {
    for (const w of commands('/tmp/out')) expect(marks(w)).toEqual([]);
  });
});
