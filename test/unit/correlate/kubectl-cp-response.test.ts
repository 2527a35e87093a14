/**
 * What a `kubectl cp` alert tells a responder. The data of a kubectl cp goes through the Kubernetes API
 * server's exec stream, not to a forge or registry: the generic steps (the access logs of the remote, as
 * a repository; traffic "to the destination"; a NetworkPolicy on the pod) sent a responder to a
 * repository audit log for `/var/lib/postgresql/data` and to an egress rule that cannot stop it. The
 * Kubernetes audit log's pods/exec request is where the actor is named.
 */
import { describe, expect, it } from 'vitest';
import { MiB, run, Scenario } from './builder.js';

describe('kubectl cp alerts', () => {
  it("the pod side of someone's kubectl cp says the data left through the API server, and points at the pods/exec audit record", () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'shop', pod: 'orders-db-0', name: 'postgres' });
    s.init(c);
    const tar = s.exec(c, '/usr/bin/tar', 'cf - /var/lib/postgresql/data', {
      parentBinary: '/usr/bin/runc',
      parentArgs: 'init',
    });
    s.readMany(tar, '/var/lib/postgresql/data', 30, 3 * MiB, 10);
    const [a] = run(s.events).alerts;
    expect(a?.push.tool).toBe('kubectl');
    expect(a?.summary).not.toContain('unknown destination');
    expect(a?.summary).toContain('kubectl cp out of pod shop/orders-db-0');
    expect(a?.summary).toContain('through the kubelet and the API server');
    const steps = a?.response.join('\n') ?? '';
    expect(steps).toContain('pods/exec');
    expect(steps).toContain('shop/orders-db-0');
    // No repository audit log for a path, no "traffic to the destination", no egress NetworkPolicy.
    expect(steps).not.toContain('Review the access logs of /var/lib/postgresql/data');
    expect(steps).not.toContain('to the destination');
    expect(steps).not.toContain('deny its egress');
  });

  it('kubectl cp run inside a pod names the pod copied from, and the audit log of its pods/exec', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'tools', pod: 'ops-shell-1', name: 'shell' });
    const sh = s.init(c);
    s.read(sh, '/var/run/secrets/kubernetes.io/serviceaccount/token', 1100).wait(1_000);
    const k = s.exec(c, '/usr/local/bin/kubectl', 'cp security/vault-0:/vault/data /tmp/v', { parent: sh });
    s.read(k, '/var/run/secrets/kubernetes.io/serviceaccount/token', 1100);
    s.connect(k, '10.96.0.1', 443).send(k, '10.96.0.1', 443, 6 * 1024);
    s.wait(200).exit(k);
    const [a] = run(s.events).alerts;
    expect(a?.push.tool).toBe('kubectl');
    expect(a?.summary).toContain('kubectl cp of security/vault-0:/vault/data');
    expect(a?.summary).toContain('into pod tools/ops-shell-1');
    const steps = a?.response.join('\n') ?? '';
    expect(steps).toContain('pods/exec');
    expect(steps).not.toContain('repository or registry audit log');
    expect(steps).toContain('/var/run/secrets/kubernetes.io/serviceaccount/token');
  });
});
