import { z } from 'zod';
import { repositoryPathProblem } from './allowlist-paths.js';
import { destinationPatternProblem, ipShaped } from './destinations.js';

/**
 * A host glob, an IP CIDR, or HOST/PATH-GLOB (./allowlist-paths.ts): a `/` after a host (not an IP) starts a
 * repository path, so an old value keeps its meaning and a CIDR with a path is an error, not a glob.
 */
const allowlistDestinationSchema = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    const slash = value.indexOf('/');
    const before = slash < 0 ? value : value.slice(0, slash);
    const problem =
      slash >= 0 && !ipShaped(before)
        ? repositoryPathProblem(value)
        : slash >= 0 && value.indexOf('/', slash + 1) >= 0
          ? `"${value}": an IP CIDR takes no repository path (a path needs a host: \`ghcr.io/acme/*\`)`
          : destinationPatternProblem(value);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `expected a host glob, an IP CIDR or HOST/PATH-GLOB; ${problem}` });
    }
  });

/** INTERFACES.md: an event's container is exempt when ALL fields given in one entry match. */
export const allowlistEntrySchema = z
  .object({
    namespace: z.string().min(1).optional().describe('Glob on the pod namespace.'),
    pod: z.string().min(1).optional().describe('Glob on the pod name.'),
    image: z.string().min(1).optional().describe('Glob on the image name (`registry/repo:tag`).'),
    binary: z.string().min(1).optional().describe('Glob on the pushing process binary (absolute path).'),
    destination: allowlistDestinationSchema
      .optional()
      .describe(
        "Push destination: a host glob (`*.corp.example`), an IP CIDR (`10.20.0.0/16`), or a host glob and repository path glob (`ghcr.io/acme/*`, `registry.gitlab.com/acme/**`) matched on the push's remote. The path form extends the host-or-CIDR value and is backward compatible: a value without a path after a host keeps its meaning. `*` stays within a path segment, `**` crosses them; case, `.git`, tags and digests are ignored; Docker Hub is `docker.io/…` and GitHub's API `github.com/…`; no scheme. `helm push CHART oci://ghcr.io/acme/charts` uploads to `acme/charts/<chart name>`, a name argv does not show: `ghcr.io/acme/charts/*`, `ghcr.io/acme/**` or `ghcr.io/acme/*` match it, an entry naming one chart does not. A push with no remote (by egress only) never matches one. A push whose argv or later steps name several destinations (kaniko's `--destination A --destination B`, buildx's `-t A -t B`, git's rewritten URL) is exempt only when each destination is covered by some entry, host or path, that matches the rest of the push; the alert names one none covers. On a shared forge or registry write the path: a host alone also exempts pushes to other accounts there.",
      ),
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
