import { z } from 'zod';
import { MAX_WAIT_MESSAGE, MAX_WAIT_MS } from '../../config/max-wait.js';

export const tetragonFileConfigSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .default('/var/run/cilium/tetragon/tetragon.log')
      .describe(
        'Tetragon JSON export file to follow (Helm ≤ v1.7: /var/run/cilium/tetragon/tetragon.log; tarball and newer Helm: /var/log/tetragon/tetragon.log). Rotation and truncation are handled.',
      ),
    startAt: z
      .enum(['end', 'start'])
      .default('end')
      .describe('Where to begin in the file that exists at start-up: `end` (only new events) or `start` (replay it).'),
    pollIntervalMs: z
      .number()
      .int()
      .min(10)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(250)
      .describe('How often to check for new data, rotation and truncation when the file is idle.'),
    maxLineBytes: z
      .number()
      .int()
      .min(1024)
      .default(4 * 1024 * 1024)
      .describe('Lines longer than this are skipped and counted as decode errors, never buffered whole.'),
  })
  .strict();

export type TetragonFileConfig = z.infer<typeof tetragonFileConfigSchema>;
