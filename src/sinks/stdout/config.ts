/** Config of the stdout sink (`sinks.stdout`; `--alerts-stdout` turns it on). Config side only: see SinkFactory. */
import { z } from 'zod';

export const stdoutSinkConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Write alerts as JSON lines on stdout. `--alerts-stdout` turns this on.'),
  })
  .strict();
export type StdoutSinkConfig = z.infer<typeof stdoutSinkConfigSchema>;
