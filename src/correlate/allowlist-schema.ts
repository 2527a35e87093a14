import { z } from 'zod';
import { destinationPatternSchema } from './config.js';

/** INTERFACES.md: an event's container is exempt when ALL fields given in one entry match. */
export const allowlistEntrySchema = z
  .object({
    namespace: z.string().min(1).optional().describe('Glob on the pod namespace.'),
    pod: z.string().min(1).optional().describe('Glob on the pod name.'),
    image: z.string().min(1).optional().describe('Glob on the image name (`registry/repo:tag`).'),
    binary: z.string().min(1).optional().describe('Glob on the pushing process binary (absolute path).'),
    destination: destinationPatternSchema
      .optional()
      .describe('Push destination: a host glob (`*.corp.example`) or an IP CIDR (`10.20.0.0/16`).'),
    podLabels: z.record(z.string(), z.string()).optional().describe('Pod label globs; every one given must match.'),
    reason: z
      .string()
      .min(1)
      .describe(
        'Required: why this is exempt. Shown in the `push allowlisted` log line and as the `reason` label of exfilwatch_allowlist_matches_total.',
      ),
  })
  .strict()
  .refine((e) => Object.keys(e).some((k) => k !== 'reason'), {
    message: 'an allowlist entry needs at least one field besides reason',
  });

export type AllowlistEntry = z.infer<typeof allowlistEntrySchema>;
