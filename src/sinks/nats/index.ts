/** The NATS JetStream alert sink: config schema, the sink, and its spool. */
import type { SinkDefinition } from '../types.js';
import { type NatsSinkConfig, natsSinkConfigSchema } from './config.js';
import { natsFileProblems } from './connect-options.js';
import { createNatsSink } from './sink.js';

export { type NatsSinkConfig, natsSinkConfigSchema, parseNatsUrl } from './config.js';
export { natsFileProblems } from './connect-options.js';
export { createNatsSink, type NatsSink, natsSubject } from './sink.js';
export { SPOOL_FILE, Spool, type SpoolEntry } from './spool.js';

export const natsSinkDefinition: SinkDefinition<NatsSinkConfig> = {
  type: 'nats',
  configKey: 'nats',
  schema: natsSinkConfigSchema,
  enabledByDefault: false,
  create: (config, deps) => createNatsSink(config, deps),
  fileProblems: natsFileProblems,
};
