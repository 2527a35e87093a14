/** Alerts as JSON lines on stdout (`--alerts-stdout`, log-based pipelines): the sink, its schema and definition. */
import type { SinkDefinition } from '../types.js';
import { type StdoutSinkConfig, stdoutSinkConfigSchema } from './config.js';
import { stdoutSinkFactory } from './factory.js';

export { type StdoutSinkConfig, stdoutSinkConfigSchema } from './config.js';
export { stdoutSinkFactory } from './factory.js';
export { createStdoutSink } from './sink.js';

export const stdoutSinkDefinition: SinkDefinition<StdoutSinkConfig> = {
  ...stdoutSinkFactory,
  schema: stdoutSinkConfigSchema,
};
