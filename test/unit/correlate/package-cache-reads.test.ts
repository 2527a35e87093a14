/**
 * `npm ci` with a warm cache (actions/setup-node's `cache: npm`, a runner's persistent `~/.npm`) extracts every
 * tarball of the lockfile from its cache, `~/.npm/_cacache/content-v2/…`: 100–200 MiB for a lockfile of a
 * thousand packages. Those reads are the install itself, as index-pack's re-reads of the pack a fetch receives
 * are (./download-pack-reads.test.ts), so a release job that installed and then pushed a tag was
 * `bulk-read-then-push`, critical past 256 MiB (found by a red-team review of CI pipelines). What the install's
 * own processes read of the package manager's cache is not counted; anything else reading the cache (an
 * archive of it, an install script the package manager runs) still counts, and so does what the job reads of
 * the packages once installed.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, type Scenario } from './builder.js';
import { runnerPod, tagPush } from './runner-job.js';

const NPM_IP = '104.16.27.34';
const WORK = '/home/runner/_work/web/web';
const NODE = '/home/runner/_work/_tool/node/20.18.1/x64/bin/node';

/** An install from a warm cache: `files` tarballs of 2 MiB read from the package manager's cache. */
function install(s: Scenario, c: Ctr, parent: Proc, binary: string, args: string, cache: string, files = 150): Proc {
  const p = s.exec(c, binary, args, { parent });
  s.read(p, `${WORK}/package-lock.json`, 900_000);
  for (let i = 0; i < files; i++)
    s.read(p, `${cache}/${i.toString(16).padStart(2, '0')}/tarball${i}`, 2 * MiB).wait(20);
  s.connect(p, NPM_IP, 443, { cookie: '7' }).send(p, NPM_IP, 443, 200_000, { cookie: '7' });
  s.exit(p);
  return p;
}

const NPM_CACHE = '/home/runner/.npm/_cacache/content-v2/sha512';

describe("an install's reads of its package manager's cache", () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    "npm ci from a warm cache (300 MiB) does not make the job's tag push bulk (%s)",
    (source) => {
      const { s, c, worker } = runnerPod('web', source);
      install(s, c, worker, NODE, '/home/runner/_work/_tool/node/20.18.1/x64/bin/npm ci', NPM_CACHE);
      tagPush(s, c, worker, 'web', 'v2.0.0');
      expect(brief(run(s.events).alerts)).toEqual([
        { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
      ]);
    },
  );

  it.each([
    ['/usr/local/bin/yarn', 'install --frozen-lockfile', '/usr/local/share/.cache/yarn/v6'],
    ['/usr/local/bin/yarn', 'install --immutable', '/home/runner/.yarn/berry/cache'],
    ['/usr/local/bin/pnpm', 'install --frozen-lockfile', '/home/runner/.local/share/pnpm/store/v3/files'],
  ])('%s %s reading %s is the install too', (binary, args, cache) => {
    const { s, c, worker } = runnerPod('web');
    install(s, c, worker, binary, args, cache);
    tagPush(s, c, worker, 'web', 'v2.0.0');
    expect(brief(run(s.events).alerts).map((a) => a.rule)).toEqual(['push-without-reads']);
  });

  it('an archive of the cache by another process still counts', () => {
    const { s, c, worker } = runnerPod('web');
    const tar = s.exec(c, '/usr/bin/tar', `czf /tmp/.c.tgz /home/runner/.npm/_cacache`, { parent: worker });
    for (let i = 0; i < 150; i++) s.read(tar, `${NPM_CACHE}/${i}/tarball${i}`, 2 * MiB);
    s.exit(tar);
    tagPush(s, c, worker, 'web', 'v2.0.0');
    expect(brief(run(s.events).alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'critical', tool: 'git', destination: 'github.com' },
    ]);
  });

  it('an install script npm runs is not the install: its reads of the cache count', () => {
    const { s, c, worker } = runnerPod('web');
    const ci = s.exec(c, NODE, '/home/runner/_work/_tool/node/20.18.1/x64/bin/npm ci', { parent: worker });
    const sh = s.exec(c, '/bin/sh', '-c node install.js', { parent: ci });
    for (let i = 0; i < 40; i++) s.read(sh, `${NPM_CACHE}/${i}/tarball${i}`, 2 * MiB);
    s.exit(sh).exit(ci);
    tagPush(s, c, worker, 'web', 'v2.0.0');
    expect(brief(run(s.events).alerts).map((a) => a.rule)).toEqual(['bulk-read-then-push']);
  });

  it("an install script exec'd in place under npm's node (no shell left between) reads the cache as itself", () => {
    const { s, c, worker } = runnerPod('web');
    const ci = s.exec(c, NODE, '/home/runner/_work/_tool/node/20.18.1/x64/bin/npm ci', { parent: worker });
    const script = s.exec(c, NODE, 'install.js', { parent: ci });
    for (let i = 0; i < 40; i++) s.read(script, `${NPM_CACHE}/${i}/tarball${i}`, 2 * MiB);
    s.exit(script).exit(ci);
    tagPush(s, c, worker, 'web', 'v2.0.0');
    expect(brief(run(s.events).alerts).map((a) => a.rule)).toEqual(['bulk-read-then-push']);
  });

  it("the install's other reads and what the job reads of the installed packages count", () => {
    const { s, c, worker } = runnerPod('web');
    const ci = install(s, c, worker, NODE, '/home/runner/_work/_tool/node/20.18.1/x64/bin/npm ci', NPM_CACHE, 10);
    for (let i = 0; i < 40; i++) s.read(ci, `/srv/exports/part-${i}.csv`, 2 * MiB);
    tagPush(s, c, worker, 'web', 'v2.0.0');
    expect(brief(run(s.events).alerts).map((a) => a.rule)).toEqual(['bulk-read-then-push']);
  });
});
