/**
 * Where a push's bytes went, as its alert lists them and as the allowlist weighs them: the addresses that
 * got the bulk are listed (they take the place of connect-only ones) and decide a host or CIDR entry (nearly
 * all bytes must have gone there); a CI push's requests elsewhere (the other address family, DNS over TCP,
 * a build tool's base-image pulls) do not un-allowlist it.
 */
import { describe, expect, it } from 'vitest';
import { MiB, run, runResolved, Scenario, TEST_DNS } from './builder.js';
import { kanikoToHarbor } from './kaniko-build.js';

const GITHUB_IP = TEST_DNS['github.com']![0]!;
const GHCR_IP = TEST_DNS['ghcr.io']![0]!;
const ATTACKER_IP = '203.0.113.66';
const KiB = 1024;

describe('addresses past the first four: the ones that got the bytes are listed and checked', () => {
  /** 1.1 MiB to github.com (DNS), connects to 3 more of its ports, then 80 MiB to an attacker. */
  const fourThenAttacker = (o: { connect: boolean }) => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB);
    const py = s.exec(c, '/usr/bin/python3', '/app/sync.py', { parent: sh });
    s.connect(py, GITHUB_IP, 443).send(py, GITHUB_IP, 443, 1.1 * MiB);
    for (const port of [22, 80, 9418]) s.connect(py, GITHUB_IP, port);
    if (o.connect) s.connect(py, ATTACKER_IP, 443);
    s.send(py, ATTACKER_IP, 443, 80 * MiB);
    return s.events;
  };

  it('the attacker is listed, and neither a github.com host entry nor its CIDR exempts the push', async () => {
    const events = fourThenAttacker({ connect: true });
    const noList = (await runResolved(events)).alerts;
    expect(noList).toHaveLength(1);
    expect(noList[0]!.push.addresses).toContain(`${ATTACKER_IP}:443`);
    const allowlist = [{ namespace: 'ci', destination: 'github.com', reason: 'ci pushes' }];
    expect((await runResolved(events, { allowlist })).alerts).toHaveLength(1);
    const byCidr = [{ namespace: 'ci', destination: '140.82.112.0/20', reason: 'ci pushes' }];
    expect((await runResolved(events, { allowlist: byCidr })).alerts).toHaveLength(1);
  });

  it('sends with an address and no connect event: the attacker is listed too', async () => {
    const [a] = (await runResolved(fourThenAttacker({ connect: false }))).alerts;
    expect(a!.push.addresses).toContain(`${ATTACKER_IP}:443`);
  });

  it("split over processes: 4 small senders to github.com fill the sum's addresses before an argv-named one; a github.com entry still does not exempt the push", async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB);
    for (let i = 0; i < 4; i++) {
      const p = s.exec(c, '/usr/bin/python3', `/app/ping.py ${i}`, { parent: sh });
      s.connect(p, GITHUB_IP, 443).send(p, GITHUB_IP, 443, 10 * KiB);
    }
    const up = s.exec(c, '/opt/up', '--note https://github.com/acme/app --src /srv', { parent: sh });
    s.connect(up, ATTACKER_IP, 443).send(up, ATTACKER_IP, 443, 0.9 * MiB);
    const last = s.exec(c, '/usr/bin/python3', '/app/ping.py 5', { parent: sh });
    s.connect(last, GITHUB_IP, 443).send(last, GITHUB_IP, 443, 0.1 * MiB);
    const allowlist = [{ namespace: 'ci', destination: 'github.com', reason: 'ci pushes' }];
    const { alerts } = await runResolved(s.events, { allowlist });
    expect(alerts).toHaveLength(1);
  });
});

describe('push.addresses lists an address once, however many processes sent to it', () => {
  it('6 uploaders to the one ghcr.io address (DNS): addresses has it once', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'shop' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/exports', 80, MiB);
    for (let i = 0; i < 6; i++) {
      const p = s.exec(c, '/opt/sync/uploader', `/tmp/parts/part-${i}`, { parent: sh });
      s.connect(p, GHCR_IP, 443).send(p, GHCR_IP, 443, 300 * KiB);
      s.exit(p).wait(100);
    }
    const [a, ...more] = (await runResolved(s.events)).alerts;
    expect(more).toEqual([]);
    expect(a!.push.addresses).toEqual([`${GHCR_IP}:443`]);
  });
});

describe('a CIDR entry weighs by bytes: requests elsewhere do not un-allowlist a CI push', () => {
  const internal = [
    { namespace: 'ci', destination: '10.20.0.0/16', reason: 'internal git/registry (v4)' },
    { namespace: 'ci', destination: 'fd00:20::/64', reason: 'internal git/registry (v6)' },
  ];
  /** A CI job (Falco) that read 80 MiB of its build and runs `git push` to the internal server: its helper. */
  const ciGitPush = () => {
    const s = new Scenario({ source: 'falco' });
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/builds/app', 80, MiB);
    const g = s.exec(c, '/usr/bin/git', 'push https://git.corp.example/app.git main', { parent: sh });
    const url = 'https://git.corp.example/app.git';
    return { s, c, sh, h: s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: g }) };
  };

  it('dual-stack: git push to the internal server over both families (happy eyeballs / getaddrinfo probe) is exempt', () => {
    const { s, h } = ciGitPush();
    s.connect(h, 'fd00:20::5', 443)
      .connect(h, '10.20.0.5', 443)
      .send(h, '10.20.0.5', 443, 80 * MiB);
    expect(run(s.events, { allowlist: internal }).alerts).toEqual([]);
  });

  it('git push to the internal server whose resolver answer was truncated (glibc retries DNS over TCP to kube-dns) is exempt', () => {
    const { s, h } = ciGitPush();
    s.connect(h, '10.96.0.10', 53, { protocol: 'udp' });
    s.connect(h, '10.96.0.10', 53, { protocol: 'tcp' }).send(h, '10.96.0.10', 53, 60, { protocol: 'tcp' });
    s.connect(h, '10.20.0.5', 443, { protocol: 'tcp' }).send(h, '10.20.0.5', 443, 80 * MiB, { protocol: 'tcp' });
    const { alerts } = run(s.events, { allowlist: internal });
    expect(alerts).toEqual([]);
  });

  it('svn commit (working copy names the server) after a TCP DNS lookup: the destination is not the resolver', () => {
    const s = new Scenario({ source: 'falco' });
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/builds/app', 80, MiB);
    const svn = s.exec(c, '/usr/bin/svn', 'commit -m x', { parent: sh });
    s.connect(svn, '10.96.0.10', 53, { protocol: 'tcp' }).send(svn, '10.96.0.10', 53, 60, { protocol: 'tcp' });
    s.connect(svn, '10.20.0.5', 443, { protocol: 'tcp' }).send(svn, '10.20.0.5', 443, 80 * MiB, { protocol: 'tcp' });
    const [a] = run(s.events).alerts;
    expect(a!.push.destination).toBe('10.20.0.5:443');
  });

  it("docker push (docker.sock) to the internal registry while the node's dockerd also pulls for another pod: exempt", () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/builds/app', 100, MiB);
    s.exec(c, '/usr/bin/docker', 'push 10.20.0.5:5000/app:1', { parent: sh });
    const dockerd = s.hostProc('/usr/bin/dockerd', '-H fd://');
    s.wait(200)
      .connect(dockerd, '54.236.113.205', 443)
      .send(dockerd, '54.236.113.205', 443, 2 * KiB); // registry-1.docker.io for another job's pull
    s.wait(300)
      .connect(dockerd, '10.20.0.5', 5000)
      .send(dockerd, '10.20.0.5', 5000, 90 * MiB);
    const allow = [{ namespace: 'ci', destination: '10.20.0.0/16', reason: 'internal registry' }];
    expect(run(s.events, { allowlist: allow }).alerts).toEqual([]);
  });
});

describe('kaniko to the internal registry, base image from Docker Hub', () => {
  it('allowlisted by the registry CIDR', () => {
    expect(kanikoToHarbor({ sends: true })).toEqual([]);
  });
});
