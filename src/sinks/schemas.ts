/**
 * Every sink type with its config schema and file checks, for the config side only (src/config/: validation,
 * check-config and CONFIGURATION.md). Same types, in the same order, as the daemon's registry in index.ts.
 */
import { natsSinkDefinition } from './nats/index.js';
import { stdoutSinkDefinition } from './stdout/index.js';
import type { SinkDefinition } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: each entry carries its own config type.
export const sinkSchemaDefinitions: ReadonlyArray<SinkDefinition<any>> = [natsSinkDefinition, stdoutSinkDefinition];
