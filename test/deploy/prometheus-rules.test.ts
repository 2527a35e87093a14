import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/helm.js';
import { one, render, valuesAll } from './render.js';

const promDir = join(repoRoot, 'deploy', 'prometheus');
const rulesFile = join(promDir, 'exfilwatch-rules.yaml');

function promtool(args: string[]) {
  const res = spawnSync('promtool', args, { cwd: promDir, encoding: 'utf8' });
  if (res.error) throw res.error;
  return { status: res.status, out: `${res.stdout}${res.stderr}` };
}

interface Rule {
  alert?: string;
  expr: string;
}

describe('Prometheus alert rules', () => {
  const groups = parse(readFileSync(rulesFile, 'utf8')).groups as { rules: Rule[] }[];
  const alerts = groups.flatMap((g) => g.rules.map((r) => r.alert)).filter((a): a is string => !!a);

  it('cover a source down, sustained drops, a growing spool, lost alerts (spool and sinks), refused Falco connections, a broker refusing alerts, alerts in a stream exfilwatch does not own, a silent node, unread shell scripts, a pod list the API server refuses and critical detections', () => {
    expect(alerts.sort()).toEqual([
      'ExfilwatchAlertsDropped',
      'ExfilwatchAlertsInForeignStream',
      'ExfilwatchCriticalAlert',
      'ExfilwatchEventsDropped',
      'ExfilwatchFalcoConnectionsRefused',
      'ExfilwatchKubernetesApiFailing',
      'ExfilwatchNatsRefusingAlerts',
      'ExfilwatchNoEvents',
      'ExfilwatchShellScriptsSkipped',
      'ExfilwatchSinkDroppedAlerts',
      'ExfilwatchSourceDown',
      'ExfilwatchSpoolGrowing',
      'ExfilwatchSpoolWriteFailing',
    ]);
  });

  it('pass promtool check rules', () => {
    const res = promtool(['check', 'rules', rulesFile]);
    expect(res.out).toContain(`SUCCESS: ${alerts.length} rules found`);
    expect(res.status).toBe(0);
  });

  it('pass their promtool unit tests, and every alert has a test that fires it', () => {
    const testFiles = readdirSync(join(promDir, 'tests')).filter((f) => f.endsWith('.yaml'));
    expect(testFiles.length).toBeGreaterThan(0);
    const res = promtool(['test', 'rules', ...testFiles.map((f) => join('tests', f))]);
    expect(res.out).toContain('SUCCESS');
    expect(res.status).toBe(0);
    const fired = new Set<string>();
    for (const f of testFiles) {
      const doc = parse(readFileSync(join(promDir, 'tests', f), 'utf8'));
      for (const t of doc.tests) {
        for (const a of t.alert_rule_test ?? []) if ((a.exp_alerts ?? []).length > 0) fired.add(a.alertname);
      }
    }
    expect([...fired].sort()).toEqual([...alerts].sort());
  });

  it('promtool test rules does fail when an expectation is wrong (the tests are not vacuous)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-promtool-'));
    try {
      const file = join(dir, 'wrong.test.yaml');
      writeFileSync(
        file,
        [
          `rule_files: [${JSON.stringify(rulesFile)}]`,
          'tests:',
          '  - interval: 1m',
          '    input_series:',
          '      - series: \'exfilwatch_source_up{node="n", source="tetragon-grpc"}\'',
          "        values: '1x10'",
          '    alert_rule_test:',
          '      - eval_time: 5m',
          '        alertname: ExfilwatchSourceDown',
          '        exp_alerts: [{exp_labels: {severity: warning, node: n, source: tetragon-grpc}}]',
        ].join('\n'),
      );
      const res = promtool(['test', 'rules', file]);
      expect(res.out).toContain('FAILED');
      expect(res.out).toContain('ExfilwatchSourceDown');
      expect(res.status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the chart's PrometheusRule renders the same groups", () => {
    const rule = one(render(['-f', valuesAll]), 'PrometheusRule') as unknown as { spec: { groups: unknown } };
    expect(rule.spec.groups).toEqual(groups);
  });
});
