import type { Alert } from '../model/alert.js';
import type { Clock } from '../model/clock.js';
import type { NormalizedEvent } from '../model/normalized-event.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { HostResolver } from './destinations.js';

export interface CorrelatorDeps {
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  /**
   * Resolves forge/registry hostnames to IPs. Omitted: the system resolver, started by the first
   * advance() (live mode). null: never resolve (tests, offline replays).
   */
  resolveHost?: HostResolver | null;
  /** The secret mounts of this node's pods, learned from the API server (src/kubernetes/); absent: none known. */
  podSecrets?: PodSecretLookup | null;
}

/** Where a container's secrets are mounted, by the pod spec (src/kubernetes/pod-mounts.ts SecretMounts). */
export interface SecretMountPaths {
  /** Directories, each ending in `/`. */
  readonly dirs: readonly string[];
  /** Single files (`subPath` mounts). */
  readonly files: readonly string[];
}

/** What the correlator asks of the pod table: changed when `generation` has. */
export interface PodSecretLookup {
  readonly generation: number;
  /** null: no secret mount known for it; `container` null: the sensor did not name it (any of the pod's). */
  mountsOf(namespace: string, pod: string, container: string | null): SecretMountPaths | null;
}

/**
 * "Bulk or sensitive reads, then a push", per container, on event time. Synchronous and single-threaded
 * by design: it is the hot path, and alerts it returns are handed to the blocking alert queue.
 */
export interface Correlator {
  /** Feeds a batch in arrival order; returns the alerts that became final. */
  ingest(batch: readonly NormalizedEvent[]): Alert[];
  /** Time passes without events (wall clock in live mode): lateness windows close, state expires. */
  advance(nowMs: number): Alert[];
  /** End of input (scan, shutdown): judge everything still pending. */
  flush(): Alert[];
  /** Containers with state held (exfilwatch_tracked_containers). */
  trackedContainers(): number;
  /** Releases what runs beside the events (DNS lookups): the app calls it once the pipeline has ended. */
  close?(): void;
}
