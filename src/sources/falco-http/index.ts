/** `falco-http`: receives Falco `http_output` POSTs (and falcosidekick-style forwards) on a node-local port. */
import type { SourceDefinition } from '../types.js';
import { type FalcoHttpConfig, falcoHttpConfigSchema } from './config.js';
import { falcoHttpFactory } from './factory.js';

export { type FalcoHttpConfig, falcoHttpConfigSchema } from './config.js';
export { createFalcoHttpSource, type FalcoHttpSource, falcoHttpFactory } from './factory.js';

export const falcoHttpSource: SourceDefinition<FalcoHttpConfig> = {
  ...falcoHttpFactory,
  schema: falcoHttpConfigSchema,
};
