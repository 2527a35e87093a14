/**
 * The benchmark's benign background: a busy node with thousands of containers, as scenario-library
 * activities (so the Tetragon and Falco renderers of src/scenarios shape every event exactly like the
 * scenario tests' events). The mix is the issue's: ~70% file reads, ~20% socket sends, ~10% exec/exit.
 *
 * Seeded and streaming: the same options give the same activities, one at a time, so 10 million events
 * need no more memory than ten. Nothing here is a push to a forge or a registry: it must never alert.
 */
import { createRng, type Rng } from '../../src/scenarios/rng.js';
import type { Activity, SimContainer, SimNode, SimProcess, SimSocket } from '../../src/scenarios/timeline.js';

export interface BackgroundOptions {
  seed: number;
  containers: number;
  node: string;
  /** Event time of the first event, ns since the epoch. */
  startNs: bigint;
  /** Event time between two consecutive events (ns). */
  stepNs: bigint;
}

interface Workload {
  image: string;
  namespace: string;
  app: string;
  init: { binary: string; args: string };
  /** Files this kind of container reads: `{n}` is replaced by a number below `spread`. */
  paths: string[];
  spread: number;
  /** Where its sockets go (cluster-internal services: never a forge or a registry). */
  peers: Array<[string, number]>;
  /** What gets exec'd in it now and then. */
  execs: Array<[string, string]>;
}

const WORKLOADS: Workload[] = [
  {
    image: 'docker.io/library/nginx:1.27.4',
    namespace: 'shop',
    app: 'storefront',
    init: { binary: '/usr/sbin/nginx', args: '-g daemon off;' },
    paths: [
      '/usr/share/nginx/html/assets/app-{n}.js',
      '/usr/share/nginx/html/img/product-{n}.webp',
      '/etc/nginx/conf.d/default.conf',
    ],
    spread: 300,
    peers: [
      ['10.96.12.90', 8080],
      ['10.96.88.4', 9200],
    ],
    execs: [
      ['/bin/sh', '-c nginx -t'],
      ['/usr/bin/curl', '-fsS http://127.0.0.1:8080/healthz'],
    ],
  },
  {
    image: 'registry.internal.example/shop/orders-api:2.14.1',
    namespace: 'shop',
    app: 'orders-api',
    init: { binary: '/app/orders-api', args: '--listen :8080' },
    paths: ['/app/templates/invoice-{n}.tmpl', '/app/config/rates-{n}.json', '/etc/ssl/certs/ca-certificates.crt'],
    spread: 120,
    peers: [
      ['10.96.41.17', 5432],
      ['10.96.7.3', 6379],
      ['10.96.12.91', 8080],
    ],
    execs: [
      ['/bin/sh', '-c /app/healthcheck'],
      ['/app/migrate', '--dry-run --dsn-file /app/config/db.conf'],
    ],
  },
  {
    image: 'docker.io/library/python:3.12-slim',
    namespace: 'analytics',
    app: 'report-worker',
    init: { binary: '/usr/local/bin/python3.12', args: '-m worker --queue reports' },
    paths: [
      '/usr/local/lib/python3.12/site-packages/pkg{n}/__init__.py',
      '/srv/reports/cache/report-{n}.parquet',
      '/usr/local/lib/python3.12/encodings/utf_8.py',
    ],
    spread: 400,
    peers: [
      ['10.96.7.3', 6379],
      ['10.96.55.20', 9000],
    ],
    execs: [
      ['/usr/local/bin/python3.12', '-c import worker; worker.ping()'],
      ['/bin/ls', '-la /srv/reports/cache'],
    ],
  },
  {
    image: 'docker.io/library/postgres:16.6',
    namespace: 'shop',
    app: 'orders-db',
    init: { binary: '/usr/lib/postgresql/16/bin/postgres', args: '-D /var/lib/postgresql/data' },
    paths: ['/var/lib/postgresql/data/base/16384/{n}', '/var/lib/postgresql/data/pg_wal/0000000100000000000000{n}'],
    spread: 250,
    peers: [['10.96.41.18', 5432]],
    execs: [['/usr/bin/pg_isready', '-U postgres -h 127.0.0.1']],
  },
  {
    image: 'cr.fluentbit.io/fluent/fluent-bit:3.2.4',
    namespace: 'logging',
    app: 'fluent-bit',
    init: { binary: '/fluent-bit/bin/fluent-bit', args: '-c /fluent-bit/etc/fluent-bit.conf' },
    paths: ['/var/log/containers/app-{n}.log', '/var/log/pods/shop_pod-{n}/app/0.log'],
    spread: 200,
    peers: [['10.96.88.4', 9200]],
    execs: [['/bin/sh', '-c kill -0 1']],
  },
];

interface BgContainer {
  sim: SimContainer;
  workload: Workload;
  procs: SimProcess[];
  sockets: SimSocket[];
  /** Short-lived processes exec'd and not yet exited. */
  live: SimProcess[];
}

function uuid(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function comm(binary: string): string {
  return (binary.split('/').pop() ?? binary).slice(0, 15);
}

/** Endless seeded background activities (the caller takes as many as it wants). */
export function* backgroundActivities(o: BackgroundOptions): Generator<Activity> {
  const rng = createRng(`bench-background#${o.seed}`);
  const node: SimNode = { name: o.node, ip: '10.0.16.20', bootNs: o.startNs - 1_728_000_000_000_000n };
  let nextPid = 30_000;
  const execIdOf = (startNs: bigint, pid: number) =>
    Buffer.from(`${node.name}:${startNs - node.bootNs}:${pid}`).toString('base64');

  function makeProc(c: BgContainer | null, parent: SimProcess | null, binary: string, args: string, startNs: bigint) {
    nextPid = (nextPid + rng.int(1, 7)) % 4_000_000 || 30_000;
    const pid = nextPid;
    const p: SimProcess = {
      ref: `p${pid}`,
      container: c?.sim ?? null,
      node,
      pid,
      containerPid: c ? c.sim.nextContainerPid++ : null,
      execId: execIdOf(startNs, pid),
      parent,
      binary,
      args,
      cwd: '/',
      uid: rng.pick([0, 101, 999, 1000]),
      startNs,
      comm: comm(binary),
      inInitTree: true,
      preexisting: startNs < o.startNs,
      exited: false,
    };
    return p;
  }

  // Containers are made on first use, so a 10,000-container run starts at once.
  const containers: Array<BgContainer | undefined> = new Array(o.containers);
  function container(i: number): BgContainer {
    const have = containers[i];
    if (have) return have;
    const w = WORKLOADS[i % WORKLOADS.length]!;
    const startNs = o.startNs - BigInt(rng.int(60, 7200)) * 1_000_000_000n;
    const podName = `${w.app}-${rng.hex(9)}-${rng.hex(5)}`;
    const sim: SimContainer = {
      ref: `c${i}`,
      node,
      host: false,
      id: rng.hex(64),
      name: w.app,
      image: w.image,
      imageId: `${w.image.replace(/:[^/:]+$/, '')}@sha256:${rng.hex(64)}`,
      namespace: w.namespace,
      pod: podName,
      podUid: uuid(rng),
      labels: { app: w.app, 'pod-template-hash': podName.split('-').at(-2)! },
      workload: w.app,
      workloadKind: 'Deployment',
      startNs,
      ip: `10.244.${1 + (i >> 8)}.${i & 255}`,
      nextContainerPid: 1,
    };
    const c: BgContainer = { sim, workload: w, procs: [], sockets: [], live: [] };
    const shim = makeProc(null, null, '/usr/bin/containerd-shim-runc-v2', `-namespace k8s.io -id ${sim.id}`, startNs);
    const init = makeProc(c, shim, w.init.binary, w.init.args, startNs + 150_000_000n);
    c.procs.push(init);
    for (const [daddr, dport] of w.peers) {
      c.sockets.push({
        ref: `s${i}-${dport}`,
        cookie: ((rng.u64() & 0x0fffffffffffffffn) | 0x1000000000000000n).toString(),
        family: 'AF_INET',
        saddr: sim.ip,
        sport: rng.int(32768, 60999),
        daddr,
        dport,
        host: daddr,
      });
    }
    containers[i] = c;
    return c;
  }

  let ns = o.startNs;
  let seq = 0;
  for (;;) {
    ns += o.stepNs;
    const c = container(rng.int(0, o.containers - 1));
    const r = rng.next();
    const base = { ns, emitNs: ns, seq: seq++ };
    if (r < 0.7) {
      const proc = c.live.length > 0 && rng.next() < 0.2 ? rng.pick(c.live) : c.procs[0]!;
      const path = rng.pick(c.workload.paths).replace('{n}', String(rng.int(0, c.workload.spread)));
      const requested = rng.pick([4096, 16384, 65536, 131072]);
      yield { ...base, type: 'read', proc, path, bytes: rng.int(256, requested), requested };
    } else if (r < 0.9) {
      yield { ...base, type: 'send', proc: c.procs[0]!, sock: rng.pick(c.sockets), bytes: rng.int(64, 16384) };
    } else if (c.live.length > 0 && (c.live.length >= 3 || rng.next() < 0.5)) {
      const proc = c.live.shift()!;
      proc.exited = true;
      yield { ...base, type: 'exit', proc, status: rng.next() < 0.9 ? 0 : 1, signal: null };
    } else {
      const [binary, args] = rng.pick(c.workload.execs);
      const proc = makeProc(c, c.procs[0]!, binary, args, ns);
      c.live.push(proc);
      yield { ...base, type: 'exec', proc };
    }
  }
}
