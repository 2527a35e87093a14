/** The NATS JetStream alert sink: config schema, the sink, and its spool. */
import type { SinkDefinition } from '../types.js';
import { type NatsSinkConfig, natsSinkConfigSchema } from './config.js';
import { natsFileProblems } from './connect-options.js';
import { natsSinkFactory } from './factory.js';

export { type NatsSinkConfig, natsSinkConfigSchema, parseNatsUrl } from './config.js';
export { natsFileProblems } from './connect-options.js';
export { natsSinkFactory } from './factory.js';
export { createNatsSink, type NatsSink, natsSubject } from './sink.js';
export { SPOOL_FILE, Spool, type SpoolEntry } from './spool.js';

export const natsSinkDefinition: SinkDefinition<NatsSinkConfig> = {
  ...natsSinkFactory,
  schema: natsSinkConfigSchema,
  fileProblems: natsFileProblems,
};
