/**
 * The Grafana dashboard: every PromQL expression parses (promtool, the real PromQL parser) and names only
 * metrics our registry exports, with label names those metrics have. A panel on a metric that does not
 * exist is a dead panel nobody notices until the day it matters.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { repoRoot } from '../helpers/helm.js';

// biome-ignore lint/suspicious/noExplicitAny: the dashboard is untyped JSON, checked field by field.
type Any = any;

/** Grafana's datasource-variable reference (a literal `${…}`, not a JS template). */
const DATASOURCE_REF = ['$', '{datasource}'].join('');

const dashboard = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'grafana', 'exfilwatch.json'), 'utf8')) as Any;

/** Metric name → label names, for every series name our registry exports (histograms: _bucket/_sum/_count). */
function exportedSeries(): Map<string, Set<string>> {
  // The daemon registers the default process/nodejs metrics too (src/cli/run.ts).
  const { registry } = createMetrics({ defaultMetrics: true });
  const series = new Map<string, Set<string>>();
  for (const metric of registry.getMetricsAsArray() as Any[]) {
    const labels = new Set<string>(metric.labelNames ?? []);
    const json = metric as { name: string; type?: string };
    if (metric.constructor.name === 'Histogram' || json.type === 'histogram') {
      series.set(`${json.name}_bucket`, new Set([...labels, 'le']));
      series.set(`${json.name}_sum`, labels);
      series.set(`${json.name}_count`, labels);
    } else {
      series.set(json.name, labels);
    }
  }
  return series;
}

/** Labels every scraped series carries besides its own: target labels and the ServiceMonitor's `node`. */
const TARGET_LABELS = new Set(['node', 'instance', 'job', 'namespace', 'pod', 'container', 'service', 'endpoint']);

// PromQL vocabulary that is not a metric name.
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'inf',
  'nan',
]);

/** Grafana's variables replaced by values PromQL accepts, so the real parser can check the expression. */
function substitute(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '6h')
    .replace(/\$\{?(\w+)\}?/g, '.*');
}

interface Selector {
  metric: string;
  labels: string[];
}

/**
 * A small PromQL scanner: strings and durations are skipped; an identifier followed by `(` is a function
 * (or, after by/without/on/ignoring, a label list); one inside `{…}` is a label name; any other identifier
 * is a metric name.
 */
function selectors(expr: string): { metrics: Selector[]; groupingLabels: string[] } {
  const metrics: Selector[] = [];
  const groupingLabels: string[] = [];
  const re = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\]|\d+(?:\.\d+)?(?:ms|[smhdwy])?\b|[A-Za-z_:][\w:]*|\S/g;
  const tokens = [...expr.matchAll(re)].map((m) => m[0]);
  let i = 0;
  let last: Selector | null = null;
  while (i < tokens.length) {
    const t = tokens[i] as string;
    const next = tokens[i + 1];
    if (/^[A-Za-z_:]/.test(t)) {
      const lower = t.toLowerCase();
      if (['by', 'without', 'on', 'ignoring', 'group_left', 'group_right'].includes(lower) && next === '(') {
        i += 2;
        while (i < tokens.length && tokens[i] !== ')') {
          if (tokens[i] !== ',') groupingLabels.push(tokens[i] as string);
          i++;
        }
      } else if (next === '(' || KEYWORDS.has(lower) || next === 'by' || next === 'without') {
        // function call, operator keyword, or aggregation with a leading `by (…)`
      } else {
        last = { metric: t, labels: [] };
        metrics.push(last);
      }
    } else if (t === '{') {
      const target: Selector = last ?? { metric: '', labels: [] };
      i++;
      while (i < tokens.length && tokens[i] !== '}') {
        const tok = tokens[i] as string;
        if (/^[A-Za-z_]/.test(tok) && /^(=|!|~)/.test(tokens[i + 1] ?? '')) target.labels.push(tok);
        i++;
      }
      last = null;
    } else if (t !== '[' && !t.startsWith('[')) {
      last = t === ')' ? last : null;
    }
    i++;
  }
  return { metrics, groupingLabels };
}

function dashboardExprs(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of dashboard.panels as Any[]) {
    for (const t of p.targets ?? []) out.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
  }
  for (const v of dashboard.templating.list as Any[]) {
    if (v.type === 'query') {
      const q = typeof v.query === 'string' ? v.query : v.query.query;
      const m = /^label_values\((.+),\s*(\w+)\)$/.exec(q);
      if (!m) throw new Error(`variable ${v.name}: unsupported query ${q}`);
      out.push({ where: `variable ${v.name}`, expr: m[1] as string });
    }
  }
  return out;
}

describe('Grafana dashboard (deploy/grafana/exfilwatch.json)', () => {
  const series = exportedSeries();
  const exprs = dashboardExprs();
  const tmp = mkdtempSync(join(tmpdir(), 'exfilwatch-dashboard-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('has a Prometheus datasource variable and a node variable from exfilwatch_source_up', () => {
    const vars = Object.fromEntries((dashboard.templating.list as Any[]).map((v) => [v.name, v]));
    expect(vars.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.node.query.query).toBe('label_values(exfilwatch_source_up, node)');
    expect(vars.node.datasource.uid).toBe(DATASOURCE_REF);
    for (const p of dashboard.panels as Any[]) {
      if (p.type === 'row') continue;
      expect(p.datasource?.uid, p.title).toBe(DATASOURCE_REF);
      for (const t of p.targets) expect(t.expr, `${p.title} filters by node`).toContain('node=~"$node"');
    }
  });

  it('covers ingest, drops, decode errors, sources, containers, memory, alerts, suppression, latency, spool, NATS, sink drops, the receiver body budget, closed connections, alerts in a foreign stream and the pod list API errors', () => {
    const used = new Set(exprs.flatMap(({ expr }) => selectors(expr).metrics.map((m) => m.metric)));
    for (const m of [
      'exfilwatch_events_total',
      'exfilwatch_events_dropped_total',
      'exfilwatch_decode_errors_total',
      'exfilwatch_source_up',
      'exfilwatch_tracked_containers',
      // The pod's memory against the 256 Mi limit and the 150 MB RSS target (docs/deploy.md "Resources").
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'exfilwatch_alerts_total',
      'exfilwatch_alerts_suppressed_total',
      'exfilwatch_detection_latency_seconds_bucket',
      'exfilwatch_alert_spool_messages',
      'exfilwatch_alert_publish_failures_total',
      // Alerts one sink lost, the Falco receiver's body budget, and connections closed at a limit.
      'exfilwatch_alerts_dropped_total',
      'exfilwatch_receiver_buffered_body_bytes',
      'exfilwatch_receiver_body_budget_bytes',
      'exfilwatch_receiver_connections_closed_total',
      'exfilwatch_ops_connections_closed_total',
      // Alerts the NATS sink publishes into a stream it does not own (ExfilwatchAlertsInForeignStream), and
      // publishes the broker refused (ExfilwatchNatsRefusingAlerts).
      'exfilwatch_alert_stream_foreign',
      'exfilwatch_alert_publish_refused_total',
      // kubernetes.podSecrets' failed lists and watches (ExfilwatchKubernetesApiFailing): a forbidden RBAC.
      'exfilwatch_kubernetes_api_errors_total',
    ]) {
      expect(used, m).toContain(m);
    }
    const latency = exprs.filter(({ expr }) => expr.includes('histogram_quantile'));
    expect(latency.length).toBeGreaterThanOrEqual(2);
  });

  it('every expression parses with the real PromQL parser (promtool)', () => {
    const rules = exprs.map(({ expr }, i) => ({ record: `exfilwatch:dashboard_expr_${i}`, expr: substitute(expr) }));
    const file = join(tmp, 'dashboard-exprs.yaml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
    const res = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(`${res.stdout}${res.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(res.status).toBe(0);
  });

  it('every expression names only metrics our registry exports, with their own labels', () => {
    expect(series.size).toBeGreaterThan(10);
    for (const { where, expr } of exprs) {
      const { metrics, groupingLabels } = selectors(expr);
      expect(metrics.length, `${where}: ${expr}`).toBeGreaterThan(0);
      const allowed = new Set(TARGET_LABELS);
      for (const { metric, labels } of metrics) {
        const own = series.get(metric);
        expect(own, `${where}: unknown metric ${metric}`).toBeDefined();
        for (const l of own ?? []) allowed.add(l);
        for (const l of labels) expect([...(own ?? []), ...TARGET_LABELS], `${where}: ${metric}{${l}}`).toContain(l);
      }
      for (const l of groupingLabels) expect([...allowed], `${where}: by/on (${l})`).toContain(l);
    }
  });

  it('the checker does reject an unknown metric, a misspelt label and a bad grouping label', () => {
    const { metrics, groupingLabels } = selectors(
      'sum by (sorce) (rate(exfilwatch_event_total{kind="exec", nod=~"a"}[5m])) / on (node) exfilwatch_source_up',
    );
    expect(metrics).toEqual([
      { metric: 'exfilwatch_event_total', labels: ['kind', 'nod'] },
      { metric: 'exfilwatch_source_up', labels: [] },
    ]);
    expect(groupingLabels).toEqual(['sorce', 'node']);
    expect(series.has('exfilwatch_event_total')).toBe(false);
    expect(series.get('exfilwatch_events_total')?.has('sorce')).toBe(false);
  });
});
