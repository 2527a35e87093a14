/**
 * Benign look-alikes: what must yield nothing (or only the low alert a plain push deserves), and the
 * allowlist for CI builds.
 */
import { describe, expect, it } from 'vitest';
import { brief, counterValue, MiB, run, runResolved, Scenario } from './builder.js';

const GITHUB_IP = '140.82.112.3';

describe('benign look-alikes', () => {
  it('a large clone (download lineage, even with a chatty fetch) and a build reading it: nothing', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'build-1' });
    const sh = s.init(c);
    const git = s.exec(c, '/usr/bin/git', 'clone https://github.com/torvalds/linux.git /src', { parent: sh });
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/torvalds/linux.git', {
      parent: git,
    });
    s.connect(helper, GITHUB_IP, 443).send(helper, GITHUB_IP, 443, 3 * MiB);
    for (let i = 0; i < 100; i++) s.write(git, `/src/f${i}`, 5 * MiB);
    const make = s.exec(c, '/usr/bin/make', '-C /src -j8', { parent: sh });
    s.readMany(make, '/src', 100, 5 * MiB, 10);
    expect((await runResolved(s.events)).alerts).toEqual([]);
  });

  it('downloads are never pushes: docker pull, crane pull, skopeo inspect, git fetch/pull/ls-remote', async () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    for (const [bin, args] of [
      ['/usr/bin/docker', 'pull ghcr.io/acme/app:1'],
      ['/usr/local/bin/crane', 'pull ghcr.io/acme/app:1 /tmp/app.tar'],
      ['/usr/bin/skopeo', 'inspect docker://quay.io/acme/app:1'],
      ['/usr/bin/git', 'fetch origin'],
      ['/usr/bin/git', 'pull --rebase'],
      ['/usr/bin/git', 'ls-remote https://github.com/acme/app.git'],
    ] as const) {
      const p = s.exec(c, bin, args, { parent: sh });
      s.connect(p, GITHUB_IP, 443)
        .send(p, GITHUB_IP, 443, 2 * MiB)
        .wait(1000);
    }
    // A GET sends little: under the egress threshold.
    const get = s.exec(c, '/usr/bin/curl', '-fsSL https://api.github.com/repos/acme/app/releases/latest', {
      parent: sh,
    });
    s.connect(get, '140.82.112.5', 443).send(get, '140.82.112.5', 443, 2000);
    expect((await runResolved(s.events)).alerts).toEqual([]);
    // The same bytes from a process that is not downloading would be a push by egress.
    const t = new Scenario();
    const d = t.container();
    const p = t.exec(d, '/usr/bin/git', 'status', { parent: t.init(d) });
    t.connect(p, GITHUB_IP, 443).send(p, GITHUB_IP, 443, 2 * MiB);
    expect((await runResolved(t.events)).alerts).toHaveLength(1);
  });

  it('a backup to object storage (tar, then aws s3 cp and curl -T to S3): nothing', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'backup', pod: 'nightly-28934' });
    const sh = s.init(c);
    const tar = s.exec(c, '/bin/tar', 'czf /tmp/db.tgz /var/lib/postgresql', { parent: sh });
    s.readMany(tar, '/var/lib/postgresql/base', 300, MiB, 5);
    const aws = s.exec(c, '/usr/local/bin/aws', 's3 cp /tmp/db.tgz s3://acme-backups/db.tgz', { parent: sh });
    s.read(aws, '/tmp/db.tgz', 300 * MiB)
      .connect(aws, '52.216.8.1', 443)
      .send(aws, '52.216.8.1', 443, 300 * MiB);
    const curl = s.exec(c, '/usr/bin/curl', '-T /tmp/db.tgz https://acme-backups.s3.amazonaws.com/db.tgz', {
      parent: sh,
    });
    s.connect(curl, '52.216.8.2', 443).send(curl, '52.216.8.2', 443, 300 * MiB);
    expect(run(s.events).alerts).toEqual([]);
  });

  it('a log shipper reading logs and sending them to a logging endpoint: nothing', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'logging', pod: 'fluent-bit-x7' });
    const fb = s.exec(c, '/fluent-bit/bin/fluent-bit', '-c /fluent-bit/etc/fluent-bit.conf', { parent: s.init(c) });
    for (let i = 0; i < 200; i++) {
      s.read(fb, `/var/log/containers/app-${i % 20}.log`, MiB).wait(500);
      s.send(fb, '10.0.5.5', 9200, MiB);
    }
    expect(run(s.events).alerts).toEqual([]);
  });

  it('a small commit without a push: nothing; with a push: only a low alert', () => {
    const commit = (push: boolean) => {
      const s = new Scenario();
      const c = s.container();
      const sh = s.init(c);
      const add = s.exec(c, '/usr/bin/git', 'add README.md src/a.ts', { parent: sh });
      s.read(add, '/work/README.md', 2000).read(add, '/work/src/a.ts', 3000);
      s.exec(c, '/usr/bin/git', 'commit -m "fix typo"', { parent: sh });
      if (push) {
        const git = s.exec(c, '/usr/bin/git', 'push origin main', { parent: sh });
        const h = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/app.git', {
          parent: git,
        });
        s.connect(h, GITHUB_IP, 443).send(h, GITHUB_IP, 443, 4000);
      }
      return run(s.events).alerts;
    };
    expect(commit(false)).toEqual([]);
    expect(brief(commit(true))).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
  });

  it('a push hours after bulk and secret reads: low', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/data', 100, MiB, 100)
      .read(sh, '/root/.ssh/id_rsa', 1700)
      .wait(3 * 3600_000);
    const git = s.exec(c, '/usr/bin/git', 'push https://github.com/acme/app.git', { parent: sh });
    s.connect(git, GITHUB_IP, 443);
    const { alerts } = run(s.events);
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.reads).toEqual({ bytes: 0, files: 0, top: [], sensitive: [] });
  });

  it('reads in one pod and a push in another: only the pusher, low', () => {
    const s = new Scenario();
    const a = s.container({ pod: 'db-0' });
    const b = s.container({ pod: 'web-1' });
    const shA = s.init(a);
    s.readMany(shA, '/var/lib/mysql', 100, MiB, 10).read(
      shA,
      '/var/run/secrets/kubernetes.io/serviceaccount/token',
      900,
    );
    const git = s.exec(b, '/usr/bin/git', 'push https://github.com/acme/web.git', { parent: s.init(b) });
    s.connect(git, GITHUB_IP, 443);
    const { alerts } = run(s.events);
    expect(alerts.map((x) => [x.pod?.name, x.rule, x.severity])).toEqual([['web-1', 'push-without-reads', 'low']]);
  });

  it('a sign-in POST to github.com and a webhook POST elsewhere: nothing', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.exec(c, '/usr/bin/curl', '-X POST https://github.com/login/oauth/access_token -d code=abc', { parent: sh });
    s.exec(c, '/usr/bin/curl', '-d @/tmp/event.json https://hooks.slack.com/services/T000/B000/XXXX', { parent: sh });
    expect(run(s.events).alerts).toEqual([]);
  });
});

describe('CI builds and the allowlist', () => {
  function kanikoBuild() {
    const s = new Scenario();
    const c = s.container({
      namespace: 'ci',
      pod: 'build-app-x1',
      image: 'gcr.io/kaniko-project/executor:v1.23.0',
      labels: { team: 'platform' },
    });
    const k = s.exec(c, '/kaniko/executor', '--context dir:///workspace --destination gcr.io/acme/app:1.2.3', {
      parent: s.init(c, '/busybox/sh'),
    });
    s.readMany(k, '/workspace', 300, 300 * 1024, 5);
    s.connect(k, '142.250.1.82', 443).send(k, '142.250.1.82', 443, 90 * MiB);
    return s;
  }

  it('without an allowlist a CI image build with a big context is a bulk read then push', () => {
    const { alerts } = run(kanikoBuild().events);
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'kaniko', destination: 'gcr.io' },
    ]);
  });

  it('an allowlist entry exempts it: no alert, logged and counted per rule and per reason', async () => {
    const { alerts, metrics } = run(kanikoBuild().events, {
      allowlist: [{ namespace: 'ci', image: 'gcr.io/kaniko-project/*', reason: 'CI image builds' }],
    });
    expect(alerts).toEqual([]);
    expect(await counterValue(metrics, 'exfilwatch_alerts_allowlisted_total', { rule: 'bulk-read-then-push' })).toBe(1);
    expect(await counterValue(metrics, 'exfilwatch_allowlist_matches_total', { reason: 'CI image builds' })).toBe(1);
  });

  it('every field given must match: a destination outside the entry is not exempt', async () => {
    const entry = { namespace: 'ci', destination: '*.pkg.dev', reason: 'artifact registry only' };
    const { alerts, metrics } = run(kanikoBuild().events, { allowlist: [entry] });
    expect(alerts).toHaveLength(1);
    expect(await counterValue(metrics, 'exfilwatch_alerts_allowlisted_total')).toBe(0);
  });

  it('podLabels, binary and CIDR destinations match', () => {
    const ok = (entry: Record<string, unknown>) =>
      run(kanikoBuild().events, { allowlist: [{ ...entry, reason: 'x' }] }).alerts.length;
    expect(ok({ podLabels: { team: 'plat*' } })).toBe(0);
    expect(ok({ podLabels: { team: 'payments' } })).toBe(1);
    expect(ok({ binary: '/kaniko/*' })).toBe(0);
    expect(ok({ destination: '142.250.0.0/16' })).toBe(0);
    expect(ok({ destination: '10.0.0.0/8' })).toBe(1);
    expect(ok({ pod: 'build-*', namespace: 'prod' })).toBe(1);
  });
});
