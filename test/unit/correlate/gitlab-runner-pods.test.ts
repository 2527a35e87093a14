/**
 * GitLab Runner's Kubernetes executor runs a job as one pod: the `build` container runs the script, the
 * `helper` container clones and uploads artifacts, and each service (`docker:dind`) is a container too.
 * Two of its routine uploads are pushes to exfilwatch, and the ADS documents the entries that exempt them:
 * - `docker push` in `build` talks to the dind service over the pod's loopback; the service's dockerd reads
 *   the layers and uploads them. Only a host daemon is bridged to the push (docs/detection.md, "docker.sock
 *   bridging"), so dockerd in the service container was a push by egress of its own: two alerts, both high,
 *   for one push. The entry exempts the daemon; the job's `docker push` is still judged in `build`.
 * - the helper's `artifacts-uploader` zips the job's artifacts and uploads them to GitLab, a forge: with
 *   64 MiB of artifacts, `bulk-read-then-push`, high, on every job.
 */
import { describe, expect, it } from 'vitest';
import type { HostResolver } from '../../../src/correlate/index.js';
import type { Alert } from '../../../src/model/alert.js';
import { MiB, runResolved, Scenario } from './builder.js';
import { documentedEntry } from './documented-allowlist.js';

const GITLAB_REGISTRY = '172.65.251.78';
const GITLAB = '172.65.251.80';
const resolveHost: HostResolver = async (h) =>
  h === 'registry.gitlab.com' ? [GITLAB_REGISTRY] : h === 'gitlab.com' ? [GITLAB] : [];
const POD = 'runner-t3xq8-project-4711-concurrent-0-5k2x9';

const summary = (alerts: readonly Alert[]) =>
  alerts.map((a) => [a.rule, a.severity, a.container.name, a.push.tool, a.push.destination]);

/** `docker build` and `docker push` in `build`, served by the dind service's dockerd. */
function dindPush(image = 'docker.io/library/docker:27.3-dind') {
  const s = new Scenario();
  const build = s.container({
    namespace: 'gitlab-runner',
    pod: POD,
    name: 'build',
    image: 'docker.io/library/docker:27.3',
  });
  const svc = s.container({ namespace: 'gitlab-runner', pod: POD, name: 'svc-0', image });
  const dockerd = s.init(
    svc,
    '/usr/local/bin/dockerd',
    '--host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:2376 --tlsverify',
  );
  const sh = s.init(build, '/bin/sh', '-c /scripts-4711-99/step_script');
  s.wait(2_000);
  const login = s.exec(
    build,
    '/usr/local/bin/docker',
    'login -u gitlab-ci-token --password-stdin registry.gitlab.com',
    {
      parent: sh,
    },
  );
  s.read(login, '/root/.docker/config.json', 200).exit(login);
  const bld = s.exec(build, '/usr/local/bin/docker', 'build -t registry.gitlab.com/acme/app:1.4.0 .', { parent: sh });
  s.readMany(bld, '/builds/acme/app', 200, 100_000).exit(bld);
  s.readMany(dockerd, '/var/lib/docker/overlay2/3f1c/diff', 300, 400_000);
  const push = s.exec(build, '/usr/local/bin/docker', 'push registry.gitlab.com/acme/app:1.4.0', { parent: sh });
  s.read(push, '/root/.docker/config.json', 200);
  s.readMany(dockerd, '/var/lib/docker/overlay2/9a2e/diff', 300, 400_000);
  s.connect(dockerd, GITLAB_REGISTRY, 443).send(dockerd, GITLAB_REGISTRY, 443, 110 * MiB);
  s.wait(3_000).exit(push);
  return s;
}

function artifactsUpload(binary = '/usr/bin/gitlab-runner-helper') {
  const s = new Scenario();
  const helper = s.container({
    namespace: 'gitlab-runner',
    pod: POD,
    name: 'helper',
    image: 'registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:x86_64-v17.6.0',
  });
  const sh = s.init(helper, '/bin/sh', '-c /scripts-4711-99/upload_artifacts_on_success');
  const up = s.exec(
    helper,
    binary,
    'artifacts-uploader --url https://gitlab.com/ --token [MASKED] --id 99 --path dist/',
    {
      parent: sh,
    },
  );
  s.readMany(up, '/builds/acme/app/dist', 50, 1_500_000);
  s.connect(up, GITLAB, 443)
    .send(up, GITLAB, 443, 70 * MiB)
    .wait(2_000)
    .exit(up);
  return s;
}

describe("GitLab Runner's job pods", () => {
  const dind = documentedEntry('dind service');
  const artifacts = documentedEntry('job artifacts');

  it('a docker push through the dind service alerts twice without the entry, once with it', async () => {
    expect(summary((await runResolved(dindPush().events, { resolveHost })).alerts)).toEqual([
      ['sensitive-read-then-push', 'high', 'build', 'docker', 'registry.gitlab.com'],
      ['bulk-read-then-push', 'high', 'svc-0', 'dockerd', 'registry.gitlab.com'],
    ]);
    expect(summary((await runResolved(dindPush().events, { resolveHost, allowlist: [dind] })).alerts)).toEqual([
      ['sensitive-read-then-push', 'high', 'build', 'docker', 'registry.gitlab.com'],
    ]);
  });

  it('the dind entry does not exempt a dockerd in another image', async () => {
    const { alerts } = await runResolved(dindPush('docker.io/acme/tools:1').events, { resolveHost, allowlist: [dind] });
    expect(alerts.map((a) => a.container.name)).toEqual(['build', 'svc-0']);
  });

  it("the helper's artifacts upload is high without the entry, silent with it", async () => {
    expect(summary((await runResolved(artifactsUpload().events, { resolveHost })).alerts)).toEqual([
      ['bulk-read-then-push', 'high', 'helper', 'gitlab-runner-helper', 'gitlab.com'],
    ]);
    expect((await runResolved(artifactsUpload().events, { resolveHost, allowlist: [artifacts] })).alerts).toEqual([]);
  });

  it('the artifacts entry does not exempt another uploader in the helper container', async () => {
    const { alerts } = await runResolved(artifactsUpload('/tmp/uploader').events, {
      resolveHost,
      allowlist: [artifacts],
    });
    expect(alerts).toHaveLength(1);
  });
});
