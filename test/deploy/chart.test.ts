import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configProblems } from '../../src/config/load.js';
import { helm } from '../helpers/helm.js';
import { hasK8sModel, k8sProblems } from '../helpers/k8s-validate.js';
import { chartDir, type K8sObject, one, render, valuesAll } from './render.js';
import { prometheusRuleShape, serviceMonitorShape, shapeProblems, tracingPolicyShape } from './shape.js';

// biome-ignore lint/suspicious/noExplicitAny: rendered objects are checked field by field below.
type Any = any;

const crdShapes = {
  ServiceMonitor: serviceMonitorShape,
  PrometheusRule: prometheusRuleShape,
  TracingPolicy: tracingPolicyShape,
} as const;

function problems(objects: K8sObject[]): string[] {
  return objects.flatMap((o) => {
    const where = `${o.kind}/${o.metadata?.name}`;
    if (hasK8sModel(o)) return k8sProblems(o).map((p) => `${where}: ${p}`);
    const shape = crdShapes[o.kind as keyof typeof crdShapes];
    if (!shape) return [`${where}: unexpected kind ${o.apiVersion} ${o.kind}`];
    return shapeProblems(o, shape).map((p) => `${where}: ${p}`);
  });
}

function podSpec(objects: K8sObject[]): Any {
  return (one(objects, 'DaemonSet') as Any).spec.template.spec;
}

function agent(objects: K8sObject[]): Any {
  return podSpec(objects).containers.find((c: Any) => c.name === 'exfilwatch');
}

function config(objects: K8sObject[]): Any {
  return parse((one(objects, 'ConfigMap') as Any).data['config.yaml']);
}

describe('helm chart', () => {
  it('passes helm lint --strict with default values and with every option enabled', () => {
    for (const args of [[], ['-f', valuesAll]]) {
      const res = helm(['lint', chartDir, '--strict', ...args]);
      expect(res.stderr + res.stdout).toContain('0 chart(s) failed');
      expect(res.status).toBe(0);
    }
  });

  it('rejects misspelled and invalid values through values.schema.json', () => {
    for (const bad of [
      ['--set', 'tetragon.socketDirectory=/x'],
      ['--set', 'securityContext.runAsUser=0'],
      ['--set', 'tetragon.mode=grpcc'],
      ['--set', 'nats.url=http://nats:4222'],
      ['--set', 'bogus=1'],
    ]) {
      const res = helm(['template', 'exfilwatch', chartDir, ...bad]);
      expect(res.status, bad.join(' ')).not.toBe(0);
      expect(res.stderr).toContain('values don');
    }
  });

  it('accepts only NATS URLs the daemon can connect to: a URL the chart takes never crash-loops the pods', () => {
    const accepted = ['nats://nats.nats.svc:4222', 'tls://nats.example.com:4443'];
    const refused = ['ws://nats.nats.svc:8080', 'wss://nats.example.com:443', 'http://nats:4222'];
    for (const url of accepted) {
      const cfg = config(render(['--set', `nats.url=${url}`]));
      expect(cfg.sinks.nats.servers, url).toEqual([url]);
      expect(configProblems(cfg), url).toEqual([]);
    }
    for (const url of refused) {
      const res = helm(['template', 'exfilwatch', chartDir, '--set', `nats.url=${url}`]);
      expect(res.status, url).not.toBe(0);
      expect(res.stderr, url).toContain('values don');
    }
  });

  it('refuses a release with no sensor enabled', () => {
    const res = helm(['template', 'exfilwatch', chartDir, '--set', 'tetragon.enabled=false']);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('enable at least one sensor');
  });

  it.each([
    ['default values', []],
    ['every option', ['-f', valuesAll]],
    ['grpc + hostNetwork + falco', ['--set', 'hostNetwork=true', '--set', 'falco.enabled=true']],
    ['falco only', ['--set', 'tetragon.enabled=false', '--set', 'falco.enabled=true', '--set', 'nats.enabled=false']],
  ])('renders objects valid against the Kubernetes schemas, with no unknown field (%s)', (_name, args) => {
    const objects = render(args);
    expect(objects.length).toBeGreaterThanOrEqual(4);
    expect(problems(objects)).toEqual([]);
  });

  it('the strict validator does catch unknown and misplaced fields', () => {
    const ds = structuredClone(one(render(), 'DaemonSet')) as Any;
    ds.spec.template.spec.containers[0].securityContext.runAsNonroot = true;
    ds.spec.template.spec.hostpid = false;
    ds.spec.templates = {};
    expect(k8sProblems(ds).sort()).toEqual([
      'unknown field spec.template.spec.containers[0].securityContext.runAsNonroot',
      'unknown field spec.template.spec.hostpid',
      'unknown field spec.templates',
    ]);
    const sm = structuredClone(one(render(['-f', valuesAll]), 'ServiceMonitor')) as Any;
    sm.spec.endpoints[0].relabelling = [];
    expect(shapeProblems(sm, serviceMonitorShape)).toEqual(['unknown field spec.endpoints[0].relabelling']);
  });

  it('default install: DaemonSet, ConfigMap, headless metrics Service, ServiceAccount, NetworkPolicy and the pod-reading RBAC', () => {
    const kinds = render()
      .map((o) => o.kind)
      .sort();
    expect(kinds).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'DaemonSet',
      'NetworkPolicy',
      'Service',
      'ServiceAccount',
    ]);
    const all = render(['-f', valuesAll]).map((o) => o.kind);
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'TracingPolicy']) expect(all).toContain(kind);
    const off = render(['--set', 'kubernetes.podSecrets=false']).map((o) => o.kind);
    expect(off.filter((k) => /Role/.test(k))).toEqual([]);
  });

  it('kubernetes.podSecrets: read-only pods of the cluster for the ServiceAccount, its token mounted, egress to the API server; off: none of them', () => {
    const objects = render();
    const role = one(objects, 'ClusterRole') as Any;
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    const binding = one(objects, 'ClusterRoleBinding') as Any;
    const sa = one(objects, 'ServiceAccount') as Any;
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: role.metadata.name,
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace },
    ]);
    expect(podSpec(objects).automountServiceAccountToken).toBe(true);
    const config = parse((one(objects, 'ConfigMap') as Any).data['config.yaml']);
    expect(config.kubernetes).toEqual({ podSecrets: 'on' });
    const egressPorts = (one(objects, 'NetworkPolicy') as Any).spec.egress.flatMap((e: Any) =>
      e.ports.map((p: Any) => p.port),
    );
    expect(egressPorts).toEqual(expect.arrayContaining([443, 6443]));

    const off = render(['--set', 'kubernetes.podSecrets=false']);
    expect(podSpec(off).automountServiceAccountToken).toBe(false);
    expect(parse((one(off, 'ConfigMap') as Any).data['config.yaml']).kubernetes).toEqual({ podSecrets: 'off' });
    const offPorts = (one(off, 'NetworkPolicy') as Any).spec.egress.flatMap((e: Any) =>
      e.ports.map((p: Any) => p.port),
    );
    expect(offPorts).not.toContain(6443);
  });

  describe('the DaemonSet', () => {
    it('runs with least privilege', () => {
      for (const objects of [render(), render(['-f', valuesAll])]) {
        const spec = podSpec(objects);
        expect(spec.hostPID).toBe(false);
        expect(spec.hostIPC).toBe(false);
        // Mounted for kubernetes.podSecrets alone (its test below), never by the ServiceAccount's default.
        expect(spec.automountServiceAccountToken).toBe(true);
        expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
        const sc = agent(objects).securityContext;
        expect(sc).toMatchObject({
          runAsNonRoot: true,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(sc.capabilities.add).toBeUndefined();
        expect(sc.runAsUser).toBeGreaterThan(0);
        for (const c of spec.containers) expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
        const sa = one(objects, 'ServiceAccount') as Any;
        expect(sa.automountServiceAccountToken).toBe(false);
        expect(spec.serviceAccountName).toBe(sa.metadata.name);
      }
    });

    it('the only root container is the optional spool chown init, with CAP_CHOWN alone', () => {
      const spec = podSpec(render(['-f', valuesAll]));
      expect(spec.initContainers).toHaveLength(1);
      const init = spec.initContainers[0];
      expect(init.securityContext).toMatchObject({
        runAsUser: 0,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'], add: ['CHOWN'] },
      });
      expect(init.command).toContain('/var/lib/exfilwatch/spool');
      expect(podSpec(render()).initContainers).toBeUndefined();
    });

    it("the spool init command works with CAP_CHOWN alone: the directory ends up the user's, mode 0700", () => {
      const spec = podSpec(render(['-f', valuesAll]));
      const init = spec.initContainers[0];
      const [node, ...args] = init.command as string[];
      expect(node).toBe('/nodejs/bin/node');
      const root = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-init-'));
      try {
        const dir = join(root, 'spool');
        // Root with CAP_CHOWN as the only capability it can have, as the init container runs (kubelet's root
        // in a container with capabilities drop ALL, add CHOWN).
        const run = spawnSync(
          'setpriv',
          ['--bounding-set=-all,+chown', '--inh-caps=-all', process.execPath, ...args.slice(0, -1), dir],
          { encoding: 'utf8' },
        );
        expect(run.error, 'setpriv (util-linux) is needed: apt-get install -y util-linux').toBeUndefined();
        expect(run.status, run.stderr).toBe(0);
        const st = statSync(dir);
        expect(st.uid).toBe(spec.securityContext.runAsUser);
        expect(st.gid).toBe(spec.securityContext.runAsGroup);
        expect(st.mode & 0o777).toBe(0o700);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it('runs `exfilwatch run --config` on the mounted ConfigMap, with probes on the metrics port', () => {
      const objects = render();
      const c = agent(objects);
      expect(c.args).toEqual(['run', '--config', '/etc/exfilwatch/config.yaml']);
      expect(c.command).toBeUndefined(); // the image's ENTRYPOINT (tini → node dist/cli/main.js)
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
      expect(c.ports).toContainEqual({ name: 'metrics', containerPort: 9464, protocol: 'TCP' });
      const mount = c.volumeMounts.find((m: Any) => m.mountPath === '/etc/exfilwatch');
      const vol = podSpec(objects).volumes.find((v: Any) => v.name === mount.name);
      expect(vol.configMap.name).toBe(one(objects, 'ConfigMap').metadata.name);
      expect(config(objects).metrics).toEqual({ enabled: true, listen: '0.0.0.0:9464' });
    });

    it('gets NODE_NAME from the downward API and sizes resources for the benchmark', () => {
      const c = agent(render());
      expect(c.env).toContainEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
      expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    });

    it('schedules on every node whatever its taints, as the sensors do, and rolls out node by node', () => {
      const ds = one(render(), 'DaemonSet') as Any;
      // A toleration with operator Exists and no key tolerates every taint (control-plane, GPU, NoExecute).
      expect(ds.spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
      // …on Linux nodes: the image is Linux-only.
      expect(ds.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
      expect(ds.spec.updateStrategy).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 },
      });
      expect(ds.spec.selector.matchLabels).toEqual(ds.spec.template.metadata.labels);
    });

    it('mounts the Tetragon socket directory read-only from the host and joins the socket group', () => {
      const objects = render();
      const spec = podSpec(objects);
      const vol = spec.volumes.find((v: Any) => v.hostPath?.path === '/var/run/tetragon');
      expect(vol.hostPath.type).toBe('DirectoryOrCreate');
      const mount = agent(objects).volumeMounts.find((m: Any) => m.name === vol.name);
      expect(mount).toEqual({ name: vol.name, mountPath: '/var/run/tetragon', readOnly: true });
      expect(spec.securityContext.supplementalGroups).toEqual([0]);
      expect(config(objects).sources).toEqual({
        tetragonGrpc: [{ address: 'unix:///var/run/tetragon/tetragon.sock' }],
      });
      // Every hostPath except the spool is read-only.
      const hostVols = spec.volumes.filter((v: Any) => v.hostPath).map((v: Any) => v.name);
      for (const m of agent(objects).volumeMounts.filter((m: Any) => hostVols.includes(m.name))) {
        expect(m.readOnly, m.name).toBe(true);
      }
      const noGroup = podSpec(render(['--set', 'tetragon.socketGroup=null']));
      expect(noGroup.securityContext.supplementalGroups).toBeUndefined();
    });

    it('tails the Tetragon export file read-only in file mode', () => {
      const objects = render(['-f', valuesAll]);
      const spec = podSpec(objects);
      const vol = spec.volumes.find((v: Any) => v.hostPath?.path === '/var/log/tetragon');
      const mount = agent(objects).volumeMounts.find((m: Any) => m.name === vol.name);
      expect(mount.readOnly).toBe(true);
      expect(config(objects).sources.tetragonFile).toEqual([{ path: '/var/log/tetragon/tetragon.log' }]);
      expect(spec.volumes.some((v: Any) => v.hostPath?.path === '/var/run/tetragon')).toBe(false);
      // The export file is root:root 0600, or 0640 with Tetragon's exportFilePerm: readable through its group.
      expect(spec.securityContext.supplementalGroups).toEqual([
        parse(readFileSync(valuesAll, 'utf8')).tetragon.socketGroup,
      ]);
      const noGroup = podSpec(render(['-f', valuesAll, '--set', 'tetragon.socketGroup=null']));
      expect(noGroup.securityContext.supplementalGroups).toBeUndefined();
    });

    it('receives Falco http_output on a hostPort by default, and on the host network when asked', () => {
      const objects = render(['-f', valuesAll]);
      const c = agent(objects);
      expect(c.ports).toContainEqual({ name: 'falco-http', containerPort: 9470, hostPort: 29470, protocol: 'TCP' });
      expect(config(objects).sources.falcoHttp).toEqual([
        { listen: '0.0.0.0:9470', sharedSecret: { valueFile: '/etc/exfilwatch/falco-secret/token' } },
      ]);
      const secretMount = c.volumeMounts.find((m: Any) => m.mountPath === '/etc/exfilwatch/falco-secret');
      expect(secretMount.readOnly).toBe(true);
      const secretVol = podSpec(objects).volumes.find((v: Any) => v.name === secretMount.name);
      expect(secretVol.secret).toMatchObject({
        secretName: 'exfilwatch-falco-secret',
        items: [{ key: 'token', path: 'token' }],
      });
      expect(podSpec(objects).hostNetwork).toBe(false);

      const hostNet = render(['--set', 'hostNetwork=true', '--set', 'falco.enabled=true']);
      const spec = podSpec(hostNet);
      expect(spec.hostNetwork).toBe(true);
      expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
      const port = agent(hostNet).ports.find((p: Any) => p.name === 'falco-http');
      expect(port).toEqual({ name: 'falco-http', containerPort: 2801, protocol: 'TCP' });
    });

    it('wires NATS creds and TLS from existing Secrets, and the spool to a writable volume', () => {
      const objects = render(['-f', valuesAll]);
      const spec = podSpec(objects);
      const nats = config(objects).sinks.nats;
      expect(nats).toEqual({
        servers: ['tls://nats.example.com:4443'],
        subjectPrefix: 'sec.exfil',
        credsFile: '/etc/exfilwatch/nats-creds/exfilwatch.creds',
        tls: {
          caFile: '/etc/exfilwatch/nats-tls/ca.crt',
          certFile: '/etc/exfilwatch/nats-tls/tls.crt',
          keyFile: '/etc/exfilwatch/nats-tls/tls.key',
        },
        spool: { dir: '/var/lib/exfilwatch/spool' },
      });
      const secretVols = spec.volumes.filter((v: Any) => v.secret).map((v: Any) => v.secret.secretName);
      expect(secretVols.sort()).toEqual(['exfilwatch-falco-secret', 'exfilwatch-nats-creds', 'exfilwatch-nats-tls']);
      const mounts = agent(objects).volumeMounts;
      expect(mounts.find((m: Any) => m.mountPath === '/etc/exfilwatch/nats-creds').readOnly).toBe(true);
      expect(mounts.find((m: Any) => m.mountPath === '/etc/exfilwatch/nats-tls').readOnly).toBe(true);
      const spool = mounts.find((m: Any) => m.mountPath === '/var/lib/exfilwatch');
      expect(spool.readOnly).toBeUndefined();
      expect(spec.volumes.find((v: Any) => v.name === spool.name).hostPath.path).toBe('/var/lib/exfilwatch');
      const defaults = podSpec(render());
      expect(defaults.volumes.find((v: Any) => v.name === 'spool').emptyDir).toEqual({ sizeLimit: '256Mi' });
    });

    it('renders allowlist, correlator, stdout and extraConfig into the config file', () => {
      const cfg = config(render(['-f', valuesAll]));
      expect(cfg.logLevel).toBe('debug');
      expect(cfg.correlator).toEqual({ windowMs: 1800000 });
      expect(cfg.allowlist).toHaveLength(2);
      expect(cfg.allowlist[0]).toEqual({
        namespace: 'ci',
        image: 'gcr.io/kaniko-project/*',
        reason: 'CI image builds',
      });
      expect(cfg.sinks.stdout).toEqual({});
      expect(cfg.pipeline).toEqual({ eventQueueCapacity: 131072 });
      expect(cfg.metrics.listen).toBe('0.0.0.0:9500');
    });

    it('listens on IPv6 when asked (an IPv6-only cluster), in brackets, and the daemon accepts that config', () => {
      const objects = render(['--set', 'listenAddress=::', '--set', 'falco.enabled=true']);
      const cfg = config(objects);
      expect(cfg.metrics.listen).toBe('[::]:9464');
      expect(cfg.sources.falcoHttp).toEqual([{ listen: '[::]:2801' }]);
      expect(configProblems(cfg)).toEqual([]);
      expect(() => render(['--set', 'listenAddress=localhost'])).toThrow(/listenAddress/);
    });

    it.each([
      ['default values', []],
      ['every option', ['-f', valuesAll]],
      ['falco only', ['--set', 'tetragon.enabled=false', '--set', 'falco.enabled=true']],
    ])('renders a config file that exfilwatch itself accepts (%s)', (_name, args) => {
      expect(configProblems(config(render(args)))).toEqual([]);
    });

    it('rolls the pods when the config changes', () => {
      const checksum = (args: string[]) =>
        (one(render(args), 'DaemonSet') as Any).spec.template.metadata.annotations['checksum/config'];
      expect(checksum([])).toMatch(/^[a-f0-9]{64}$/);
      expect(checksum(['--set', 'logLevel=debug'])).not.toBe(checksum([]));
    });
  });

  it('the NetworkPolicy allows only NATS + the API server + DNS out and metrics (+ Falco) in', () => {
    const np = one(render(), 'NetworkPolicy') as Any;
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([{ ports: [{ port: 9464, protocol: 'TCP' }] }]);
    expect(np.spec.egress).toEqual([
      { ports: [{ port: 4222, protocol: 'TCP' }] },
      {
        ports: [
          { port: 443, protocol: 'TCP' },
          { port: 6443, protocol: 'TCP' },
        ],
      },
      {
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
    ]);
    const all = one(render(['-f', valuesAll]), 'NetworkPolicy') as Any;
    expect(all.spec.ingress[1].ports).toEqual([{ port: 9470, protocol: 'TCP' }]);
    expect(all.spec.ingress[1].from).toHaveLength(2);
    expect(all.spec.egress[0].to).toEqual([{ ipBlock: { cidr: '203.0.113.0/24' } }]);
  });

  it('the NetworkPolicy lets exfilwatch reach NATS on the port of nats.url, whatever natsPorts lists', () => {
    const egressPorts = (args: string[]) =>
      ((one(render(args), 'NetworkPolicy') as Any).spec.egress[0].ports as { port: number }[]).map((p) => p.port);
    expect(egressPorts(['--set', 'nats.url=tls://nats.example.com:4443'])).toEqual([4222, 4443]);
    expect(egressPorts(['--set', 'nats.url=nats://nats.example.com:7422/'])).toEqual([4222, 7422]);
    // No port in the URL: the NATS client's default, 4222.
    expect(egressPorts(['--set', 'nats.url=nats://nats.nats.svc'])).toEqual([4222]);
    expect(egressPorts(['--set', 'nats.url=tls://nats:4443', '--set', 'networkPolicy.natsPorts={4443}'])).toEqual([
      4443,
    ]);
  });

  it('the ServiceMonitor scrapes /metrics through the Service and labels series with the node', () => {
    const objects = render(['-f', valuesAll]);
    const svc = one(objects, 'Service') as Any;
    const sm = one(objects, 'ServiceMonitor') as Any;
    expect(svc.spec.clusterIP).toBe('None');
    expect(sm.spec.selector.matchLabels).toEqual(
      Object.fromEntries(Object.entries(svc.metadata.labels).filter(([k]) => k in svc.spec.selector)),
    );
    expect(sm.spec.endpoints[0]).toMatchObject({ port: svc.spec.ports[0].name, path: '/metrics', interval: '15s' });
    expect(sm.spec.endpoints[0].relabelings).toContainEqual({
      sourceLabels: ['__meta_kubernetes_pod_node_name'],
      targetLabel: 'node',
      action: 'replace',
    });
  });
});
