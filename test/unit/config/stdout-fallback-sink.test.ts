/**
 * `exfilwatch run` with no sink configured sends alerts to stdout (src/cli/run-sinks.ts). That stdout sink must
 * be the documented one: its delivery queue drops when full (`whenFull: drop`, counted), as `--alerts-stdout`
 * or a `sinks.stdout: {}` section gives. Added after validation without the schema's defaults, it got `block`.
 */
import { describe, expect, it } from 'vitest';
import { ensureAlertSink } from '../../../src/cli/run-sinks.js';
import { parseConfig } from '../../../src/config/load.js';
import { buildSinks } from '../../../src/sinks/build.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';

const deps = () => ({ logger: silentLogger(), metrics: createMetrics(), clock: { now: () => Date.now() } });
const queueOf = (config: ReturnType<typeof parseConfig>) =>
  buildSinks(config.sinks, deps()).map((q) => ({ sink: q.sink.name, capacity: q.queueCapacity, whenFull: q.whenFull }));

describe('the stdout sink `run` falls back to when no sink is configured', () => {
  it('has the stdout section defaults: its full queue drops, as a configured stdout sink does', () => {
    const configured = parseConfig({ sinks: { stdout: {} } });
    const fallback = parseConfig({});
    expect(ensureAlertSink(fallback)).toBe('stdout-fallback');
    expect(queueOf(fallback)).toEqual(queueOf(configured));
    expect(queueOf(fallback)).toEqual([{ sink: 'stdout', capacity: 1024, whenFull: 'drop' }]);
  });
});
