/**
 * Benign background traffic from several pods on two nodes, for the demo to interleave with the scenarios
 * and for the benchmark to scale: web servers reading static files, an API talking to its database,
 * readiness probes, log shippers tailing container logs to Elasticsearch, a metrics scraper, a cron job
 * fetching from an internal service. None of it is a push to a forge or registry: it must never alert.
 */
import { expandScenario } from './expand.js';
import { createRng } from './rng.js';
import type { Scenario, ScenarioInput } from './schema.js';
import { scenarioSchema } from './schema.js';
import type { Timeline } from './timeline.js';

export interface BackgroundOptions {
  seed?: number;
  /** Epoch ms of the first event (default 2026-03-02T09:00:00Z). */
  startMs?: number;
  /** How long the traffic runs (default 10 minutes). */
  durationMs?: number;
  /** Seconds between rounds of activity per pod (default 10 s; smaller = busier). */
  periodS?: number;
}

export const BACKGROUND_NODES = ['worker-1', 'worker-2'] as const;

const DEFAULT_START_MS = Date.parse('2026-03-02T09:00:00Z');

const containers: ScenarioInput['containers'] = [
  {
    name: 'bg-web-1',
    node: 'worker-1',
    namespace: 'shop',
    pod: 'storefront-6c9d7f8b5d-k2x8p',
    container: 'nginx',
    image: 'docker.io/library/nginx:1.27.4',
    labels: { app: 'storefront', tier: 'web' },
    init: { binary: '/usr/sbin/nginx', args: '-g daemon off;' },
  },
  {
    name: 'bg-api',
    node: 'worker-1',
    namespace: 'shop',
    pod: 'orders-api-58f6b9c7d4-q7m2w',
    container: 'api',
    image: 'registry.internal.example/shop/orders-api:2.14.1',
    labels: { app: 'orders-api' },
    init: { binary: '/app/orders-api', args: '--listen :8080' },
  },
  {
    name: 'bg-db',
    node: 'worker-2',
    namespace: 'shop',
    pod: 'orders-db-0',
    container: 'postgres',
    image: 'docker.io/library/postgres:16.6',
    labels: { app: 'orders-db' },
    workloadKind: 'StatefulSet',
    init: { binary: '/usr/lib/postgresql/16/bin/postgres', args: '-D /var/lib/postgresql/data' },
  },
  ...BACKGROUND_NODES.map((node, i) => ({
    name: `bg-fluent-${i + 1}`,
    node,
    namespace: 'logging',
    pod: `fluent-bit-${['x7k2q', 'p9m4d'][i]}`,
    container: 'fluent-bit',
    image: 'cr.fluentbit.io/fluent/fluent-bit:3.2.4',
    labels: { 'app.kubernetes.io/name': 'fluent-bit' },
    workloadKind: 'DaemonSet',
    init: { binary: '/fluent-bit/bin/fluent-bit', args: '-c /fluent-bit/etc/fluent-bit.conf' },
  })),
  {
    name: 'bg-prom',
    node: 'worker-2',
    namespace: 'monitoring',
    pod: 'prometheus-k8s-0',
    container: 'prometheus',
    image: 'quay.io/prometheus/prometheus:v3.1.0',
    labels: { 'app.kubernetes.io/name': 'prometheus' },
    workloadKind: 'StatefulSet',
    init: { binary: '/bin/prometheus', args: '--config.file=/etc/prometheus/prometheus.yml' },
  },
  {
    name: 'bg-cron',
    node: 'worker-2',
    namespace: 'shop',
    pod: 'invoice-sync-29012345-8xq2n',
    container: 'sync',
    image: 'registry.internal.example/shop/invoice-sync:1.3.0',
    labels: { 'batch.kubernetes.io/job-name': 'invoice-sync-29012345' },
    workloadKind: 'CronJob',
    init: { binary: '/bin/sh', args: '-c /app/sync.sh' },
  },
];

/** The background traffic as a scenario description (benign, expects nothing). */
export function backgroundScenario(options: BackgroundOptions = {}): Scenario {
  const seed = options.seed ?? 7;
  const rng = createRng(`background#${seed}`);
  const durationS = Math.max(10, Math.floor((options.durationMs ?? 600_000) / 1000));
  const period = Math.max(1, options.periodS ?? 10);
  const steps: ScenarioInput['steps'] = [];
  let n = 0;
  const at = (s: number): string => `${(s + rng.next() * 0.9).toFixed(3)}s`;
  for (let t = 1; t < durationS; t += period) {
    n++;
    steps.push({
      at: at(t),
      read: {
        proc: 'bg-web-1',
        path: `/usr/share/nginx/html/assets/app-{i}.js`,
        files: 3,
        bytes: `${rng.int(40, 400)}KiB`,
      },
    });
    steps.push({
      at: at(t),
      upload: { proc: 'bg-api', to: 'orders-db.shop.svc:5432', sock: `db-${n}`, bytes: rng.int(300, 9000) },
    });
    steps.push({
      at: at(t + 1),
      exec: { id: `probe-${n}`, parent: 'bg-db', binary: '/usr/bin/pg_isready', args: '-U postgres -h 127.0.0.1' },
    });
    steps.push({ after: '14ms', exit: { proc: `probe-${n}` } });
    BACKGROUND_NODES.forEach((_node, i) => {
      steps.push({
        at: at(t + 2),
        read: {
          proc: `bg-fluent-${i + 1}`,
          path: `/var/log/containers/app-${i}-{i}.log`,
          files: 2,
          bytes: `${rng.int(64, 900)}KiB`,
        },
      });
      steps.push({
        at: at(t + 3),
        upload: {
          proc: `bg-fluent-${i + 1}`,
          to: 'elasticsearch.logging.svc:9200',
          sock: `es-${i}-${n}`,
          bytes: `${rng.int(32, 700)}KiB`,
        },
      });
    });
    if (n % 3 === 0) {
      steps.push({
        at: at(t + 4),
        upload: { proc: 'bg-prom', to: 'orders-api.shop.svc:8080', sock: `scrape-${n}`, bytes: 310 },
      });
    }
    if (n % 6 === 0) {
      steps.push({
        at: at(t + 5),
        exec: {
          id: `sync-${n}`,
          parent: 'bg-cron',
          binary: '/usr/bin/curl',
          args: '-fsS http://billing.internal.example/api/v1/invoices?since=1h',
        },
      });
      steps.push({ after: '5ms', upload: { proc: `sync-${n}`, to: 'billing.internal.example:80', bytes: 420 } });
      steps.push({ after: '80ms', exit: { proc: `sync-${n}` } });
    }
  }
  const input: ScenarioInput = {
    name: 'background',
    kind: 'benign',
    title: 'Benign background traffic from several pods on two nodes',
    seed,
    start: new Date(options.startMs ?? DEFAULT_START_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    nodes: [...BACKGROUND_NODES],
    dns: {
      'orders-db.shop.svc': '10.96.41.17',
      'elasticsearch.logging.svc': '10.96.88.4',
      'orders-api.shop.svc': '10.96.12.90',
      'billing.internal.example': '10.20.4.11',
    },
    containers,
    steps,
    demo: false,
    expect: 'none',
  };
  return scenarioSchema.parse(input);
}

export function generateBackground(options: BackgroundOptions = {}): Timeline {
  return expandScenario(backgroundScenario(options), options.startMs === undefined ? {} : { startMs: options.startMs });
}
