/**
 * What the byte accounting must not do: learn a proxy on 80/443 as the forge a CI push named, un-allowlist
 * kaniko when Falco reports no sends, let a docker daemon's bytes fill the push's own slot, split one
 * address's bytes over its processes' entries, or weigh bytes that left the window.
 */
import { describe, expect, it } from 'vitest';
import { MiB, run, runResolved, Scenario } from './builder.js';
import { kanikoToHarbor } from './kaniko-build.js';

const ATTACKER_IP = '203.0.113.66';

describe('a proxy on a forge port is not learned as github.com', () => {
  it('CI git push through http proxy 10.0.0.5:80, then a backup pod uploads to S3 through the same proxy: no alert', async () => {
    const s = new Scenario();
    const ci = s.container({ namespace: 'ci' });
    const csh = s.init(ci);
    const g = s.exec(ci, '/usr/bin/git', 'push https://github.com/acme/app.git main', { parent: csh });
    const h = s.exec(ci, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/app.git', { parent: g });
    s.connect(h, '10.0.0.5', 80).send(h, '10.0.0.5', 80, 2 * MiB); // CONNECT github.com:443 via proxy
    s.wait(60_000);
    const app = s.container({ namespace: 'backup' });
    const sh = s.init(app);
    s.readMany(sh, '/var/lib/postgresql', 80, MiB);
    const up = s.exec(app, '/usr/local/bin/backup-agent', 'upload --bucket s3://acme-backups', { parent: sh });
    s.connect(up, '10.0.0.5', 80).send(up, '10.0.0.5', 80, 80 * MiB); // CONNECT s3.amazonaws.com:443
    const { alerts } = await runResolved(s.events, { allowlist: [{ namespace: 'ci', reason: 'ci' }] });
    expect(alerts.map((a) => `${a.pod?.namespace} ${a.push.destination}`)).toEqual([]);
  });
});

describe('Falco with no send events: kaniko to the internal registry, base image from Docker Hub', () => {
  it('allowlisted by the registry CIDR, as with Tetragon', () => {
    expect(kanikoToHarbor({ source: 'falco', sends: false })).toEqual([]);
  });
});

describe('a docker daemon’s bridged bytes stay in its own slot', () => {
  it('docker push to 10.20.0.5:5000; a credential helper touches 10.20.0.5:5000 and sends 50 MiB to an attacker; dockerd uploads 50 MiB: not exempt', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 100, MiB);
    const d = s.exec(c, '/usr/bin/docker', 'push 10.20.0.5:5000/app:1', { parent: sh });
    const helper = s.exec(c, '/usr/local/bin/docker-credential-corp', 'get', { parent: d });
    s.connect(helper, '10.20.0.5', 5000).send(helper, '10.20.0.5', 5000, 500);
    s.connect(helper, ATTACKER_IP, 443).send(helper, ATTACKER_IP, 443, 50 * MiB);
    const dockerd = s.hostProc('/usr/bin/dockerd', '-H fd://');
    s.wait(300)
      .connect(dockerd, '10.20.0.5', 5000)
      .send(dockerd, '10.20.0.5', 5000, 50 * MiB);
    expect(run(s.events).alerts).toHaveLength(1);
    const allow = [{ namespace: 'ci', destination: '10.20.0.0/16', reason: 'internal registry' }];
    expect(run(s.events, { allowlist: allow }).alerts).toHaveLength(1);
  });
});

describe('a sum keys its bytes by address, not by process', () => {
  it('a loop of 8 uploads, all to the allowlisted internal 10.20.0.5:8081 (Nexus): exempt by 10.20.0.0/16', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/builds/out', 80, MiB);
    for (let i = 0; i < 8; i++) {
      const p = s.exec(c, '/usr/local/bin/nexus-upload', `--file part${i}.tgz`, { parent: sh });
      s.connect(p, '10.20.0.5', 8081).send(p, '10.20.0.5', 8081, 0.3 * MiB);
      s.exit(p).wait(200);
    }
    const cfg = { destinations: { internal: ['10.20.0.0/16'] } };
    expect(run(s.events, { config: cfg }).alerts).toHaveLength(1);
    const allow = [{ namespace: 'ci', destination: '10.20.0.0/16', reason: 'nexus' }];
    expect(run(s.events, { allowlist: allow, config: cfg }).alerts).toEqual([]);
  });
});

describe('a sum’s per-address bytes are the current window generation’s', () => {
  it('0.95 MiB to an in-range github.com address, an hour later 1 MiB to public github.com: not exempt by 10.0.0.0/8', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'apps' });
    const sh = s.init(c);
    // The attacker's own push teaches the node 10.0.0.66:443 = github.com (/etc/hosts in its pod).
    const g = s.exec(c, '/usr/bin/git', 'push https://github.com/x/y.git main', { parent: sh });
    const h = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/x/y.git', { parent: g });
    s.connect(h, '10.0.0.66', 443).send(h, '10.0.0.66', 443, 100);
    s.exit(h).exit(g).wait(60_000);
    const a = s.exec(c, '/usr/bin/python3', '/tmp/a.py', { parent: sh });
    s.connect(a, '10.0.0.66', 443).send(a, '10.0.0.66', 443, 0.95 * MiB);
    s.wait(31 * 60_000).send(a, '10.0.0.66', 443, 1);
    s.wait(31 * 60_000);
    s.readMany(sh, '/srv/db', 80, MiB);
    for (const n of ['b', 'c']) {
      const p = s.exec(c, '/usr/bin/python3', `/tmp/${n}.py`, { parent: sh });
      s.connect(p, '140.82.112.3', 443).send(p, '140.82.112.3', 443, 0.5 * MiB);
    }
    const none = (await runResolved(s.events)).alerts.filter((x) => x.rule === 'bulk-read-then-push');
    expect(none).toHaveLength(1);
    const allow = [{ namespace: 'apps', destination: '10.0.0.0/8', reason: 'in-cluster' }];
    const got = (await runResolved(s.events, { allowlist: allow })).alerts.filter(
      (x) => x.rule === 'bulk-read-then-push',
    );
    expect(got).toHaveLength(1);
  });
});
