/**
 * `exfilwatch scan … | head -1`: the reader goes away after the first alert. Every later line fails (EPIPE) and
 * is counted; the summary's alert count stays what the detection raised, and says how many never reached stdout
 * (it said only "alerts 998" when 997 were never written).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { scan } from '../../src/cli/scan.js';
import { parseConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/model/clock.js';
import { expandScenario, loadScenarios, mergeTimelines, renderTetragon } from '../../src/scenarios/index.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { Capture } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-closed-stdout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Takes one line, then fails every write as a closed pipe does. */
class OneLineThenClosed extends Writable {
  lines = 0;
  override _write(_chunk: Buffer, _enc: string, done: (err?: Error | null) => void): void {
    if (this.lines++ === 0) done();
    else done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  }
}

it('says in its summary how many alerts stdout never took', async () => {
  const demo = loadScenarios().filter((s) => s.demo);
  const path = join(dir, 'attacks.jsonl');
  writeFileSync(path, `${renderTetragon(mergeTimelines(demo.map((s) => expandScenario(s)))).join('\n')}\n`);
  const stdout = new OneLineThenClosed();
  stdout.on('error', () => undefined);
  const stderr = new Capture();
  const summary = await scan(
    parseConfig({ correlator: { destinations: { dnsRefreshMs: 0 } } }),
    { logger: silentLogger(), metrics: createMetrics(), clock: systemClock, node: 'n' },
    { paths: [path], format: 'tetragon', stdout, stderr, progressIntervalMs: 0 },
  );
  expect(summary.alerts).toBeGreaterThan(10);
  expect(summary.alertsNotWritten).toBe(summary.alerts - 1);
  expect(stderr.text).toContain(`; ${summary.alerts - 1} not written to stdout (its reader went away)`);
});
