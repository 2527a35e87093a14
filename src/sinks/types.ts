import type { z } from 'zod';
import type { Alert } from '../model/alert.js';
import type { Clock } from '../model/clock.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';

/**
 * Bound of a sink's delivery queue in the pipeline (src/pipeline/sink-delivery.ts): the default of every sink
 * section's `queueCapacity`, and the bound of sinks built without config (demo's printer, scan's stdout).
 */
export const DEFAULT_SINK_QUEUE_CAPACITY = 1024;

/**
 * What a sink's full delivery queue does with a new alert (every sink section's `whenFull`): `block` the
 * producer (the fan-out, and through it the correlator) until the sink takes one, or `drop` the alert for
 * that sink only, counted. A sink that must not lose alerts blocks (NATS: its spool is its buffer); one
 * that must not blind the others drops (stdout).
 */
export type SinkWhenFull = 'block' | 'drop';

/** Three-way delivery verdict (OpenTelemetry exporter style); retry and backoff are wrappers written once. */
export type SinkResult =
  | { status: 'ok' }
  | { status: 'retryable'; error: Error; delayMs?: number }
  | { status: 'failed'; error: Error };

export interface SinkDeps {
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  /** This node's name (connection names, logs). */
  node?: string;
  /**
   * The caller removes the sinks' on-disk spool when the process ends (the demo's private spool): what is
   * left in it at stop is lost, not delivered at the next start, and the sink's stop warning says so.
   */
  spoolDiscardedAtExit?: boolean;
}

export interface AlertSink {
  /** Metric label (`sink`): fixed per type, e.g. `nats`, `stdout`. */
  readonly name: string;
  /** Connects / prepares; rejects for setup errors (bad credentials file, bad URL). */
  start(): Promise<void>;
  send(alert: Alert): Promise<SinkResult>;
  /** Waits until everything accepted so far is delivered or durably spooled, bounded by `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The runtime half of a sink type: what the daemon builds sinks with (the registry in src/sinks/index.ts).
 * It holds no zod schema, so the daemon's long-lived module graph never loads zod: the config it gets is
 * validated on the config side (src/config/), where every section carries its defaults.
 */
export interface SinkFactory<Config = unknown> {
  type: string;
  /** Key under `sinks:` in the config file. */
  configKey: string;
  /** Whether the sink is on when its key is absent from the config file. */
  enabledByDefault: boolean;
  create(config: Config, deps: SinkDeps): AlertSink;
}

/** A sink type with its config schema: the config side's registry lists them (src/sinks/schemas.ts). */
export interface SinkDefinition<Config = unknown> extends SinkFactory<Config> {
  schema: z.ZodType<Config>;
  /**
   * Cheap checks of files the config names (credentials, certificates), for check-config and start-up.
   * Key paths are relative to the sink's config object.
   */
  fileProblems?(config: Config): Array<{ keyPath: string; message: string }>;
}
