/**
 * Both sensors on one node: Tetragon's and Falco's reports of the same activity, interleaved by event time as
 * one daemon fed by both sees them, raise the alerts one sensor raises: one per push, byte totals as one
 * sensor counted them (they were summed: a bulk read counted twice, a moderate read made "bulk"), evidence
 * not repeated; where only one sensor sees something (mapped files: Tetragon), the alert has it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/scan.js';
import type { Alert } from '../../src/model/alert.js';
import { systemClock } from '../../src/model/clock.js';
import { interleaveByTime, loadScenarios } from '../../src/scenarios/index.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { alertView, generatedLines } from '../helpers/dual-sensor.js';
import { Capture, scenarioConfig } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-dual-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scenarios = loadScenarios();

async function scanLines(name: string, lines: readonly string[]): Promise<Alert[]> {
  const s = scenarios.find((x) => x.name === name)!;
  const path = join(dir, `${name}.${lines.length}.jsonl`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const stdout = new Capture();
  const deps = { logger: silentLogger(), metrics: createMetrics(), clock: systemClock, node: 'scan-node' };
  await scan(scenarioConfig(s), deps, { paths: [path], format: 'auto', stdout, stderr: new Capture(), threads: 0 });
  return stdout.text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Alert);
}

describe.each([
  ['git-push-https-bulk-read', 'bulk-read-then-push', 123_731_968],
  ['sa-token-git-push', 'sensitive-read-then-push', 1102],
  ['archive-staging-then-push', 'push-after-moderate-reads', 41_943_040],
])('%s seen by both sensors', (name, rule, bytes) => {
  it.each([
    ['Tetragon', 'tetragon'],
    ['Falco', 'falco'],
  ] as const)('raises the alert one sensor raises, whichever reports first (%s on ties)', async (_label, first) => {
    const t = generatedLines(name, 'tetragon');
    const f = generatedLines(name, 'falco');
    const alone = await scanLines(name, t);
    expect(alertView(alone)).toEqual(alertView(await scanLines(name, f)));
    expect(alone.map((a) => [a.rule, a.reads.bytes])).toEqual([[rule, bytes]]);
    const both = await scanLines(name, first === 'tetragon' ? interleaveByTime(t, f) : interleaveByTime(f, t));
    expect(alertView(both)).toEqual(alertView(alone));
    // The alert carries the sensor whose exec of the push came first.
    expect(both.map((a) => a.source)).toEqual([first]);
  });
});

describe('a push of mapped files (git hashes files over 32 KiB through mmap)', () => {
  it('counts the mapped sizes only Tetragon measures, once, beside what Falco reads', async () => {
    const name = 'git-push-mmap-large-files';
    const t = generatedLines(name, 'tetragon');
    const f = generatedLines(name, 'falco');
    const tetragon = alertView(await scanLines(name, t));
    expect(alertView(await scanLines(name, f)).map((a) => a.rule)).toEqual(['bulk-push-without-reads']);
    expect(alertView(await scanLines(name, interleaveByTime(f, t)))).toEqual(tetragon);
    expect(alertView(await scanLines(name, interleaveByTime(t, f)))).toEqual(tetragon);
  });
});

describe('a read through /proc/self/root (Falco names the link, Tetragon the file)', () => {
  it('counts each file once with both sensors, as either alone counts it', async () => {
    const name = 'proc-root-path-tar-to-curl';
    const t = generatedLines(name, 'tetragon');
    const f = generatedLines(name, 'falco');
    const alone = alertView(await scanLines(name, t));
    expect(alone.map((a) => a.files)).toEqual(alertView(await scanLines(name, f)).map((a) => a.files));
    expect(alertView(await scanLines(name, interleaveByTime(t, f))).map((a) => [a.files, a.bytes])).toEqual(
      alone.map((a) => [a.files, a.bytes]),
    );
  });
});
