import { z } from 'zod';
import { MAX_WAIT_MESSAGE, MAX_WAIT_MS } from '../config/max-wait.js';
import { destinationPatternProblem } from './destinations.js';
import { notSensitivePatternProblem } from './not-sensitive.js';

const MiB = 1024 * 1024;

const ms = (def: number, text: string) => z.number().int().min(0).default(def).describe(text);
/** A duration that also drives a timer (config/max-wait.ts). */
const timerMs = (def: number, text: string) =>
  z.number().int().min(0).max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE }).default(def).describe(text);
const count = (def: number, text: string) => z.number().int().min(1).default(def).describe(text);

export const DEFAULT_FORGES = [
  'github.com',
  'api.github.com',
  'uploads.github.com',
  'gist.github.com',
  'codeload.github.com',
  '*.githubusercontent.com',
  'ssh.github.com',
  'gitlab.com',
  'altssh.gitlab.com',
  'bitbucket.org',
  'api.bitbucket.org',
  'altssh.bitbucket.org',
  'codeberg.org',
  // Gitea's own public instance (red-team review: an upload through its API was no push).
  'gitea.com',
  // Gitee's public forge (its API under /api/v5/, gists too) and SourceHut's git, hg and paste services (a paste
  // is a gist; sign-in is on meta.sr.ht, unclassed): red-team review, an upload to either by curl was no push.
  'gitee.com',
  'git.sr.ht',
  'hg.sr.ht',
  'paste.sr.ht',
  'dev.azure.com',
  'ssh.dev.azure.com',
  // Azure Repos' older ssh host, which serves git alone (the rest of *.visualstudio.com is not classed:
  // docs/detection.md).
  'vs-ssh.visualstudio.com',
];

export const DEFAULT_REGISTRIES = [
  'registry-1.docker.io',
  'auth.docker.io',
  'index.docker.io',
  'docker.io',
  'ghcr.io',
  'quay.io',
  'gcr.io',
  '*.gcr.io',
  '*.pkg.dev',
  '*.azurecr.io',
  '*.dkr.ecr.*.amazonaws.com',
  'public.ecr.aws',
  'registry.gitlab.com',
  'registry.npmjs.org',
  'npm.pkg.github.com',
  'maven.pkg.github.com',
  // GitHub Packages' other registries (NuGet, RubyGems, the older docker.pkg.github.com).
  '*.pkg.github.com',
  // Anonymous, expiring pushes with no login (red-team review: a blob uploaded there by curl raised nothing).
  'ttl.sh',
  'upload.pypi.org',
  'test.pypi.org',
  'rubygems.org',
  'crates.io',
  'api.nuget.org',
];

/**
 * Package and artifact hosts an upload a command line names counts towards (`curl -T F https://x.jfrog.io/…`, `az
 * rest --method put --url https://ORG.visualstudio.com/…`), whose addresses are never classed (red-team review: a
 * credential uploaded there by curl raised nothing). Every build downloads its dependencies from the same hosts
 * (Artifactory, Dart's, Deno's, Haskell's and Clojure's registries, VS Code's downloads, the Hugging Face Hub's
 * models), so a class would make their requests, added up, a push by egress; a download names no upload flag and is
 * never one here.
 */
export const DEFAULT_UPLOAD_HOSTS = [
  '*.jfrog.io',
  '*.visualstudio.com',
  'pub.dev',
  'jsr.io',
  'api.jsr.io',
  'hackage.haskell.org',
  'clojars.org',
  'repo.clojars.org',
  // The Hugging Face Hub (evasion hunt: a credential committed by curl to its commit API raised nothing); every ML
  // pod downloads weights from it, so it is no class (`hf upload` is a table entry).
  'huggingface.co',
];

/**
 * A destination pattern: a host glob or an IP CIDR. A value shaped like an IP or CIDR but invalid
 * (`10.0.0.0/33`, `300.1.1.1/8`) is a config error rather than a host glob that never matches.
 */
export const destinationPatternSchema = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    const problem = destinationPatternProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `expected a host glob or an IP CIDR; ${problem}` });
  });

export const destinationsConfigSchema = z
  .object({
    forges: z
      .array(destinationPatternSchema)
      .default(DEFAULT_FORGES)
      .describe('Host globs classed as code forges (git hosting and its APIs). Replaces the default list.'),
    registries: z
      .array(destinationPatternSchema)
      .default(DEFAULT_REGISTRIES)
      .describe('Host globs classed as container or package registries. Replaces the default list.'),
    internal: z
      .array(destinationPatternSchema)
      .default([])
      .describe('Your own forges and registries: host globs or IP CIDRs (`git.corp.example`, `10.20.0.0/16`).'),
    uploadHosts: z
      .array(z.string().min(1))
      .default(DEFAULT_UPLOAD_HOSTS)
      .describe(
        "Host globs an HTTP upload named on a command line counts towards (curl, wget, HTTPie, az rest), as a forge's or registry's, but whose addresses are never classed: package hosts that serve every build's dependency downloads too. Replaces the default list.",
      ),
    webHostsApiPathPrefixes: z
      .array(z.string().min(1))
      .default(['/api/', '/git-receive-pack', '/uploads'])
      .describe(
        'On the forge web hosts (github.com, gitlab.com, bitbucket.org, codeberg.org, gitea.com, gitee.com), an HTTP upload counts only on these path prefixes or suffixes (sign-in forms are not uploads).',
      ),
    dnsRefreshMs: timerMs(300_000, 'How often the exact hostnames above are re-resolved to IPs (0 = never resolve).'),
    dnsTimeoutMs: timerMs(5_000, 'Timeout of one DNS resolution.'),
    ipHintTtlMs: ms(3_600_000, 'How long an IP learned from a push lineage (argv URL, then a connect) stays classed.'),
  })
  .strict();

export const readsConfigSchema = z
  .object({
    extraSensitivePaths: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'More sensitive paths: a prefix ending in `/`, or a path/basename glob (`*.kdbx`, `/srv/app/secrets.yaml`).',
      ),
    extraNoisePrefixes: z
      .array(z.string().min(1))
      .default([])
      .describe('More path prefixes that never count as reads (caches, runtime data of your own).'),
    notSensitivePaths: z
      .array(
        z
          .string()
          .min(1)
          .superRefine((value, ctx) => {
            const problem = notSensitivePatternProblem(value);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          }),
      )
      .default([])
      .describe(
        "Files the sensitive list or extraSensitivePaths names that are no secret here (test fixture keys, a committed `.env.production`): a prefix ending in `/`, or a path/basename glob, as extraSensitivePaths; they count as ordinary reads. Secret mounts (`/var/run/secrets/`, `/run/secrets/`, kubelet's pod volumes) only by a pattern naming a path below them from the root. Patterns of wildcards alone are refused.",
      ),
    archiveMinFiles: count(20, 'An archiver (tar, zip, gzip, 7z…) reading this many files counts as archive staging.'),
    topFiles: count(
      5,
      "How many files the alert lists in reads.top, biggest first, from the per-container heavy-hitter list (files above 1/8 of the container's bytes always; otherwise not necessarily the biggest).",
    ),
  })
  .strict();

/**
 * Memory bounds. The costs in the descriptions are what one entry holds on a 64-bit Node (V8 heap and the
 * typed arrays' backing stores), measured with the bench's 10,000-container stream: the defaults keep the
 * correlator's state near 50 MB for 10,000 busy containers and bound it below ~150 MB in the worst case.
 */
export const capsConfigSchema = z
  .object({
    maxContainers: count(
      20_000,
      'Containers with correlation state (~3.5 KiB each with reads: buckets, distinct files, top files, pod metadata); beyond, the least recently active is evicted.',
    ),
    maxProcesses: count(
      20_000,
      'Processes tracked for lineage and egress (~0.4 KiB each; command lines are kept only for push, download and archiver processes). Tetragon processes (by exec id) and Falco processes (by node and pid) have this budget each.',
    ),
    maxNodes: count(
      1_024,
      'Nodes with correlation state (their Falco processes, pending pushes and gaps; ~0.3 KiB each besides). A daemon sees its own node; a scan of a cluster-wide export sees each node. Beyond, the least recently active is evicted and its pending pushes judged at once.',
    ),
    maxSockets: count(32_768, 'Sockets (cookie → destination) tracked (~0.15 KiB each).'),
    maxFilesPerContainer: count(
      8,
      "Files remembered per container for the alert's reads.top, a heavy-hitter list (space-saving: a new file replaces the one with the fewest bytes; ~0.25 KiB each). Distinct files are counted apart, in ≤ 1 KiB per container: exactly up to 96 files, then estimated (standard error ~1–2%).",
    ),
    maxSensitivePerContainer: count(16, 'Distinct sensitive files remembered per container (~0.25 KiB each).'),
    maxPendingPushesPerContainer: count(
      4,
      'Pushes waiting for their lateness per container; more have the oldest judged early (its alert sent then). A push judged early is watched until its time and judged again (a graver result raises a second alert): as many again per container, beyond which the one nearest its time is judged for good (evictions kind early_push).',
    ),
    maxSuppressionKeys: count(10_000, 'Suppression keys (rule, container, destination) remembered (~0.2 KiB each).'),
    maxIpHints: count(8_192, 'IPs classed from push lineages (~0.15 KiB each).'),
    maxEgressDestsPerContainer: count(
      4,
      "Forge/registry/internal destinations per container whose bytes sent by all the container's processes are summed (egress split over many processes; ~0.15 KiB each); beyond, the one with the fewest bytes in the window is evicted.",
    ),
    maxEvidence: z.number().int().min(1).max(20).default(20).describe('Evidence items per alert (at most 20).'),
  })
  .strict();

/** Correlator settings: windows, thresholds, destination classes and caps. Every number has its unit in its name. */
export const correlatorConfigSchema = z
  .object({
    windowMs: ms(
      1_800_000,
      'Reads count towards a push when they happened at most this long before it (sliding window).',
    ),
    latenessMs: ms(
      30_000,
      'Events may arrive this late (event time); a push is judged once the stream has passed it by this much.',
    ),
    pushSettleMs: ms(10_000, 'Activity of the push (helpers, connects, bytes sent) this long after it belongs to it.'),
    bridgeSpanMs: ms(
      15_000,
      'docker.sock bridging: a host dockerd/containerd egress on the node this soon after a `docker push` is linked to it.',
    ),
    suppressionMs: ms(
      3_600_000,
      'One alert per (rule, container, destination) in this period; later matches are counted in `suppressed`, unless of a higher severity than the alert that opened the period (then it goes out and opens a new one).',
    ),
    bulkReadBytes: count(64 * MiB, 'Bulk reads: bytes read in the window for bulk-read-then-push (high).'),
    criticalBulkFactor: z
      .number()
      .min(1)
      .default(4)
      .describe('bulk-read-then-push is critical at this many times bulkReadBytes.'),
    moderateReadBytes: count(8 * MiB, 'Moderate reads (push-after-moderate-reads, medium): bytes.'),
    moderateReadFiles: count(200, 'Moderate reads (push-after-moderate-reads, medium): distinct files.'),
    bulkEgressBytes: count(
      64 * MiB,
      'Bytes a push sent to its destination that make it bulk-push-without-reads (medium) when the reads before it are not notable: data read before the window, or in ways the sensor cannot size (mmap with Falco).',
    ),
    egressPushMinBytes: count(
      1 * MiB,
      "Bytes sent to one forge/registry/internal destination that make a push by themselves: by one process, or by the container's processes together within windowMs.",
    ),
    downloadEgressMaxBytes: count(
      16 * MiB,
      "Bytes a download's own process (docs/detection.md, Downloads) may send to one forge/registry/internal destination within windowMs and stay a download: its requests are small (an npm ci of 2,600 packages sends ~1.2 MiB); past this it is judged as any process, a push by egress, its credential reads counted.",
    ),
    destinations: destinationsConfigSchema.prefault({}).describe('Which destinations are forges and registries.'),
    reads: readsConfigSchema.prefault({}).describe('What counts as a read and a sensitive read.'),
    caps: capsConfigSchema
      .prefault({})
      .describe('Memory bounds; evictions are counted in exfilwatch_state_evictions_total.'),
  })
  .strict();

export type CorrelatorConfig = z.infer<typeof correlatorConfigSchema>;
export type DestinationsConfig = z.infer<typeof destinationsConfigSchema>;
