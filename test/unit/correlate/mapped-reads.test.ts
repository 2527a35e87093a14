/**
 * Files read through mmap (git hashes files over 32 KiB and reads its objects and packs this way): the
 * sensors report a mapping with the file's size, and a file counts once per window at that size however
 * often, or in how many pieces, it is mapped.
 */
import { describe, expect, it } from 'vitest';
import { isGitObjectStoreMap, isUncountedMapping } from '../../../src/correlate/paths.js';
import { brief, MiB, run, Scenario } from './builder.js';

const GITHUB_IP = '140.82.112.3';

/**
 * `git add` of `files` files of `size` each, through `op`, then `git push` over https; `peek` bytes of
 * each file read (as `head -c` does) just before it is mapped.
 */
function gitAddThenPush(op: 'map' | 'open', files: number, size: number, mapsPerFile = 1, peek = 0) {
  const s = new Scenario();
  const c = s.container({ namespace: 'payments', pod: 'billing-api-7d9', name: 'api' });
  const sh = s.init(c);
  s.wait(2_000);
  const add = s.exec(c, '/usr/bin/git', '--git-dir=/tmp/.r/.git --work-tree=/srv/exports add -A', { parent: sh });
  for (let i = 0; i < files; i++) {
    if (peek > 0) s.read(add, `/srv/exports/part-${i}.csv`, peek);
    for (let m = 0; m < mapsPerFile; m++) s.read(add, `/srv/exports/part-${i}.csv`, op === 'map' ? size : null, { op });
    s.wait(100);
  }
  s.exit(add).wait(3_000);
  const url = 'https://github.com/acme-archive/exports.git';
  const push = s.exec(c, '/usr/bin/git', `push ${url} HEAD:main`, { parent: sh });
  s.wait(20);
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: push });
  s.wait(20).connect(helper, GITHUB_IP, 443, { cookie: '91' }).wait(10);
  s.send(helper, GITHUB_IP, 443, 20 * MiB, { cookie: '91' })
    .wait(200)
    .exit(helper)
    .exit(push);
  return s;
}

describe('mapped reads', () => {
  it('count the mapped files at their size: a git add of 96 MiB by mmap, then a push, is bulk', () => {
    const { alerts } = run(gitAddThenPush('map', 24, 4 * MiB).events);
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.reads.bytes).toBe(96 * MiB);
    expect(alerts[0]!.reads.files).toBe(24);
  });

  it('count a file once however often it is mapped in the window', () => {
    const { alerts } = run(gitAddThenPush('map', 24, 4 * MiB, 5).events);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.reads.bytes).toBe(96 * MiB);
    expect(alerts[0]!.reads.top[0]!.bytes).toBe(4 * MiB);
  });

  it("a read of each file's first bytes just before it is mapped does not hide the mapping", () => {
    const { alerts } = run(gitAddThenPush('map', 24, 4 * MiB, 1, 64).events);
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.reads.bytes).toBe(96 * MiB + 24 * 64);
    expect(alerts[0]!.reads.files).toBe(24);
  });

  it("git's object store maps nothing: a one-line commit pushed from a 900 MiB clone is not bulk", () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'release-bot-5f7', name: 'bot' });
    const sh = s.init(c);
    const git = (args: string) => s.exec(c, '/usr/bin/git', args, { parent: sh });
    // Every git command maps the index and the clone's pack (and its index) to find objects.
    const store = (p: ReturnType<typeof git>) => {
      s.read(p, '/src/mono/.git/index', 48 * MiB, { op: 'map' });
      s.read(p, '/src/mono/.git/objects/pack/pack-9f1c.pack', 900 * MiB, { op: 'map' });
      s.read(p, '/src/mono/.git/objects/pack/pack-9f1c.idx', 30 * MiB, { op: 'map' });
      s.read(p, '/src/mono/.git/objects/info/commit-graph', 12 * MiB, { op: 'map' });
    };
    s.wait(1_000);
    const status = git('-C /src/mono status --porcelain');
    store(status);
    s.wait(50).exit(status).wait(500);
    const commit = git('-C /src/mono commit -qam bump');
    store(commit);
    s.read(commit, '/src/mono/VERSION', 16);
    s.wait(50).exit(commit).wait(500);
    const url = 'https://github.com/acme/mono.git';
    const push = git(`-C /src/mono push ${url} v2.4.1`);
    store(push);
    s.wait(20);
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: push });
    s.wait(20).connect(helper, GITHUB_IP, 443, { cookie: '92' }).wait(10);
    s.send(helper, GITHUB_IP, 443, 4096, { cookie: '92' }).wait(200).exit(helper).exit(push);
    const { alerts } = run(s.events);
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.reads.bytes).toBe(16);
  });

  it("only a .git directory's object store is git's: data staged under a look-alike directory counts", () => {
    expect(isGitObjectStoreMap('/srv/r.git/objects/pack/pack-1.idx')).toBe(true);
    expect(isGitObjectStoreMap('/src/.git/modules/sub/objects/info/commit-graph')).toBe(true);
    expect(isGitObjectStoreMap('/src/.git/sharedindex.4f2e')).toBe(true);
    expect(isGitObjectStoreMap('/tmp/w/objects/pack/customers.csv')).toBe(false);
    expect(isGitObjectStoreMap('/src/.git/objects/ab/cdef0123')).toBe(false); // loose objects: what a push maps
    expect(isUncountedMapping('/memfd:v8-code (deleted)')).toBe(true);
    expect(isUncountedMapping('/tmp/memfd:data.csv')).toBe(false);
  });

  it('without sizes (opens only, as Falco sees the same git add) the push is not bulk', () => {
    const { alerts } = run(gitAddThenPush('open', 24, 4 * MiB).events);
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
  });
});
