/** Pure helpers: redaction, path classes, destination classes and the DNS refresh. */
import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier, parseCidr } from '../../../src/correlate/destinations.js';
import { createPathClassifier, PATH_NOISE, PATH_READ, PATH_SENSITIVE } from '../../../src/correlate/paths.js';
import { redact } from '../../../src/correlate/redact.js';
import { silentLogger } from '../../../src/telemetry/logger.js';

describe('redact', () => {
  const cases: Array<[string, string]> = [
    ['push https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/a/b', 'push https://[REDACTED]@github.com/a/b'],
    ['https://user:p4ss@gitlab.com/a.git', 'https://[REDACTED]@gitlab.com/a.git'],
    ['ssh://git@github.com/a/b.git', 'ssh://git@github.com/a/b.git'],
    [
      '-H "Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789" https://x',
      '-H "Authorization: [REDACTED]" https://x',
    ],
    ['-H Private-Token: glpat-abcdefghijklmnopqrst https://x', '-H Private-Token: [REDACTED] https://x'],
    ['-u alice:s3cret https://x', '-u [REDACTED] https://x'],
    ['push -u origin main', 'push -u origin main'],
    ['login --password hunter2 --username bob', 'login --password [REDACTED] --username bob'],
    ['login --password-stdin', 'login --password-stdin'],
    ['docker login -u bob -p hunter2 ghcr.io', 'docker login -u bob -p [REDACTED] ghcr.io'],
    ['GITHUB_TOKEN=abc123 DB_PASSWORD=x run', 'GITHUB_TOKEN=[REDACTED] DB_PASSWORD=[REDACTED] run'],
    ['https://h/p?private_token=abc&x=1', 'https://h/p?private_token=[REDACTED]&x=1'],
    ['key AKIAIOSFODNN7EXAMPLE', 'key [REDACTED]'],
    ['xoxb-1234567890-abcdefghij', '[REDACTED]'],
    ['npm_abcdefghijklmnopqrstuvwxyz0123456789', '[REDACTED]'],
    ['curl -H "Authorization: Bearer abc.def.ghi"', 'curl -H "Authorization: [REDACTED]"'],
    ['git show 1f0e3dad99908345f7439f8ffabdffc4f6a5a1b0', 'git show 1f0e3dad99908345f7439f8ffabdffc4f6a5a1b0'],
  ];
  for (const [input, output] of cases) it(input, () => expect(redact(input)).toBe(output));
  it('is idempotent and keeps null', () => {
    for (const [, out] of cases) expect(redact(out)).toBe(out);
    expect(redact(null)).toBeNull();
  });
});

describe('path classes', () => {
  const classify = createPathClassifier({
    extraSensitivePaths: ['*.kdbx', '/srv/vault/'],
    extraNoisePrefixes: ['/cache/'],
  });
  const cases: Array<[string, number]> = [
    ['/var/run/secrets/kubernetes.io/serviceaccount/token', PATH_SENSITIVE],
    ['/var/run/secrets/kubernetes.io/serviceaccount/..2025_01_01/token', PATH_SENSITIVE],
    ['/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', PATH_READ],
    ['/run/secrets/db_password', PATH_SENSITIVE],
    ['/root/.ssh/id_rsa', PATH_SENSITIVE],
    ['/home/u/.ssh/known_hosts', PATH_READ],
    ['/home/u/.ssh/id_ed25519.pub', PATH_READ],
    ['/home/u/.aws/credentials', PATH_SENSITIVE],
    ['/root/.config/gcloud/application_default_credentials.json', PATH_SENSITIVE],
    ['/root/.azure/msal_token_cache.json', PATH_SENSITIVE],
    ['/root/.kube/config', PATH_SENSITIVE],
    ['/root/.git-credentials', PATH_SENSITIVE],
    ['/root/.docker/config.json', PATH_SENSITIVE],
    ['/app/.npmrc', PATH_SENSITIVE],
    ['/app/.pypirc', PATH_SENSITIVE],
    ['/root/.netrc', PATH_SENSITIVE],
    ['/app/.env', PATH_SENSITIVE],
    ['/app/.env.production', PATH_SENSITIVE],
    // Committed templates of an app's settings, read by every CI job that builds or pushes the repository.
    ['/builds/acme/app/.env.example', PATH_READ],
    ['/workspace/.env.sample', PATH_READ],
    ['/src/.env.template', PATH_READ],
    ['/src/.env.dist', PATH_READ],
    ['/src/.env.Example', PATH_READ],
    ['/app/.env.local', PATH_SENSITIVE],
    ['/app/.env.example.local', PATH_SENSITIVE],
    ['/app/.env.d/.env.example', PATH_SENSITIVE],
    ['/etc/shadow', PATH_SENSITIVE],
    ['/etc/nginx/tls/server.key', PATH_SENSITIVE],
    ['/etc/ssl/private/privkey.pem', PATH_SENSITIVE],
    ['/app/certs/ca.pem', PATH_READ],
    ['/proc/1/environ', PATH_SENSITIVE],
    ['/proc/1/status', PATH_NOISE],
    ['/usr/lib/x86_64-linux-gnu/libssl.so.3', PATH_NOISE],
    ['/lib/ld-musl-x86_64.so.1', PATH_NOISE],
    ['/app/venv/site-packages/_cffi.cpython-311-x86_64-linux-gnu.so', PATH_NOISE],
    ['/etc/ld.so.cache', PATH_NOISE],
    ['/usr/share/locale/de/LC_MESSAGES/x.mo', PATH_NOISE],
    ['/dev/null', PATH_NOISE],
    ['/sys/fs/cgroup/cpu.max', PATH_NOISE],
    ['/data/db/base/16384/1259', PATH_READ],
    ['/home/u/passwords.kdbx', PATH_SENSITIVE],
    ['/srv/vault/unseal.txt', PATH_SENSITIVE],
    ['/cache/pip/wheel.whl', PATH_NOISE],
    // Places an attacker can stage data in are read like any other: shared memory, a directory whose name
    // merely contains `.so.`.
    ['/dev/shm/.x.tgz', PATH_READ],
    ['/srv/exports/.cache.so.d/customers.csv', PATH_READ],
    ['/tmp/libfoo.so.bak', PATH_READ],
    ['/opt/app/libfoo.so.1.2.3', PATH_NOISE],
    // Files reached through procfs links, as Falco names them (the text the process opened, links not
    // followed): classed as the file inside the link's root, not as /proc.
    ['/proc/self/root/srv/exports/2024-01.parquet', PATH_READ],
    ['/proc/1/root/var/lib/postgresql/data/base/16384/1259', PATH_READ],
    ['/proc/thread-self/root/root/.ssh/id_rsa', PATH_SENSITIVE],
    ['/proc/4242/task/4243/root/etc/shadow', PATH_SENSITIVE],
    ['/proc/self/cwd/.env', PATH_SENSITIVE],
    ['/proc/self/cwd/dump.sql', PATH_READ],
    // The working directory is unknown: what follows it is not a root-level library or device path.
    ['/proc/self/cwd/lib/customers.csv', PATH_READ],
    ['/proc/self/cwd/bin/dump.sql', PATH_READ],
    ['/proc/self/cwd/sys/export.csv', PATH_READ],
    ['/proc/self/cwd/.ssh/id_ed25519', PATH_SENSITIVE],
    // …but secrets are still secrets as if the directory were `/`, the usual one, through nested links too.
    ['/proc/self/cwd/etc/shadow', PATH_SENSITIVE],
    ['/proc/self/cwd/var/run/secrets/kubernetes.io/serviceaccount/token', PATH_SENSITIVE],
    ['/proc/self/cwd/run/secrets/db-password', PATH_SENSITIVE],
    ['/proc/self/cwd/proc/1/root/etc/shadow', PATH_SENSITIVE],
    ['/dev/cwd/etc/shadow', PATH_SENSITIVE],
    ['/proc/self/cwd/srv/vault/unseal.txt', PATH_SENSITIVE],
    ['/proc/self/cwd/usr/lib/libssl.so.3', PATH_NOISE],
    ['/proc/self/cwd/proc/1/root/usr/lib/x/data.bin', PATH_NOISE],
    ['/proc/1/root/usr/lib/x86_64-linux-gnu/libc.so.6', PATH_NOISE],
    ['/proc/self/root/proc/1/environ', PATH_SENSITIVE],
    ['/dev/root/srv/exports/2024-01.parquet', PATH_READ],
    ['/proc/self/root', PATH_NOISE],
    ['/proc/self/fd/3', PATH_NOISE],
    ['/proc/1/status', PATH_NOISE],
    ['/proc/self/task/7/stat', PATH_NOISE],
    ['/proc/self/net/tcp6', PATH_NOISE],
    ['/proc/sys/kernel/hostname', PATH_NOISE],
    // `..` right after a link, as Falco normalizes it (`/proc/self/cwd/../srv/x` → `/proc/self/srv/x`): a name
    // procfs does not have in a process's directory is a file in the link's parent, classed as under a
    // working-directory link.
    ['/proc/self/srv/exports/2024-01.parquet', PATH_READ],
    ['/proc/1/rootfs/x', PATH_READ],
    ['/proc/self/dump.sql', PATH_READ],
    ['/proc/self/lib/customers.csv', PATH_READ],
    ['/proc/thread-self/etc/shadow', PATH_SENSITIVE],
    ['/proc/42/root/.ssh/id_rsa', PATH_SENSITIVE],
    ['/proc/self/proc/1/root/etc/shadow', PATH_SENSITIVE],
    ['/proc/self/usr/lib/libssl.so.3', PATH_NOISE],
    // `..` twice (`/proc/self/cwd/../../srv/x`): a name procfs does not have under /proc.
    ['/proc/etc/shadow', PATH_SENSITIVE],
    ['/proc/srv/exports/2024-01.parquet', PATH_READ],
    ['/proc/sys/kernel/pid_max', PATH_NOISE],
    ['/proc/driver/nvidia/version', PATH_NOISE],
    ['/proc/meminfo', PATH_NOISE],
    ['/proc/orders.parquet', PATH_READ],
    ['/proc/device-tree/model', PATH_NOISE],
    ['/proc/cpu/alignment', PATH_NOISE],
    ['/proc/self/fd/orders.parquet', PATH_READ],
    ['/dev/fd/orders.parquet', PATH_READ],
    // Under a directory a descriptor holds (`exec 3</srv/db; tar c /proc/self/fd/3/`).
    ['/proc/self/fd/3/orders.csv', PATH_READ],
    ['/dev/fd/3/.ssh/id_rsa', PATH_SENSITIVE],
    ['/proc/self/fd/3', PATH_NOISE],
    // Real per-process entries are procfs, whatever the kernel's build.
    ['/proc/thread-self/children', PATH_NOISE],
    ['/proc/self/stack_depth', PATH_NOISE],
    // Not handled (docs/detection.md): `..` after a thread's link.
    ['/proc/self/task/7/srv/x.csv', PATH_NOISE],
    ['/dev/fd/3', PATH_NOISE],
  ];
  for (const [path, cls] of cases) it(path, () => expect(classify(path)).toBe(cls));

  it('follows a procfs link nested a hundred thousand times without running out of stack', () => {
    expect(classify(`${'/proc/self/root'.repeat(100_000)}/root/.ssh/id_rsa`)).toBe(PATH_SENSITIVE);
    expect(classify(`${'/proc/1/cwd'.repeat(100_000)}/srv/x.csv`)).toBe(PATH_READ);
  });
});

describe('destination classes', () => {
  const config = correlatorConfigSchema.parse({
    destinations: { internal: ['git.corp.example', '10.20.0.0/16', 'fd00::/8'] },
  }).destinations;
  it('classes hosts by exact name, suffix and pattern; internal wins', () => {
    const d = new DestinationClassifier(config, 10);
    expect(d.classifyHost('github.com')).toBe('forge');
    expect(d.classifyHost('objects.githubusercontent.com')).toBe('forge');
    expect(d.classifyHost('ghcr.io')).toBe('registry');
    expect(d.classifyHost('123456789012.dkr.ecr.us-east-1.amazonaws.com')).toBe('registry');
    expect(d.classifyHost('s3.amazonaws.com')).toBeNull();
    expect(d.classifyHost('europe-west1-docker.pkg.dev')).toBe('registry');
    expect(d.classifyHost('git.corp.example')).toBe('internal');
    expect(d.classifyIp('10.20.9.9', 0)).toMatchObject({ host: '10.20.9.9', cls: 'internal', from: null });
    expect(d.classifyIp('fd00::1', 0)?.cls).toBe('internal');
    expect(d.classifyIp('10.21.0.1', 0)).toBeNull();
  });
  it('only API paths of forge web hosts are upload targets', () => {
    const d = new DestinationClassifier(config, 10);
    expect(d.isUploadTarget('github.com', '/login/oauth/access_token')).toBe(false);
    expect(d.isUploadTarget('gitlab.com', '/api/v4/projects/1/uploads')).toBe(true);
    expect(d.isUploadTarget('api.github.com', '/gists')).toBe(true);
    expect(d.isUploadTarget('example.com', '/api/x')).toBe(false);
  });
  it("classes the anonymous registry ttl.sh, Gitea's public forge and GitHub Packages (red-team review)", () => {
    const d = new DestinationClassifier(config, 10);
    expect(d.classifyHost('ttl.sh')).toBe('registry');
    expect(d.isUploadTarget('ttl.sh', '/v2/x/blobs/uploads/')).toBe(true);
    expect(d.classifyHost('nuget.pkg.github.com')).toBe('registry');
    expect(d.classifyHost('gitea.com')).toBe('forge');
    // gitea.com is its web front end too: only its API paths are upload targets.
    expect(d.isUploadTarget('gitea.com', '/api/v1/repos/evil/x/contents/k')).toBe(true);
    expect(d.isUploadTarget('gitea.com', '/user/login')).toBe(false);
  });
  it("classes Gitee's and SourceHut's forges and Azure Repos' older ssh host (red-team review)", () => {
    const d = new DestinationClassifier(config, 10);
    expect(d.classifyHost('gitee.com')).toBe('forge');
    // gitee.com is its web front end too: only its API paths are upload targets.
    expect(d.isUploadTarget('gitee.com', '/api/v5/gists')).toBe(true);
    expect(d.isUploadTarget('gitee.com', '/login')).toBe(false);
    expect(d.classifyHost('git.sr.ht')).toBe('forge');
    expect(d.isUploadTarget('paste.sr.ht', '/query')).toBe(true);
    expect(d.classifyHost('vs-ssh.visualstudio.com')).toBe('forge');
    // SourceHut's sign-in, the VS Code marketplace and a company's Artifactory stay unclassed (docs/detection.md).
    expect(d.classifyHost('meta.sr.ht')).toBeNull();
    expect(d.classifyHost('marketplace.visualstudio.com')).toBeNull();
    expect(d.classifyHost('acme.jfrog.io')).toBeNull();
  });
  it('learns IPs from push lineages with a TTL and a cap (evictions reported)', () => {
    let evicted = 0;
    const d = new DestinationClassifier(config, 2, () => evicted++);
    d.learn('1.1.1.1', 'github.com', 0);
    d.learn('1.1.1.2', 'example.org', 0); // not a forge: not learned
    d.learn('1.1.1.3', 'ghcr.io', 0);
    d.learn('1.1.1.4', 'quay.io', 0);
    expect(evicted).toBe(1);
    expect(d.classifyIp('1.1.1.2', 0)).toBeNull();
    expect(d.classifyIp('1.1.1.4', 10)).toEqual(expect.objectContaining({ host: 'quay.io', cls: 'registry' }));
    expect(d.classifyIp('1.1.1.4', config.ipHintTtlMs + 1)).toBeNull();
  });
  it('DNS refresh classes resolved IPs, survives failures and keeps previous answers', async () => {
    const d = new DestinationClassifier(config, 10);
    let fail = false;
    const resolver = async (host: string) => {
      if (fail) throw new Error('SERVFAIL');
      return host === 'github.com' ? ['140.82.112.3'] : [];
    };
    await d.refresh(resolver, silentLogger());
    expect(d.classifyIp('140.82.112.3', 0)).toEqual(expect.objectContaining({ host: 'github.com', cls: 'forge' }));
    fail = true;
    await expect(d.refresh(resolver, silentLogger())).resolves.toBeUndefined();
    expect(d.classifyIp('140.82.112.3', 0)?.host).toBe('github.com');
    expect(d.resolvableHosts()).not.toContain('*.pkg.dev');
  });
  it('parses CIDRs', () => {
    expect(parseCidr('10.0.0.0/8')).not.toBeNull();
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('not-an-ip')).toBeNull();
    // Number('') is 0: an empty or non-numeric prefix must not read as a /0 that matches everything.
    expect(parseCidr('10.0.0.0/')).toBeNull();
    expect(parseCidr('10.0.0.0/8/9')).toBeNull();
    expect(parseCidr('10.0.0.0/ 8')).toBeNull();
    expect(parseCidr('fd00::/8')).not.toBeNull();
  });
});
