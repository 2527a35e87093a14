/**
 * The allowlist entries the ADS document (docs/ads/T1567.001-container-exfiltration.md, "False positives")
 * tells operators to copy must silence the CI workloads they are written for, and only those. Read from
 * the document itself, so an example that drifts from what the correlator matches fails here: its entry
 * for release uploads named `uploads.github.com`, where `gh release upload` is a push to `api.github.com`
 * (the host its argv implies; the upload host is where gh sends the bytes), and silenced nothing.
 */
import { describe, expect, it } from 'vitest';
import { brief, type Ctr, MiB, type Proc, runResolved, Scenario, TEST_DNS } from './builder.js';
import { documentedAllowlist } from './documented-allowlist.js';

const API = TEST_DNS['api.github.com']![0]!;
const UPLOADS = '140.82.112.14';
const PKG_DEV = '142.250.27.82';
const GITLAB_CORP = '10.20.3.4';

function kaniko(s: Scenario, namespace = 'ci'): void {
  const c = s.container({ namespace, image: 'gcr.io/kaniko-project/executor:v1.23.2', name: 'kaniko' });
  const k = s.init(
    c,
    '/kaniko/executor',
    '--context dir:///workspace --destination europe-docker.pkg.dev/acme/apps/checkout:1.4.0',
  );
  s.read(k, '/kaniko/.docker/config.json', 2300).readMany(k, '/workspace/src', 150, 700_000);
  s.connect(k, PKG_DEV, 443)
    .send(k, PKG_DEV, 443, 80 * MiB)
    .wait(5_000);
}

/** A release job on an actions-runner-controller pod: tar the build, `gh release upload` it. */
function releaseUpload(s: Scenario, namespace = 'arc-runners'): void {
  const c: Ctr = s.container({
    namespace,
    name: 'runner',
    image: 'ghcr.io/actions/actions-runner:2.321.0',
    labels: { 'app.kubernetes.io/component': 'runner' },
  });
  const worker: Proc = s.init(c, '/home/runner/bin/Runner.Worker', 'spawnclient 116 119');
  const tar = s.exec(c, '/usr/bin/tar', 'czf dist/app-linux-amd64.tar.gz -C build .', { parent: worker });
  s.readMany(tar, '/home/runner/_work/app/app/build', 40, 300_000).exit(tar);
  const gh = s.exec(c, '/usr/bin/gh', 'release upload v1.4.0 dist/app-linux-amd64.tar.gz --clobber', {
    parent: worker,
  });
  s.read(gh, '/home/runner/_work/app/app/dist/app-linux-amd64.tar.gz', 9 * MiB);
  s.connect(gh, API, 443, { cookie: 'a' }).send(gh, API, 443, 3_000, { cookie: 'a' });
  s.connect(gh, UPLOADS, 443, { cookie: 'u' }).send(gh, UPLOADS, 443, 9 * MiB, { cookie: 'u' });
  s.wait(2_000).exit(gh);
}

function gitlabPush(s: Scenario, namespace = 'gitlab-runner'): void {
  const c = s.container({ namespace, name: 'build', image: 'registry.gitlab.com/acme/ci-images/node:20' });
  const sh = s.init(c, '/bin/bash', '-c /scripts-12-345/step_script');
  s.readMany(sh, '/builds/acme/app/src', 300, 40_000);
  const push = s.exec(c, '/usr/bin/git', 'push https://gitlab.corp.example/acme/app.git HEAD:refs/tags/v2.0.0', {
    parent: sh,
  });
  s.connect(push, GITLAB_CORP, 443).send(push, GITLAB_CORP, 443, 6_000).wait(300).exit(push);
}

const workloads: Array<[string, (s: Scenario, namespace?: string) => void]> = [
  ['kaniko build to Artifact Registry', kaniko],
  ['gh release upload on a runner pod', releaseUpload],
  ['git push to the internal GitLab', gitlabPush],
];

describe('the allowlist entries the ADS documents', () => {
  const allowlist = documentedAllowlist();
  const config = { destinations: { internal: ['10.20.0.0/16'] } };

  it.each(workloads)('alert without the entries and are silenced by them: %s', async (_name, workload) => {
    const s = new Scenario();
    workload(s);
    expect((await runResolved(s.events, { config })).alerts).toHaveLength(1);
    expect(brief((await runResolved(s.events, { config, allowlist })).alerts)).toEqual([]);
  });

  it.each(workloads)('do not silence the same workload in another namespace: %s', async (_name, workload) => {
    const s = new Scenario();
    workload(s, 'dev');
    expect((await runResolved(s.events, { config, allowlist })).alerts).toHaveLength(1);
  });
});
