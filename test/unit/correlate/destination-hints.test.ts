/**
 * Names a process chose teach nothing that outlives them: a proxy's private address is not learned as the
 * forge a push named through it, and a sum's addresses and naming go with the bytes that aged out of it.
 */

import { describe, expect, it } from 'vitest';
import { MiB, run, runResolved, Scenario, TEST_DNS } from './builder.js';

const PROXY = '10.0.0.5';
describe('an egress proxy is not learned as the forge a push named', () => {
  it("a CI git push through the corporate proxy does not make another pod's proxied upload a github.com push", () => {
    const s = new Scenario({ source: 'falco' });
    const ci = s.container({ namespace: 'ci' });
    const g = s.exec(ci, '/usr/bin/git', 'push https://github.com/acme/app.git main', { parent: s.init(ci) });
    const h = s.exec(
      ci,
      '/usr/lib/git-core/git-remote-https',
      'https://github.com/acme/app.git https://github.com/acme/app.git',
      { parent: g },
    );
    s.connect(h, PROXY, 3128).send(h, PROXY, 3128, 200_000);
    s.wait(60_000);
    const app = s.container({ namespace: 'analytics' });
    const sh = s.init(app);
    s.readMany(sh, '/data/reports', 40, MiB);
    const py = s.exec(app, '/usr/bin/python3', '/app/upload_to_s3.py', { parent: sh });
    s.connect(py, PROXY, 3128).send(py, PROXY, 3128, 30 * MiB);
    const { alerts } = run(s.events, { allowlist: [{ namespace: 'ci', reason: 'ci' }] });
    expect(alerts.filter((a) => a.pod?.namespace === 'analytics' && a.push.destination === 'github.com')).toEqual([]);
  });
});

const GITHUB_IP = TEST_DNS['github.com']![0]!;
const MIN = 60_000;
describe("a sum's addresses and naming go with its bytes", () => {
  it('an argv-named 20 KiB POST two hours earlier does not rename, re-address or un-allowlist a later DNS-named push', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'runner-0' });
    const sh = s.init(c);
    // 10:00 a job's script talks to the GitHub API through an address it resolved itself (named by its argv).
    const job1 = s.exec(c, '/usr/bin/python3', '/ci/notify.py --repo https://github.com/acme/app', { parent: sh });
    s.connect(job1, '140.82.113.4', 443).send(job1, '140.82.113.4', 443, 20 * 1024);
    s.exit(job1);
    // 12:00 another job: two processes upload 0.6 MiB each to github.com's DNS address.
    s.wait(120 * MIN);
    s.readMany(sh, '/builds/app', 80, MiB);
    for (const i of [1, 2]) {
      const p = s.exec(c, '/usr/bin/python3', `/ci/upload_part.py ${i}`, { parent: sh });
      s.connect(p, GITHUB_IP, 443).send(p, GITHUB_IP, 443, 0.6 * MiB);
    }
    const allowlist = [{ namespace: 'ci', destination: 'github.com', reason: 'ci' }];
    const all = (await runResolved(s.events)).alerts;
    const _allowed = (await runResolved(s.events, { allowlist })).alerts;
    expect(all[0]!.push.addresses).toEqual([`${GITHUB_IP}:443`]);
    expect(all[0]!.push.namedBy).toBe('dns');
    expect((await runResolved(s.events, { allowlist })).alerts).toEqual([]);
  });
});
