/**
 * A download's lineage (git clone/fetch, docker pull…) never pushes by volume — but only the download's own
 * processes belong to it: what it starts besides its helpers (a hook, a core.sshCommand program) is judged
 * like any process.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, runResolved, Scenario } from './builder.js';

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
});
