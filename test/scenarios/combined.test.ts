/**
 * What the demo does: every demo scenario plus the benign background traffic, interleaved into one stream
 * per sensor form. State is per container, so the combined stream must raise exactly the union of the
 * scenarios' expected alerts — and the background alone must raise nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/scan.js';
import { parseConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/model/clock.js';
import {
  expandScenario,
  expectedFor,
  generateBackground,
  loadScenarios,
  mergeTimelines,
  renderFalco,
  renderTetragon,
  type SensorForm,
} from '../../src/scenarios/index.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { Capture } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-combined-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const demo = loadScenarios().filter((s) => s.demo);
const allowlist = demo.flatMap((s) => (s.config?.allowlist as unknown[] | undefined) ?? []);
const config = parseConfig({ allowlist, correlator: { destinations: { dnsRefreshMs: 0 } } });

async function scanLines(lines: string[], name: string) {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const stdout = new Capture();
  const deps = { logger: silentLogger(), metrics: createMetrics(), clock: systemClock, node: 'scan-node' };
  const summary = await scan(config, deps, {
    paths: [path],
    format: 'auto',
    stdout,
    stderr: new Capture(),
    progressIntervalMs: 0,
  });
  const alerts = stdout.text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return { alerts, summary };
}

const render = (form: SensorForm) => (form === 'tetragon' ? renderTetragon : renderFalco);

describe.each(['tetragon', 'falco'] as SensorForm[])('%s form', (form) => {
  it('background traffic alone raises nothing', async () => {
    const { alerts, summary } = await scanLines(
      render(form)(generateBackground({ durationMs: 240_000 })),
      `bg.${form}.jsonl`,
    );
    expect(summary.events).toBeGreaterThan(100);
    expect(summary.containers).toBeGreaterThanOrEqual(5);
    expect(alerts).toEqual([]);
  });

  it('all demo scenarios interleaved with background raise exactly the union of their expected alerts', async () => {
    const timelines = demo.map((s) => expandScenario(s));
    const merged = mergeTimelines([...timelines, generateBackground({ durationMs: 240_000 })]);
    const { alerts } = await scanLines(render(form)(merged), `all.${form}.jsonl`);
    const refOf = (id: string) => {
      for (const [i, t] of timelines.entries()) {
        const c = t.containers.find((x) => x.id?.startsWith(id));
        if (c) return `${demo[i]!.name}/${c.ref}`;
      }
      return `unknown/${id}`;
    };
    const seen = alerts.map((a) => `${refOf(a.container.id)} ${a.rule} ${a.severity}`).sort();
    const expected = demo
      .flatMap((s) => expectedFor(s, form).map((e) => `${s.name}/${e.container} ${e.rule} ${e.severity}`))
      .sort();
    expect(seen).toEqual(expected);
  });
});
