/**
 * A clone or fetch writes the pack it receives to `.git/objects/pack/tmp_pack_*` and `git index-pack`
 * then re-reads it with pread(2) to resolve deltas: measured with strace, a clone of a 4.4 MB pack pread
 * 5.3 MB of it. actions/checkout with `fetch-depth: 0` (what semantic-release, release-please and goreleaser
 * need) of a repository with a 200 MiB history therefore "read" 200 MiB, and the release's tag push was
 * `bulk-read-then-push`, high, where docs/detection.md promises a tag pushed from a large clone stays
 * `push-without-reads`. What a download's own processes read of git's object store is the download, not
 * data; anything else reading a pack (a copy, an archive of `.git`, a hook the clone ran) still counts.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, Scenario } from './builder.js';

const GITHUB_IP = '140.82.112.3';
const WORK = '/home/runner/_work/app/app';
const URL = 'https://github.com/acme/app';

/** A GitHub Actions runner pod (actions-runner-controller) whose checkout fetches the whole history. */
function checkoutFullHistory(source: SensorSource, packMiB = 200) {
  const s = new Scenario({ source });
  const c = s.container({
    namespace: 'arc-runners',
    pod: 'acme-runner-x8k2p-runner-4qz7d',
    name: 'runner',
    image: 'ghcr.io/actions/actions-runner:2.321.0',
  });
  const worker = s.init(c, '/home/runner/bin/Runner.Worker', 'spawnclient 116 119');
  const node = s.exec(
    c,
    '/home/runner/externals/node20/bin/node',
    '/home/runner/_work/_actions/actions/checkout/v4/dist/index.js',
    {
      parent: worker,
    },
  );
  const fetch = s.exec(
    c,
    '/usr/bin/git',
    '-c protocol.version=2 fetch --prune --no-recurse-submodules origin +refs/heads/*:refs/remotes/origin/* +refs/tags/*:refs/tags/*',
    { parent: node },
  );
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `origin ${URL}`, { parent: fetch });
  s.connect(helper, GITHUB_IP, 443, { cookie: '1' }).send(helper, GITHUB_IP, 443, 40_000, { cookie: '1' });
  const indexPack = s.exec(
    c,
    '/usr/lib/git-core/git',
    'index-pack --stdin -v --fix-thin --keep=fetch-pack 77 on runner-4qz7d --check-self-contained-and-connected',
    { parent: fetch },
  );
  // Delta resolution: the bases re-read from the pack being written, a little more than its size in all.
  for (let i = 0; i < packMiB / 2; i++) {
    s.read(indexPack, `${WORK}/.git/objects/pack/tmp_pack_qZ81xe`, 2 * MiB + 300_000).wait(40);
  }
  s.exit(indexPack).exit(helper).exit(fetch);
  const checkout = s.exec(c, '/usr/bin/git', 'checkout --progress --force -B main refs/remotes/origin/main', {
    parent: node,
  });
  // Mapped (Tetragon sizes it; Falco sees the open): git's object store, never counted.
  s.read(checkout, `${WORK}/.git/objects/pack/pack-9e1c0a4b.pack`, s.falco ? null : 180 * MiB, {
    op: s.falco ? 'open' : 'map',
  });
  s.exit(checkout).exit(node).wait(60_000);
  return { s, c, worker };
}

/** semantic-release's `git push --tags` from the runner's step. */
function tagPush(s: Scenario, c: Ctr, parent: Proc): void {
  const push = s.exec(c, '/usr/bin/git', 'push --tags origin refs/heads/main:refs/heads/main', { parent });
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `origin ${URL}`, { parent: push });
  s.connect(helper, GITHUB_IP, 443, { cookie: '2' }).send(helper, GITHUB_IP, 443, 6_000, { cookie: '2' });
  s.wait(300).exit(helper).exit(push);
}

describe("a download's reads of the pack it receives", () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    "do not make the release's tag push after a full-history checkout bulk (%s)",
    (source) => {
      const { s, c, worker } = checkoutFullHistory(source);
      tagPush(s, c, worker);
      expect(brief(run(s.events).alerts)).toEqual([
        { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
      ]);
    },
  );

  it('a 20 MiB history does not make it medium either', () => {
    const { s, c, worker } = checkoutFullHistory('tetragon', 20);
    tagPush(s, c, worker);
    expect(brief(run(s.events).alerts).map((a) => a.severity)).toEqual(['low']);
  });

  it('a copy of the pack by another process still counts', () => {
    const { s, c, worker } = checkoutFullHistory('tetragon');
    const cp = s.exec(c, '/bin/cp', `${WORK}/.git/objects/pack/pack-9e1c0a4b.pack /tmp/.p`, { parent: worker });
    for (let i = 0; i < 90; i++) s.read(cp, `${WORK}/.git/objects/pack/pack-9e1c0a4b.pack`, 2 * MiB);
    s.exit(cp);
    tagPush(s, c, worker);
    expect(brief(run(s.events).alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
  });

  it('a hook the clone runs is not the download: its reads of the pack count', () => {
    const { s, c, worker } = checkoutFullHistory('tetragon', 4);
    const clone = s.exec(c, '/usr/bin/git', `clone ${URL} /tmp/w`, { parent: worker });
    const hook = s.exec(c, '/tmp/w/.git/hooks/post-checkout', '0000 9e1c 1', { parent: clone });
    for (let i = 0; i < 40; i++) s.read(hook, '/tmp/w/.git/objects/pack/pack-77aa.pack', 2 * MiB);
    s.exit(hook).exit(clone);
    tagPush(s, c, worker);
    expect(brief(run(s.events).alerts).map((a) => a.rule)).toEqual(['bulk-read-then-push']);
  });

  // Found by review: the lineage went by name, so a hook linked to a program named like git's helpers (the
  // sensors name the file a symlink resolves to) or git itself run from a hidden directory was the download.
  it.each([
    ['/usr/bin/git', 'clone', '/tmp/.h/git-sh-setup', '0000 9e1c 1'],
    ['/tmp/.x/git', 'fetch', '/tmp/.x/git', 'index-pack --stdin'],
  ])('%s %s running %s: its reads of the pack count', (git, command, child, args) => {
    const { s, c, worker } = checkoutFullHistory('tetragon', 4);
    const clone = s.exec(c, git, `${command} ${URL} /tmp/w`, { parent: worker });
    const reader = s.exec(c, child, args, { parent: clone });
    for (let i = 0; i < 40; i++) s.read(reader, '/tmp/w/.git/objects/pack/pack-77aa.pack', 2 * MiB);
    s.exit(reader).exit(clone);
    tagPush(s, c, worker);
    expect(brief(run(s.events).alerts).map((a) => a.rule)).toEqual(['bulk-read-then-push']);
  });

  it.each<SensorSource>(['tetragon', 'falco'])(
    "git-lfs's smudge filter copying the LFS objects it fetched into the work tree is the download too (%s)",
    (source) => {
      const { s, c, worker } = checkoutFullHistory(source, 4);
      const checkout = s.exec(c, '/usr/bin/git', 'checkout --progress --force -B main refs/remotes/origin/main', {
        parent: worker,
      });
      const lfs = s.exec(c, '/usr/bin/git-lfs', 'filter-process', { parent: checkout });
      for (let i = 0; i < 60; i++) {
        const oid = `${(i + 16).toString(16)}f0c3a9e4d1b27c58e6a0f9d3b4c2e1a7f8d9c0b1a2e3f4d5c6b7a8e9f0d1c2b3`;
        s.read(lfs, `${WORK}/.git/lfs/objects/${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid}`, 5 * MiB).wait(30);
      }
      s.exit(lfs).exit(checkout).wait(30_000);
      tagPush(s, c, worker);
      expect(brief(run(s.events).alerts).map((a) => a.rule)).toEqual(['push-without-reads']);
    },
  );

  it('the same LFS objects read by another process count', () => {
    const { s, c, worker } = checkoutFullHistory('tetragon', 4);
    const tar = s.exec(c, '/usr/bin/tar', `czf /tmp/.l.tgz ${WORK}/.git/lfs`, { parent: worker });
    for (let i = 0; i < 60; i++) s.read(tar, `${WORK}/.git/lfs/objects/0a/1b/obj${i}`, 5 * MiB);
    s.exit(tar);
    tagPush(s, c, worker);
    expect(brief(run(s.events).alerts).map((a) => a.rule)).toEqual(['bulk-read-then-push']);
  });
});
