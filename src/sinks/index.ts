/** Every sink type exfilwatch knows. Adding one = its folder + one line here. */
import { natsSinkDefinition } from './nats/index.js';
import { stdoutSinkDefinition } from './stdout/index.js';
import type { SinkDefinition } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: each entry carries its own config type.
export const sinkDefinitions: ReadonlyArray<SinkDefinition<any>> = [natsSinkDefinition, stdoutSinkDefinition];
