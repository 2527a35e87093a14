/**
 * The correlator: "bulk or sensitive reads, then a push", per container, on event time (issue 4).
 * Surface: createCorrelator(config, allowlist, deps) → Correlator. See docs/detection.md for the behaviour.
 */

import { errorMessage } from '../errors.js';
import { compileAllowlist } from './allowlist.js';
import type { AllowlistEntry } from './allowlist-schema.js';
import type { CorrelatorConfig } from './config.js';
import { createDnsResolver } from './destinations.js';
import { CorrelationEngine } from './engine.js';
import { PodSecretReads } from './pod-secret-reads.js';
import type { Correlator, CorrelatorDeps } from './types.js';

export { createDnsResolver, type HostResolver } from './destinations.js';
export { REDACTED, redact } from './redact.js';
export type { Correlator, CorrelatorDeps, PodSecretLookup, SecretMountPaths } from './types.js';

/** The Correlator plus the destination resolver's lifecycle (live mode). */
export interface CorrelatorEngine extends Correlator {
  /** Resolves the configured forge/registry hostnames now (also done periodically in live mode). Never rejects. */
  refreshDestinations(): Promise<void>;
  /** Stops the periodic DNS refresh and cancels the lookups in flight. */
  close(): void;
}

export function createCorrelator(
  config: CorrelatorConfig,
  allowlist: AllowlistEntry[],
  deps: CorrelatorDeps,
): CorrelatorEngine {
  const podSecrets = deps.podSecrets ? new PodSecretReads(deps.podSecrets, config.reads.notSensitivePaths) : null;
  const engine = new CorrelationEngine(config, compileAllowlist(allowlist), deps.logger, deps.metrics, podSecrets);
  const refreshMs = config.destinations.dnsRefreshMs;
  // undefined → the system resolver, started lazily by the first advance() (live mode only: offline scans
  // and replays never query DNS); null → never resolve.
  const system = deps.resolveHost === undefined ? createDnsResolver(config.destinations.dnsTimeoutMs) : null;
  const resolve = system ?? deps.resolveHost ?? null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const refreshDestinations = async (): Promise<void> => {
    if (resolve === null) return;
    try {
      await engine.classifier.refresh(resolve, deps.logger, () => closed);
    } catch (err) {
      deps.logger.warn({ err: errorMessage(err) }, 'destination DNS refresh failed');
    }
  };
  const startDns = () => {
    if (timer !== null || closed || resolve === null || refreshMs <= 0) return;
    void refreshDestinations();
    timer = setInterval(() => void refreshDestinations(), refreshMs);
    timer.unref();
  };

  return {
    ingest: (batch) => engine.ingest(batch),
    advance: (nowMs) => {
      startDns();
      return engine.advance(nowMs);
    },
    flush: () => engine.flush(),
    trackedContainers: () => engine.trackedContainers(),
    refreshDestinations,
    close: () => {
      closed = true;
      if (timer !== null) clearInterval(timer);
      timer = null;
      system?.cancel();
    },
  };
}
