/**
 * Installing packages downloads them: a package manager's requests to its registry (one GET per tarball,
 * ~450 bytes with TLS, measured with npm 11 against a local registry) add up past egressPushMinBytes on a
 * large lockfile, or over a few installs in one runner pod, while the registry sends hundreds of MiB back.
 * Like `git clone` and `docker pull`, an install is a download: its egress is never a push by volume.
 */
import { describe, expect, it } from 'vitest';
import type { HostResolver } from '../../../src/correlate/index.js';
import { MiB, type Proc, runResolved, Scenario, TEST_DNS } from './builder.js';

const NPM_IP = '104.16.27.34';
const resolveHost: HostResolver = async (host) => (host === 'registry.npmjs.org' ? [NPM_IP] : (TEST_DNS[host] ?? []));

/** An install's tarball requests: `bytes` sent to the registry in 16 KiB of requests a second. */
function install(s: Scenario, p: Proc, cookie: string, bytes: number): void {
  s.connect(p, NPM_IP, 443, { cookie });
  for (let sent = 0; sent < bytes; sent += 16 * 1024) {
    s.wait(1000).send(p, NPM_IP, 443, Math.min(16 * 1024, bytes - sent), { cookie });
  }
}

describe('package installs', () => {
  it.each([
    ['npm ci', '/usr/local/bin/npm ci --no-audit --no-fund'],
    ['npm install', '/usr/local/bin/npm install'],
    ['pnpm install', '/usr/local/bin/pnpm install --frozen-lockfile'],
    ['yarn install', '/usr/local/bin/yarn install --frozen-lockfile'],
  ])(
    'a %s of a 2,600-package lockfile sending 1.1 MiB of requests to registry.npmjs.org raises no alert',
    async (_name, args) => {
      const s = new Scenario();
      const c = s.container({ namespace: 'gitlab-runner', pod: 'runner-t3xzmvq8-project-4211-concurrent-0' });
      const sh = s.init(c, '/bin/bash', '-c /scripts-4211-8821734/step_script');
      const pm = s.exec(c, '/usr/local/bin/node', args, { parent: sh });
      s.read(pm, '/builds/acme/portal/package-lock.json', 3 * MiB);
      install(s, pm, 'npm', 1.1 * MiB);
      s.wait(10).exit(pm);
      const tsc = s.exec(c, '/usr/local/bin/node', '/builds/acme/portal/node_modules/.bin/tsc --build', { parent: sh });
      s.readMany(tsc, '/builds/acme/portal/node_modules/dep', 900, 0.2 * MiB, 50);
      s.wait(10).exit(tsc);
      expect((await runResolved(s.events, { resolveHost })).alerts).toEqual([]);
    },
  );

  it('three npm ci runs in one persistent runner pod within the window, 400 KiB of requests each, raise no alert', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'jenkins', pod: 'agent-node-static-0' });
    const agent = s.init(c, '/opt/java/openjdk/bin/java', '-jar /usr/share/jenkins/agent.jar');
    for (const job of ['web', 'docs', 'admin']) {
      const sh = s.exec(c, '/bin/sh', `-xe /home/jenkins/agent/workspace/${job}@tmp/durable-1/script.sh`, {
        parent: agent,
      });
      const npm = s.exec(c, '/usr/local/bin/node', '/usr/local/bin/npm ci', { parent: sh });
      s.read(npm, `/home/jenkins/agent/workspace/${job}/package-lock.json`, MiB);
      install(s, npm, job, 400 * 1024);
      s.wait(10).exit(npm);
      const build = s.exec(
        c,
        '/usr/local/bin/node',
        `/home/jenkins/agent/workspace/${job}/node_modules/.bin/vite build`,
        {
          parent: sh,
        },
      );
      s.readMany(build, `/home/jenkins/agent/workspace/${job}/node_modules/pkg`, 300, 0.3 * MiB, 100);
      s.wait(10).exit(build).exit(sh).wait(60_000);
    }
    expect((await runResolved(s.events, { resolveHost })).alerts).toEqual([]);
  });
});
