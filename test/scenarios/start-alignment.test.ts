/**
 * End to end through the scan path: scenarios whose pushing process keeps reading after the push's settle
 * time, generated at sub-minute start offsets, must give the same alerts and read totals whatever the
 * alignment of their start with the read buckets (one minute) — a start of 11:06:40 used to drop
 * python-requests-upload from high to medium.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/scan.js';
import { systemClock } from '../../src/model/clock.js';
import { expectedFor, generateScenario, loadScenarios, type SensorForm } from '../../src/scenarios/index.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { Capture, scenarioConfig } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-align-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = ['python-requests-upload', 'kubectl-cp-tar-out', 'benign-ci-kaniko-no-allowlist'];
const BASE_MS = Date.parse('2026-03-02T11:06:00Z');
const OFFSETS_MS = [0, 20_000, 40_000, 59_900];
const scenarios = loadScenarios().filter((s) => NAMES.includes(s.name));

describe.each(['tetragon', 'falco'] as SensorForm[])('%s form', (form) => {
  it.each(NAMES)('%s: same alerts at start offsets 0 s, 20 s, 40 s and 59.9 s', async (name) => {
    const s = scenarios.find((x) => x.name === name);
    expect(s, name).toBeDefined();
    if (!s) return;
    const seen: string[][] = [];
    for (const offset of OFFSETS_MS) {
      const path = join(dir, `${name}.${offset}.${form}.jsonl`);
      writeFileSync(path, `${generateScenario(s, { startMs: BASE_MS + offset })[form].join('\n')}\n`);
      const stdout = new Capture();
      await scan(
        scenarioConfig(s),
        { logger: silentLogger(), metrics: createMetrics(), clock: systemClock, node: 'scan-node' },
        { paths: [path], format: 'auto', stdout, stderr: new Capture(), progressIntervalMs: 0 },
      );
      seen.push(
        stdout.text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
          .map((a) => `${a.rule} ${a.severity} ${a.reads.bytes} ${a.reads.files}`),
      );
    }
    const expected = expectedFor(s, form).map((e) => `${e.rule} ${e.severity}`);
    expect(seen[0]?.map((a) => a.split(' ').slice(0, 2).join(' '))).toEqual(expected);
    for (const alerts of seen) expect(alerts).toEqual(seen[0]);
  });
});
