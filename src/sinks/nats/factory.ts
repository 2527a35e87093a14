/** The runtime half of the NATS sink: no schema here, so the daemon's module graph never loads zod. */
import type { SinkFactory } from '../types.js';
import type { NatsSinkConfig } from './config.js';
import { createNatsSink } from './sink.js';

export const natsSinkFactory: SinkFactory<NatsSinkConfig> = {
  type: 'nats',
  configKey: 'nats',
  enabledByDefault: false,
  create: (config, deps) => createNatsSink(config, deps),
};
