import { describe, expect, it } from 'vitest';
import { podIdentity, podSecretMounts } from '../../../src/kubernetes/pod-mounts.js';
import { PodSecretTable } from '../../../src/kubernetes/pod-table.js';
import { ordersPod, reportsPod } from '../../fixtures/kubernetes/pods.js';

const asObject = (m: ReturnType<typeof podSecretMounts>) =>
  m === null ? null : { ...m, containers: Object.fromEntries(m.containers) };

describe('podSecretMounts', () => {
  it('keeps the secret volume mounts of containers and init containers, not config maps or emptyDirs', () => {
    expect(asObject(podSecretMounts(ordersPod()))).toEqual({
      namespace: 'shop',
      name: 'orders-7d9f8b6c4-x2kqp',
      containers: {
        // The projected token volume holds ca.crt and namespace too: its token only is a secret.
        migrate: { dirs: ['/etc/orders/secrets/'], files: ['/var/run/secrets/kubernetes.io/serviceaccount/token'] },
        orders: { dirs: ['/etc/orders/secrets/'], files: ['/var/run/secrets/kubernetes.io/serviceaccount/token'] },
        'log-shipper': { dirs: [], files: ['/var/run/secrets/kubernetes.io/serviceaccount/token'] },
      },
    });
  });

  it('reads secret, subPath, secrets-store CSI, projected secret and token volumes, and ephemeral containers', () => {
    const m = podSecretMounts(reportsPod());
    expect(m?.containers.get('reports')).toEqual({
      dirs: ['/var/secrets/google/', '/app/config/api-key/', '/mnt/secrets-store/'],
      // The projected volumes' named secret items and token, not the configMap's ca.crt beside them.
      files: ['/app/config/api-key', '/etc/reports/tls/tls.key', '/var/run/vault/token'],
    });
    expect(m?.containers.get('debugger-8kq2v')).toEqual({ dirs: ['/key/'], files: [] });
  });

  it('a pod without secret volumes has no containers; a Status or a truncated object is no pod', () => {
    const none = { ...ordersPod(), spec: { ...ordersPod().spec, volumes: [] } };
    expect(podSecretMounts(none)?.containers.size).toBe(0);
    expect(podSecretMounts({ kind: 'Status', apiVersion: 'v1', code: 410, reason: 'Expired' })).toBeNull();
    expect(podSecretMounts({ metadata: { name: 'x' } })).toBeNull();
    expect(podSecretMounts(null)).toBeNull();
    expect(podIdentity({ metadata: { namespace: 'shop', name: 'a' } })).toEqual({ namespace: 'shop', name: 'a' });
  });

  it('never takes the root or a relative path as a mount', () => {
    const pod = reportsPod();
    pod.spec.containers[0]!.volumeMounts = [
      { name: 'google-cloud-key', mountPath: '/' },
      { name: 'google-cloud-key', mountPath: 'relative/dir' },
    ];
    expect(podSecretMounts(pod)?.containers.has('reports')).toBe(false);
  });
});

describe('PodSecretTable.mountsOf', () => {
  const table = new PodSecretTable(8, { inc: () => undefined });
  table.set(podSecretMounts(ordersPod())!);
  const pod = 'orders-7d9f8b6c4-x2kqp';

  it('a subPath into a projected volume whose secret files are named keeps only the named files it selects', () => {
    const pod = reportsPod();
    const bundle = pod.spec.volumes.find((v) => v.name === 'bundle')!.projected!;
    const tls = (bundle.sources[0] as { secret: { items: Array<{ key: string; path: string }> } }).secret;
    tls.items.push({ key: 'password', path: 'db/password' });
    pod.spec.containers[0]!.volumeMounts = [
      { name: 'bundle', mountPath: '/etc/ca.crt', subPath: 'ca.crt' },
      { name: 'bundle', mountPath: '/etc/tls.key', subPath: 'tls.key' },
      { name: 'bundle', mountPath: '/etc/db', subPath: 'db' },
    ];
    expect(podSecretMounts(pod)?.containers.get('reports')).toEqual({
      dirs: [],
      files: ['/etc/tls.key', '/etc/db/password'],
    });
  });

  it('reads a subPath and an item path as the kubelet joins them (./tls.key, db/, db//password)', () => {
    const pod = reportsPod();
    const bundle = pod.spec.volumes.find((v) => v.name === 'bundle')!.projected!;
    const tls = (bundle.sources[0] as { secret: { items: Array<{ key: string; path: string }> } }).secret;
    tls.items.push({ key: 'password', path: 'db//password' });
    pod.spec.containers[0]!.volumeMounts = [
      { name: 'bundle', mountPath: '/etc/ca.crt', subPath: './ca.crt' },
      { name: 'bundle', mountPath: '/etc/tls.key', subPath: './tls.key' },
      { name: 'bundle', mountPath: '/etc/db', subPath: 'db/' },
    ];
    expect(podSecretMounts(pod)?.containers.get('reports')).toEqual({
      dirs: [],
      files: ['/etc/tls.key', '/etc/db/password'],
    });
  });

  it("takes the pod spec's container name, and a Docker-engine name (cri-dockerd: Falco's container.name)", () => {
    expect(table.mountsOf('shop', pod, 'orders')?.dirs).toContain('/etc/orders/secrets/');
    const docker = `k8s_orders_${pod}_shop_0b6c2f0e-52a4-4d1c-9a51-2f3f5f7c9d10_0`;
    expect(table.mountsOf('shop', pod, docker)).toEqual(table.mountsOf('shop', pod, 'orders'));
    expect(table.mountsOf('shop', pod, `k8s_log-shipper_${pod}_shop_0b6c_3`)?.dirs).not.toContain(
      '/etc/orders/secrets/',
    );
    expect(table.mountsOf('shop', pod, 'k8s_POD_x_shop_u_0')).toBeNull();
    expect(table.mountsOf('shop', pod, 'sidecar')).toBeNull();
  });
});
