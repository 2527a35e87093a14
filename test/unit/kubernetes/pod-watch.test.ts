/**
 * The pod list+watch against a real HTTPS server speaking the API server's list and watch for a node's pods.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kubernetesConfigSchema } from '../../../src/kubernetes/config.js';
import { podSecretsMayRun } from '../../../src/kubernetes/enabled.js';
import { type PodSecrets, startPodSecrets } from '../../../src/kubernetes/index.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';
import { ordersPod, reportsPod } from '../../fixtures/kubernetes/pods.js';
import {
  FAKE_API_CA,
  type FakeKubeApi,
  listOf,
  startFakeKubeApi,
  statusOf,
  watchOf,
} from '../../helpers/fake-kube-api.js';
import { metricSum } from '../../helpers/metric-sum.js';
import { until } from '../../helpers/until.js';

let api: FakeKubeApi | null = null;
let watching: PodSecrets | null = null;
afterEach(async () => {
  await watching?.stop();
  await api?.close();
  watching = null;
  api = null;
});

function serviceAccount(token: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-sa-'));
  writeFileSync(join(dir, 'token'), token);
  writeFileSync(join(dir, 'ca.crt'), FAKE_API_CA);
  return dir;
}

async function start(server: string, o: { config?: Record<string, unknown>; saDir?: string } = {}) {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (s: string) => lines.push(s) });
  const metrics = createMetrics();
  const port = new URL(server).port;
  const saDir = o.saDir ?? serviceAccount('token-1');
  watching = await startPodSecrets(kubernetesConfigSchema.parse(o.config ?? {}), {
    logger,
    metrics,
    node: 'node-a',
    env: { KUBERNETES_SERVICE_HOST: 'localhost', KUBERNETES_SERVICE_PORT: port },
    serviceAccountDir: saDir,
    backoffMinMs: 20,
    backoffMaxMs: 80,
    listTimeoutMs: 500,
  });
  if (watching === null) throw new Error('not started');
  return { table: watching.table, status: watching.status, lines, metrics, saDir };
}

const errors = (metrics: Metrics, reason: string) => metricSum(metrics.kubernetesApiErrors, { reason });

describe('pod list + watch', () => {
  it("lists this node's pods, then follows ADDED, MODIFIED, DELETED and bookmarks from the list's version", async () => {
    api = await startFakeKubeApi();
    api.respond(
      listOf([ordersPod({ withSecret: false })], '100'),
      watchOf([
        { type: 'ADDED', object: reportsPod({ resourceVersion: '101' }) },
        { type: 'MODIFIED', object: ordersPod({ resourceVersion: '102' }) },
        { type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '150' } } },
      ]),
      watchOf([{ type: 'DELETED', object: reportsPod({ resourceVersion: '151' }) }], { hold: true }),
    );
    const { table, status } = await start(api.server);
    await until(() => api!.requests.length >= 3, 5000, 'a second watch');
    const [list, watch1, watch2] = api.requests;
    expect(list!.query.get('fieldSelector')).toBe('spec.nodeName=node-a');
    expect(list!.watch).toBe(false);
    expect(list!.authorization).toBe('Bearer token-1');
    expect([watch1!.watch, watch1!.query.get('resourceVersion'), watch1!.query.get('allowWatchBookmarks')]).toEqual([
      true,
      '100',
      'true',
    ]);
    // The watch that ended is renewed from the bookmark's version, not the last pod's.
    expect(watch2!.query.get('resourceVersion')).toBe('150');
    await until(() => table.mountsOf('analytics', 'reports-0', 'reports') === null, 5000, 'the DELETED pod gone');
    expect(table.mountsOf('shop', 'orders-7d9f8b6c4-x2kqp', 'orders')?.dirs).toContain('/etc/orders/secrets/');
    expect(status()).toEqual({ synced: true, podsWithSecretMounts: 1, lastError: null });
    expect(api.requests.every((r) => r.query.get('fieldSelector') === 'spec.nodeName=node-a')).toBe(true);
  });

  it('keeps the generation until the mounts change', async () => {
    api = await startFakeKubeApi();
    api.respond(
      listOf([ordersPod()], '100'),
      watchOf([{ type: 'MODIFIED', object: ordersPod({ resourceVersion: '101' }) }], { hold: true }),
    );
    const { table } = await start(api.server);
    await until(() => api!.requests.length >= 2 && table.size === 1, 5000, 'the watch');
    const before = table.generation;
    await new Promise((r) => setTimeout(r, 100));
    expect(table.generation).toBe(before);
  });

  it('lists again on a watch ERROR 410 (expired), and the new list forgets pods deleted meanwhile', async () => {
    api = await startFakeKubeApi();
    api.respond(
      listOf([ordersPod(), reportsPod()], '100'),
      watchOf(
        [
          {
            type: 'ERROR',
            object: {
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              message: 'too old resource version: 100 (4000)',
              reason: 'Expired',
              code: 410,
            },
          },
        ],
        { hold: true },
      ),
      listOf([ordersPod({ resourceVersion: '4001' })], '4002'),
      watchOf([], { hold: true }),
    );
    const { table, metrics } = await start(api.server);
    await until(() => api!.requests.length >= 4, 5000, 'the relist and its watch');
    expect(api.requests.map((r) => [r.watch, r.query.get('resourceVersion')])).toEqual([
      [false, '0'],
      [true, '100'],
      // Gone from the version the watch cache just listed: this list is the newest (a consistent read).
      [false, null],
      [true, '4002'],
    ]);
    expect(table.mountsOf('analytics', 'reports-0', 'reports')).toBeNull();
    expect(table.mountsOf('shop', 'orders-7d9f8b6c4-x2kqp', 'migrate')).not.toBeNull();
    expect(await metricSum(metrics.kubernetesApiErrors)).toBe(0);
  });

  it('lists again when the watch request itself is answered 410 Gone', async () => {
    api = await startFakeKubeApi();
    api.respond(
      listOf([reportsPod()], '7'),
      statusOf(410, 'Gone', 'too old resource version'),
      listOf([], '9'),
      watchOf([], { hold: true }),
    );
    const { table } = await start(api.server);
    await until(() => api!.requests.length >= 4, 5000, 'the relist');
    expect(api.requests[3]!.query.get('resourceVersion')).toBe('9');
    expect(table.size).toBe(0);
  });

  it('a watch Gone from the version its list just gave lists the newest, and backs off when that is Gone too', async () => {
    api = await startFakeKubeApi();
    // Every list (from a lagging API server's watch cache) gives version 5; every watch from it is Gone.
    const list = listOf([ordersPod()], '5');
    const gone = statusOf(410, 'Expired', 'too old resource version: 5 (900)');
    api.respond((req, res) => (req.watch ? gone(req, res) : list(req, res)));
    const { metrics, lines } = await start(api.server);
    // Waited for, not timed: a loaded box may take longer than any fixed pause to make the first four.
    await until(() => api!.requests.length >= 4, 5000, 'a list, a watch, the newest list and its watch');
    const seen = api.requests.length;
    await new Promise((r) => setTimeout(r, 600));
    // Back-off between 20 and 80 ms: about ten requests in 600 ms; relisted at once, hundreds.
    expect(api.requests.length - seen).toBeLessThan(40);
    // Warned of once: each list answered between was no recovery to log (it logged the warning and 'recovered'
    // again at every back-off).
    const logged = lines.map((l) => JSON.parse(l));
    // (about ten times before; twice at most if, on a loaded box, a list passed listTimeoutMs in between)
    expect(logged.filter((l) => l.level === 40 && /gone at once/.test(l.err)).length).toBeLessThanOrEqual(2);
    expect(logged.filter((l) => /recovered/.test(l.msg))).toHaveLength(0);
    expect(await errors(metrics, 'http')).toBeGreaterThan(0);
    // The list after such a Gone asks for the newest version (no resourceVersion: a consistent read).
    expect(api.requests.slice(0, 4).map((r) => [r.watch, r.query.get('resourceVersion')])).toEqual([
      [false, '0'],
      [true, '5'],
      [false, null],
      [true, '5'],
    ]);
  });

  it('a watch Gone after events lists from the watch cache again, at once and uncounted', async () => {
    api = await startFakeKubeApi();
    const expired = { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' } };
    api.respond(
      listOf([], '10'),
      watchOf([{ type: 'ADDED', object: ordersPod({ resourceVersion: '11' }) }, expired]),
      listOf([ordersPod()], '20'),
      watchOf([], { hold: true }),
    );
    const { metrics } = await start(api.server);
    await until(() => api!.requests.length >= 4, 5000, 'the relist and its watch');
    // A version that expired while the watch was healthy says nothing of the cache that listed it: no consistent read.
    expect(api.requests.map((r) => [r.watch, r.query.get('resourceVersion')])).toEqual([
      [false, '0'],
      [true, '10'],
      [false, '0'],
      [true, '20'],
    ]);
    expect(await metricSum(metrics.kubernetesApiErrors)).toBe(0);
  });

  it('403: one warning naming RBAC, counted as forbidden, retried with back-off until it is allowed', async () => {
    api = await startFakeKubeApi();
    const forbidden = statusOf(
      403,
      'Forbidden',
      'pods is forbidden: User "system:serviceaccount:exfilwatch:exfilwatch" cannot list resource "pods" in API group "" at the cluster scope',
    );
    const bookmark = { type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '6' } } };
    api.respond(forbidden, forbidden, forbidden, listOf([ordersPod()], '5'), watchOf([bookmark], { hold: true }));
    const { table, status, lines, metrics, saDir } = await start(api.server);
    // The token is read at every request (the kubelet rotates it): the retries carry the new one.
    writeFileSync(join(saDir, 'token'), 'token-2');
    await until(() => status().synced && api!.requests.length >= 5, 5000, 'recovery and its watch');
    expect(api.requests.map((r) => r.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
      'Bearer token-2',
      'Bearer token-2',
      'Bearer token-2',
    ]);
    expect(await errors(metrics, 'forbidden')).toBe(3);
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].hint).toMatch(/RBAC get\/list\/watch on pods/);
    expect(warnings[0].err).toMatch(/HTTP 403: pods is forbidden/);
    // Said once the watch has worked (its bookmark).
    await until(() => lines.some((l) => JSON.parse(l).msg.includes('recovered')), 5000, "the 'recovered' line");
    expect(table.size).toBe(1);
  });

  it('unreachable: counted, said in the status, retried; never throws, and stops', async () => {
    api = await startFakeKubeApi();
    const server = api.server;
    await api.close();
    api = null;
    const { status, metrics, lines } = await start(server);
    await until(async () => (await errors(metrics, 'unreachable')) >= 2, 5000, 'two failed attempts');
    expect(status().synced).toBe(false);
    expect(status().lastError).toMatch(/ECONNREFUSED/);
    expect(lines.some((l) => l.includes('NetworkPolicy must allow egress to the API server'))).toBe(true);
  });

  it('keeps at most maxPods pods and counts the ones it drops', async () => {
    api = await startFakeKubeApi();
    api.respond(listOf([ordersPod(), reportsPod()], '3'), watchOf([], { hold: true }));
    const { table, metrics } = await start(api.server, { config: { maxPods: 1 } });
    await until(() => api!.requests.length >= 2, 5000, 'the watch');
    expect(table.size).toBe(1);
    expect(await metricSum(metrics.podSecretsDropped)).toBe(1);
    expect(await metricSum(metrics.podSecretPods)).toBe(1);
  });

  it('auto is off out of a cluster, and off never starts', async () => {
    const deps = { logger: createLogger('silent'), metrics: createMetrics(), node: 'n' };
    expect(await startPodSecrets(kubernetesConfigSchema.parse({}), { ...deps, env: {} })).toBeNull();
    const sa = serviceAccount('t');
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '1' };
    expect(
      await startPodSecrets(kubernetesConfigSchema.parse({ podSecrets: 'off' }), {
        ...deps,
        env,
        serviceAccountDir: sa,
      }),
    ).toBeNull();
    expect(
      await startPodSecrets(kubernetesConfigSchema.parse({}), { ...deps, env, serviceAccountDir: '/nonexistent' }),
    ).toBeNull();
  });

  it('out of a cluster: a kubeconfig names the server, its CA and the token', async () => {
    api = await startFakeKubeApi();
    api.respond(listOf([ordersPod()], '1'), watchOf([], { hold: true }));
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-kubeconfig-'));
    const file = join(dir, 'config');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: dev',
        'contexts: [{name: other, context: {cluster: nowhere, user: nobody}}, {name: dev, context: {cluster: kind, user: me}}]',
        `clusters: [{name: kind, cluster: {server: "${api.server}", certificate-authority-data: ${Buffer.from(FAKE_API_CA).toString('base64')}}}]`,
        'users: [{name: me, user: {token: kubeconfig-token}}]',
      ].join('\n'),
    );
    watching = await startPodSecrets(kubernetesConfigSchema.parse({ kubeconfig: file }), {
      logger: createLogger('silent'),
      metrics: createMetrics(),
      node: 'node-a',
      env: {},
    });
    await until(() => watching!.status().synced, 5000, 'the list');
    expect(api.requests[0]!.authorization).toBe('Bearer kubeconfig-token');
    expect(watching!.table.size).toBe(1);
  });

  it('run loads the module only where it may run', () => {
    expect(podSecretsMayRun({ podSecrets: 'auto' }, {})).toBe(false);
    expect(podSecretsMayRun({ podSecrets: 'auto' }, { KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toBe(true);
    expect(podSecretsMayRun({ podSecrets: 'off' }, { KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toBe(false);
    expect(podSecretsMayRun({ podSecrets: 'on' }, {})).toBe(true);
    expect(podSecretsMayRun({ podSecrets: 'auto', kubeconfig: '/k' }, {})).toBe(true);
  });
  it('a watch that failed once and is renewed from its version is synced again, without a list', async () => {
    api = await startFakeKubeApi();
    api.respond(
      listOf([ordersPod()], '5'),
      statusOf(500, 'InternalError', 'etcd leader changed'),
      watchOf([{ type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '6' } } }], { hold: true }),
    );
    const { status, metrics } = await start(api.server);
    await until(() => api!.requests.length >= 3, 5000, 'the renewed watch');
    expect(api.requests.map((r) => [r.watch, r.query.get('resourceVersion')])).toEqual([
      [false, '0'],
      [true, '5'],
      [true, '5'],
    ]);
    await until(() => status().synced, 5000, 'synced again');
    expect(status()).toEqual({ synced: true, podsWithSecretMounts: 1, lastError: null });
    expect(await errors(metrics, 'http')).toBe(1);
  });

  it('a watch that ends at once with no event (a proxy closing it) backs off instead of spinning', async () => {
    api = await startFakeKubeApi();
    api.respond(listOf([ordersPod()], '5'), watchOf([]));
    const { metrics } = await start(api.server);
    await new Promise((r) => setTimeout(r, 600));
    // Back-off between 20 and 80 ms: about ten requests; renewed at once, hundreds.
    expect(api.requests.length).toBeLessThan(40);
    expect(await errors(metrics, 'http')).toBeGreaterThan(0);
  });

  it('a watch line split across chunks is one event; a non-JSON error body is said as it is', async () => {
    api = await startFakeKubeApi();
    const line = JSON.stringify({ type: 'ADDED', object: reportsPod({ resourceVersion: '8' }) });
    api.respond(
      listOf([], '7'),
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(line.slice(0, 40));
        setTimeout(() => res.end(`${line.slice(40)}\n`), 50);
      },
      (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>'),
      watchOf([], { hold: true }),
    );
    const { table, status, metrics } = await start(api.server);
    await until(() => table.size === 1, 5000, 'the split event applied');
    await until(async () => (await errors(metrics, 'http')) === 1, 5000, 'the 502');
    expect(api.requests[2]!.query.get('resourceVersion')).toBe('8');
    expect(await errors(metrics, 'decode')).toBe(0);
    await until(() => api!.requests.length >= 4, 5000, 'the watch after the 502');
    expect(status().lastError ?? '').not.toMatch(/undefined/);
  });
  it('a list the server never answers is given up after its time limit and retried', async () => {
    api = await startFakeKubeApi();
    api.respond(() => undefined, listOf([ordersPod()], '5'), watchOf([], { hold: true }));
    const { status, metrics } = await start(api.server);
    await until(() => status().synced, 5000, 'the second list');
    // synced comes with the list's answer; the watch request after it may reach the server a moment later.
    await until(() => api!.requests.length >= 3, 5000, 'the watch after the second list');
    expect(api.requests.map((r) => r.watch)).toEqual([false, false, true]);
    expect(await errors(metrics, 'unreachable')).toBe(1);
  });
  it("lists from the watch cache (resourceVersion=0), follows continue pages, and starts over when a page's token expired", async () => {
    api = await startFakeKubeApi();
    api.respond(
      listOf([ordersPod()], '', 'page-2'),
      statusOf(410, 'Expired', 'The provided continue parameter is too old'),
      listOf([ordersPod()], '', 'page-2b'),
      listOf([reportsPod()], '12'),
      watchOf([], { hold: true }),
    );
    const { table, status } = await start(api.server);
    await until(() => status().synced && api!.requests.length >= 5, 5000, 'the list and its watch');
    expect(api.requests.map((r) => [r.watch, r.query.get('resourceVersion'), r.query.get('continue')])).toEqual([
      [false, '0', null],
      [false, null, 'page-2'],
      [false, '0', null],
      [false, null, 'page-2b'],
      [true, '12', null],
    ]);
    expect(table.size).toBe(2);
  });
});
