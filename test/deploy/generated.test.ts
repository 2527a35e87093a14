import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  chartDir,
  chartFileCopies,
  plainDir,
  prometheusRuleFile,
  renderPlainManifests,
  renderPrometheusRule,
  rulesFile,
} from '../../scripts/render-manifests.js';

const STALE = 'stale: run `node --import tsx scripts/render-manifests.ts`';

describe('generated deployment files are in step with their sources', () => {
  it('deploy/kubernetes/ is exactly what the chart renders with default values', () => {
    const expected = renderPlainManifests();
    const committed = readdirSync(plainDir).filter((f) => f.endsWith('.yaml'));
    expect(committed.sort(), STALE).toEqual([...expected.keys()].sort());
    for (const [name, content] of expected) {
      expect(readFileSync(join(plainDir, name), 'utf8'), `${name} ${STALE}`).toBe(content);
    }
    expect(expected.get('daemonset.yaml')).toContain('kind: DaemonSet');
  });

  it("the chart's files/ hold exact copies of the TracingPolicies and the rules file", () => {
    const copies = chartFileCopies();
    expect(copies.size).toBeGreaterThanOrEqual(3);
    for (const [rel, src] of copies) {
      expect(readFileSync(join(chartDir, rel), 'utf8'), `${rel} ${STALE}`).toBe(readFileSync(src, 'utf8'));
    }
    const inChart = readdirSync(join(chartDir, 'files', 'tracingpolicies')).map((f) =>
      join('files', 'tracingpolicies', f),
    );
    expect(inChart.sort()).toEqual([...copies.keys()].filter((k) => k.includes('tracingpolicies')).sort());
  });

  it('the PrometheusRule carries exactly the groups of the plain rules file', () => {
    expect(readFileSync(prometheusRuleFile, 'utf8'), STALE).toBe(renderPrometheusRule());
    const plain = parse(readFileSync(rulesFile, 'utf8'));
    const crd = parse(readFileSync(prometheusRuleFile, 'utf8'));
    expect(crd.kind).toBe('PrometheusRule');
    expect(crd.spec.groups).toEqual(plain.groups);
  });
});
