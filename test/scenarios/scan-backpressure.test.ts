/**
 * Offline input is never dropped: with an event queue much smaller than the input (but larger than one
 * read chunk of lines), scan pauses reading
 * until the correlator catches up, so every line is delivered and nothing is counted as queue_full.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { scan } from '../../src/cli/scan.js';
import { parseConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/model/clock.js';
import { generateBackground, renderTetragon } from '../../src/scenarios/index.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { Capture } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-bp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('delivers every event of an input much larger than the event queue', async () => {
  const lines = renderTetragon(generateBackground({ durationMs: 1_800_000, periodS: 4 }));
  const path = join(dir, 'big.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  const metrics = createMetrics();
  const config = parseConfig({
    pipeline: { eventQueueCapacity: 2048 },
    correlator: { destinations: { dnsRefreshMs: 0 } },
  });
  const summary = await scan(
    config,
    { logger: silentLogger(), metrics, clock: systemClock, node: 'n' },
    { paths: [path], format: 'tetragon', stdout: new Capture(), stderr: new Capture(), progressIntervalMs: 0 },
  );
  expect(lines.length).toBeGreaterThan(4 * 2048);
  expect(summary.events).toBe(lines.length);
  const dropped = (await metrics.eventsDropped.get()).values.find((v) => v.labels.reason === 'queue_full');
  expect(dropped?.value ?? 0).toBe(0);
});
