/** The runtime half of the stdout sink: no schema here, so the daemon's module graph never loads zod. */
import type { SinkFactory } from '../types.js';
import type { StdoutSinkConfig } from './config.js';
import { createStdoutSink } from './sink.js';

export const stdoutSinkFactory: SinkFactory<StdoutSinkConfig> = {
  type: 'stdout',
  configKey: 'stdout',
  enabledByDefault: false,
  // `enabled: false` is honoured by the pipeline builder, which then builds no sink at all.
  create: (_config, deps) => createStdoutSink(process.stdout, deps),
};
