/** Config of the stdout sink (`sinks.stdout`; `--alerts-stdout` turns it on). Config side only: see SinkFactory. */
import { z } from 'zod';
import { sinkQueueCapacitySchema, sinkWhenFullSchema } from '../queue-config.js';
import { STDOUT_WHEN_FULL } from './defaults.js';

export const stdoutSinkConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Write alerts as JSON lines on stdout. On when this section is present or `--alerts-stdout` is given; `run` ' +
          'also turns it on, with a warning, when no other sink is configured, so no alert goes nowhere. `false` ' +
          'with no other sink is a config error.',
      ),
    queueCapacity: sinkQueueCapacitySchema,
    whenFull: sinkWhenFullSchema(STDOUT_WHEN_FULL),
  })
  .strict();
export type StdoutSinkConfig = z.infer<typeof stdoutSinkConfigSchema>;
