/**
 * PLACEHOLDER until the correlator lands (issue 4): passes no alerts. Its surface is fixed:
 * createCorrelator(config, allowlist, deps) → Correlator (see ./types.ts).
 */
import type { AllowlistEntry } from './allowlist-schema.js';
import type { CorrelatorConfig } from './config.js';
import type { Correlator, CorrelatorDeps } from './types.js';

export type { Correlator, CorrelatorDeps } from './types.js';

export function createCorrelator(_config: CorrelatorConfig, _allowlist: AllowlistEntry[], _deps: CorrelatorDeps): Correlator {
  return { ingest: () => [], advance: () => [], flush: () => [], trackedContainers: () => 0 };
}
