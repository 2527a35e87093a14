/**
 * Fetching a chart's dependencies downloads them: Argo CD's repo-server runs `helm dependency build` for
 * each chart with dependencies it renders, and Bitnami's charts come from Docker Hub
 * (oci://registry-1.docker.io/bitnamicharts), whose bearer tokens make each request ~2.5 KiB. Like `helm
 * dependency update` and `helm pull`, its requests are never a push by volume, however many renders add up.
 */
import { describe, expect, it } from 'vitest';
import type { HostResolver } from '../../../src/correlate/index.js';
import { runResolved, Scenario } from './builder.js';

const HUB = '54.196.99.49';
const AUTH = '3.94.224.37';
const resolveHost: HostResolver = async (host) =>
  host === 'registry-1.docker.io' ? [HUB] : host === 'auth.docker.io' ? [AUTH] : [];

describe('chart dependencies', () => {
  it.each([
    ['dependency build', 'dependency build'],
    ['dep up', 'dep up'],
  ])(
    "80 renders in an hour by Argo CD's repo-server, each `helm %s` sending 17 KiB of requests to Docker Hub, raise no alert",
    async (_name, command) => {
      const s = new Scenario();
      const c = s.container({
        namespace: 'argocd',
        pod: 'argocd-repo-server-7c9d8f6b5-h2x4p',
        image: 'quay.io/argoproj/argocd:v2.13.3',
      });
      const tini = s.init(c, '/usr/bin/tini', '-- /usr/local/bin/argocd-repo-server');
      const server = s.exec(c, '/usr/local/bin/argocd-repo-server', '', { parent: tini });
      for (let i = 0; i < 80; i++) {
        const app = `/tmp/_argocd-repo/3f1c/apps/app-${i % 40}`;
        const dep = s.exec(c, '/usr/local/bin/helm', `${command} ${app}`, { parent: server });
        s.read(dep, `${app}/Chart.lock`, 600).read(dep, `${app}/Chart.yaml`, 900);
        for (const chart of ['common', 'postgresql', 'redis']) {
          s.connect(dep, AUTH, 443, { cookie: `a${i}${chart}` }).send(dep, AUTH, 443, 900, { cookie: `a${i}${chart}` });
          s.connect(dep, HUB, 443, { cookie: `h${i}${chart}` });
          for (const bytes of [600, 2500, 2600]) s.wait(40).send(dep, HUB, 443, bytes, { cookie: `h${i}${chart}` });
        }
        s.wait(200).exit(dep);
        const template = s.exec(c, '/usr/local/bin/helm', `template ${app} --name-template app-${i % 40}`, {
          parent: server,
        });
        s.readMany(template, `${app}/charts/templates`, 30, 8 * 1024);
        s.wait(100).exit(template).wait(44_000);
      }
      expect((await runResolved(s.events, { resolveHost })).alerts).toEqual([]);
    },
  );
});
