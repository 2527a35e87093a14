/**
 * The ADS response playbook (docs/ads/T1567.001-container-exfiltration.md, "## Response") and the
 * `response` steps the correlator puts in alerts must stay in step: every step an alert carries starts
 * with one of the playbook's bold openers, and every opener in the playbook is one the engine emits.
 * The alerts come from the whole scenario library, once as recorded and once with a sensor gap injected
 * (which adds the degraded-data step).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { createCorrelator } from '../../src/correlate/index.js';
import { formatByName } from '../../src/formats/index.js';
import type { Alert } from '../../src/model/alert.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import { generateScenario, loadScenarios } from '../../src/scenarios/index.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';

const ads = readFileSync(resolve(import.meta.dirname, '../../docs/ads/T1567.001-container-exfiltration.md'), 'utf8');

function playbookOpeners(): string[] {
  const section = /\n## Response\n([\s\S]*?)\n## /.exec(ads)?.[1] ?? '';
  return [...section.matchAll(/^\d+\. \*\*(.+?)\*\*/gm)].map((m) => m[1]!);
}

function alertsOf(withGap: boolean): Alert[] {
  const tetragon = formatByName('tetragon')!;
  const alerts: Alert[] = [];
  for (const scenario of loadScenarios()) {
    const config = parseConfig(scenario.config ?? {});
    const correlator = createCorrelator(config.correlator, config.allowlist, {
      logger: silentLogger(),
      metrics: createMetrics(),
      clock: { now: () => 0 },
      resolveHost: null,
    });
    const events = generateScenario(scenario)
      .tetragon.map((line) => tetragon.normalize(JSON.parse(line) as Record<string, unknown>, { node: 'n' }))
      .filter((e): e is NormalizedEvent => e !== null);
    if (withGap && events.length > 1) {
      const first = events[1]!;
      events.splice(2, 0, {
        kind: 'gap',
        time: first.time,
        timeMs: first.timeMs,
        source: first.source,
        node: first.node,
        gap: { dropped: 10, reason: 'sensor_rate_limit' },
      });
    }
    alerts.push(...correlator.ingest(events), ...correlator.flush());
  }
  return alerts;
}

describe('ADS response playbook', () => {
  const openers = playbookOpeners();
  const alerts = [...alertsOf(false), ...alertsOf(true)];
  const steps = alerts.flatMap((a) => a.response);

  it('lists the steps as bold openers', () => {
    expect(openers.length).toBeGreaterThanOrEqual(5);
    expect(alerts.some((a) => a.degraded)).toBe(true);
  });

  it('covers every response step the engine emits', () => {
    const uncovered = [
      ...new Set(steps.filter((s) => !openers.some((o) => s.startsWith(o))).map((s) => s.slice(0, 60))),
    ];
    expect(uncovered).toEqual([]);
  });

  it('describes no step the engine never emits', () => {
    const unused = openers.filter((o) => !steps.some((s) => s.startsWith(o)));
    expect(unused).toEqual([]);
  });
});
