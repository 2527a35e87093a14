import type { z } from 'zod';
import type { DecodeError } from '../errors.js';
import type { Clock } from '../model/clock.js';
import type { NormalizedEvent, SensorSource } from '../model/normalized-event.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics, SourceTypeLabel } from '../telemetry/metrics.js';

/**
 * Where a source delivers. Built by the pipeline (src/pipeline/source-output.ts), which does all the
 * bookkeeping — events_total, drops, decode errors, source_up, reconnect gaps — so no source hand-writes it.
 */
export interface SourceOutput {
  /** Hands one normalized event on. False when it was dropped (queue full); never blocks. */
  offer(event: NormalizedEvent): boolean;
  /**
   * A raw event could not be decoded: counted and logged (rate-limited), never fatal. `sensor` names whose
   * event it was when the source knows better than its type does (a file mixing Tetragon and Falco lines).
   */
  decodeError(error: DecodeError, sensor?: SensorSource): void;
  /** A raw event decoded fine but is not one exfilwatch uses (normalizer returned null). */
  ignored(): void;
  /**
   * Connection state changed. `up=false` after having been up opens a gap; the next `up=true` closes it
   * (a gap marker is offered so alerts spanning it say `degraded`).
   */
  connection(up: boolean, detail?: string): void;
  /**
   * For sources that can pause without losing anything (files): resolves when the event queue has room,
   * so offline input is never dropped. Live sensor streams must not wait on it (they drop and mark).
   */
  waitForRoom(): Promise<void>;
}

export interface SourceDeps {
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  /** This node's name (NODE_NAME or hostname): the default when a sensor event carries none. */
  node: string;
  /**
   * This instance's key path in the config (`sources.falcoHttp[0]`), so a ConfigError the source raises at
   * start names the entry at fault. Absent when a command builds sources itself (scan's files).
   */
  keyPath?: string;
}

/** The synthetic streams a warm-up can feed: Tetragon's (gRPC messages) and Falco's (alert JSON). */
export type WarmUpStream = 'tetragon' | 'falco';

/** A running source. Sources reconnect by themselves, forever, until the signal aborts. */
export interface EventSource {
  /** For logs: type plus address, e.g. `tetragon-grpc unix:///var/run/tetragon/tetragon.sock`. */
  readonly id: string;
  readonly type: SourceTypeLabel;
  /**
   * Runs until `signal` aborts, then resolves after releasing every resource. Rejects only for setup
   * errors that retrying cannot fix (ConfigError: a bad address, a path that isn't a socket…).
   * Finite sources (a file without follow, stdin) resolve when their input ends.
   */
  run(out: SourceOutput, signal: AbortSignal): Promise<void>;
  /**
   * Optional: resolves once `run` is past its set-up (a receiver is bound to its port), so the app's start
   * can wait for it and a set-up failure rejects start-up instead of surfacing after "running". Sources
   * without it do their set-up before their first await (files read, addresses checked).
   */
  readonly started?: Promise<void>;
  /**
   * Optional: senders push to it (a receiver: Falco's http_output), so it runs before the app's start-up
   * warm-up: a post refused meanwhile would be an alert lost (Falco does not retry one), while what it takes
   * only waits in the event queue until the warm-up is over.
   */
  readonly pushedTo?: boolean;
  /**
   * Optional: the wire format of a live stream whose per-event code the app's start-up warm-up runs through
   * (src/warm-up) before the stream starts: a sensor streams at once and hard from its first second. Files
   * are read offline, judged by throughput, and declare none; a daemon none of whose sources declares one
   * does not warm up.
   */
  readonly warmUpStream?: WarmUpStream;
  /**
   * Optional: get the source's own per-message machinery (a transport in a thread of its own, say) past
   * its cold start before `run`, within `budgetMs`. Called by the app's start-up warm-up, at the same time
   * as its own (src/warm-up), and only when that is on. Never rejects: a warm-up that fails is logged and
   * `run` starts cold.
   */
  warmUp?(budgetMs: number): Promise<void>;
}

/**
 * The runtime half of a source type: what the daemon builds sources with (the registry in
 * src/sources/index.ts). It holds no schema, so the daemon's long-lived module graph never loads zod and
 * the schemas (~25 MB of RSS): the config it gets is validated on the config side (src/config/).
 */
export interface SourceFactory<Config = unknown> {
  type: SourceTypeLabel;
  /** Key under `sources:` in the config file; its value is an array of instance configs. */
  configKey: string;
  create(config: Config, deps: SourceDeps): EventSource;
}

/** A source type with its config schema: a folder's index.ts exports one; the config side's registry lists them (src/sources/schemas.ts). */
export interface SourceDefinition<Config = unknown> extends SourceFactory<Config> {
  /** One instance's config. Fields carry descriptions and defaults (CONFIGURATION.md is generated). */
  schema: z.ZodType<Config>;
  /**
   * Cheap checks of files the config names (certificates, secrets), for check-config and run's start-up,
   * like SinkDefinition's. Key paths are relative to the instance's config object.
   */
  fileProblems?(config: Config): Array<{ keyPath: string; message: string }>;
  /**
   * The sensor endpoint an instance reads (socket, file, listen address), as a comparable id, and the key
   * that names it. Two instances with one endpoint are a config error: two readers of one stream would put
   * every event into the pipeline twice and double the reads a push is judged on. `id` null: no two instances
   * share it (a listen address with port 0 gets its own ephemeral port).
   */
  endpoint(config: Config): { keyPath: string; id: string | null };
}
