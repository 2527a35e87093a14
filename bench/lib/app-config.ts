/**
 * The configuration every measured pipeline runs with: defaults, except that nothing leaves loopback
 * (no DNS refresh of forge hostnames, no stdout or NATS sink; the bench collects alerts itself).
 */

import type { AppDeps } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import type { ExfilwatchConfig } from '../../src/config/schema.js';
import { systemClock } from '../../src/model/clock.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { BENCH_NODE } from '../workload/constants.js';

/** Sources are built by the bench itself (wrapped by its probe), so the config names none. */
export function benchConfig(): ExfilwatchConfig {
  return parseConfig({
    node: BENCH_NODE,
    logLevel: 'silent',
    correlator: {
      destinations: { dnsRefreshMs: 0 },
      // Experiments only (BENCH_CORRELATOR_CAPS='{"maxFilesPerContainer":16}'): the reported runs use defaults.
      ...(process.env.BENCH_CORRELATOR_CAPS ? { caps: JSON.parse(process.env.BENCH_CORRELATOR_CAPS) } : {}),
    },
    sinks: { stdout: { enabled: false } },
  });
}

export function benchDeps(): AppDeps {
  return { logger: silentLogger(), metrics: createMetrics(), clock: systemClock, node: BENCH_NODE };
}
