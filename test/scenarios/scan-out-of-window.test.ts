/**
 * A read the correlator cannot count for its time (stamped before 1970 here; or older than its container's
 * read buckets keep) is counted in exfilwatch_events_dropped_total{reason="out_of_window"}: a scan, which has
 * no /metrics, says how many in its summary instead of skipping them silently.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/scan.js';
import { parseConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/model/clock.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { tempDir } from '../faults/helpers/daemon.js';
import { attackScenario } from '../faults/helpers/scenario.js';
import { Capture } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('scan: reads out of window', () => {
  it('are counted in the summary, and the attack around them still alerts', async () => {
    const dir = tempDir('exfilwatch-oow-');
    dirs.push(dir);
    const attack = attackScenario({ name: 'oow', startMs: Date.UTC(2026, 0, 1, 12) });
    const lines = [...attack.tetragon];
    const firstRead = lines.findIndex((l) => l.includes('"process_kprobe"'));
    // Two of the container's reads with a broken clock: one second and one day before the epoch.
    for (const [i, time] of [
      [firstRead, '1969-12-31T23:59:59Z'],
      [firstRead + 1, '1969-12-31T00:00:00Z'],
    ] as const) {
      const e = JSON.parse(lines[i]!) as { time: string };
      e.time = time;
      lines[i] = JSON.stringify(e);
    }
    const path = join(dir, 'tetragon.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const stdout = new Capture();
    const stderr = new Capture();
    const metrics = createMetrics();
    const summary = await scan(
      parseConfig({ correlator: { destinations: { dnsRefreshMs: 0 } } }),
      { logger: silentLogger(), metrics, clock: systemClock, node: 'scan-node' },
      { paths: [path], format: 'auto', stdout, stderr, progressIntervalMs: 0 },
    );
    expect(summary.readsOutOfWindow).toBe(2);
    expect(stderr.text).toContain(`events      ${lines.length} (ignored 0, undecodable 0, reads out of window 2)`);
    const alerts = stdout.text.split('\n').filter((l) => l.length > 0);
    expect(alerts.map((l) => (JSON.parse(l) as { severity: string }).severity)).toEqual(['high']);
  });
});
