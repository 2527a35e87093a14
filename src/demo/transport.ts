import type { EventSource } from '../sources/types.js';

/**
 * How replayed lines reach the pipeline: a simulated sensor plus the real source that consumes it, wired
 * exactly as `run` wires a node's sensor.
 */
export interface ReplayTransport {
  /** The real exfilwatch source the app runs (tetragon-grpc or falco-http). */
  readonly source: EventSource;
  /** One line for the banner: what talks to what. */
  describe(): string;
  /** Resolves once the simulated sensor can take events and the source will receive them. */
  ready(): Promise<void>;
  /** Delivers a batch of JSON lines, in order; resolves when the sensor side has handed them over. */
  send(batch: readonly string[]): Promise<void>;
  /** Lines the sensor side could not hand over (e.g. HTTP 503 from a full queue). */
  refused(): number;
  close(): Promise<void>;
}
