/**
 * The configuration every measured pipeline runs with: defaults, except that nothing leaves loopback
 * (no DNS refresh of forge hostnames, no stdout or NATS sink; the bench collects alerts itself).
 *
 * Loaded the way `exfilwatch run` loads its config: a config file validated in a short-lived child process
 * (src/cli/run-config-isolated.ts), so a measured child holds what the daemon holds — not zod and the
 * schemas, which the daemon never loads (~12 MB of RSS in the memory row).
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppDeps } from '../../src/app.js';
import { loadRunConfigIsolated } from '../../src/cli/run-config-isolated.js';
import type { ExfilwatchConfig } from '../../src/config/schema.js';
import { systemClock } from '../../src/model/clock.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { BENCH_NODE } from '../workload/constants.js';

/** Sources are built by the bench itself (wrapped by its probe), so the config names none. */
export function benchConfig(): ExfilwatchConfig {
  const raw = {
    node: BENCH_NODE,
    logLevel: 'silent',
    correlator: {
      destinations: { dnsRefreshMs: 0 },
      // Experiments only (BENCH_CORRELATOR_CAPS='{"maxFilesPerContainer":16}'): the reported runs use defaults.
      ...(process.env.BENCH_CORRELATOR_CAPS ? { caps: JSON.parse(process.env.BENCH_CORRELATOR_CAPS) } : {}),
    },
    sinks: { stdout: { enabled: false } },
  };
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-bench-config-'));
  try {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, JSON.stringify(raw)); // JSON is YAML
    // No NATS_URL from the bench's environment: nothing leaves loopback.
    return loadRunConfigIsolated({ config: file }, { ...process.env, NATS_URL: '' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function benchDeps(): AppDeps {
  return { logger: silentLogger(), metrics: createMetrics(), clock: systemClock, node: BENCH_NODE };
}
