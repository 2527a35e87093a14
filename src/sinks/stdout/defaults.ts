/**
 * The stdout section's delivery-queue defaults, free of zod: the schema (config.ts) declares them, and `run`'s
 * fallback stdout sink (src/cli/run-sinks.ts), added after validation, gets the same ones.
 */
import { DEFAULT_SINK_QUEUE_CAPACITY, type SinkWhenFull } from '../types.js';

/** A log pipeline's reader that stops reading must not blind the responders' channel (NATS). */
export const STDOUT_WHEN_FULL: SinkWhenFull = 'drop';

export const STDOUT_QUEUE_DEFAULTS = { queueCapacity: DEFAULT_SINK_QUEUE_CAPACITY, whenFull: STDOUT_WHEN_FULL };
