/**
 * What the CI/CD exemptions keep of a container, a push and a process: the staging marks (./staging-marks.ts),
 * the reads they keep aside from the container's read buckets, what of those a push counted, and what makes a
 * process's reads its own products or root. One object per container (ContainerState `exempt`), push
 * (PushEpisode `exempt`) and process (ProcRare `exempt`) that has any, made on first write: most have none, and a
 * container without one pays a field (memory row of issue 8: 10,000 containers). Before, this was a field of
 * ContainerState and nineteen module-level WeakMaps and WeakSets in eight modules, each keyed by the container, push
 * or process.
 */
import type { Extraction } from './archive-extractions.js';
import type { BucketTally, TallySums } from './bucket-tally.js';
import type { ProcState } from './proc-state.js';
import type { PushEpisode } from './push-episode.js';
import type { Release } from './release-outputs.js';
import type { ContainerState } from './state.js';

/** What earlier builder pushes of a container counted (./storage-ingest.ts): its own ingest, the pod's others'. */
export interface IngestCounted {
  own: TallySums;
  others: TallySums;
}

export class ContainerExemptions {
  /** What was staged here into places CI/CD exemptions trust (./staging-marks.ts bits). */
  staged = 0;
  /** An archive extraction's reads of its archive, kept aside (./archive-extractions.ts extractionRead). */
  extractionReads: BucketTally | null = null;
  /** What its re-reading tools' pushes sent past what their windows' counted reads explain (./archive-extractions.ts). */
  unexplainedSent: BucketTally | null = null;
  /** A builder's reads of its storage, kept aside (./container-storage.ts builderStorageRead). */
  storageReads: BucketTally | null = null;
  /** Its ingesters' reads outside the storage (./storage-ingest.ts). */
  ingestReads: BucketTally | null = null;
  /** What earlier builder pushes counted of that ingest (./storage-ingest.ts countIngestFor). */
  ingestCounted: IngestCounted | null = null;
  /** Its reporting calls' times in the window, oldest first (./report-bound.ts). */
  reports: number[] | null = null;
}

export class PushExemptions {
  /** What it has put into its container's `unexplainedSent` so far (judged early, then again). */
  extractionSent = 0;
  /** Its processes connected to a proxy on the loopback (./archive-extractions.ts noteLocalEgress). */
  viaLoopback = false;
  /** Its share of what went into the storage, the same when it is judged again (./storage-ingest.ts). */
  ingestShare: TallySums | null = null;
  /** What it counted of that ingest, applied when it is not allowlisted (./storage-ingest.ts countIngestFor). */
  ingestToCount: IngestCounted | null = null;
  /** A reporting call's place past its container's bound or not, decided once (./report-bound.ts); null: not yet. */
  pastReportBound: boolean | null = null;
}

export class ProcExemptions {
  /** The archive extraction it is (a tar) or serves (its decompressor), null: none; undefined: not asked yet. */
  extraction: Extraction | null | undefined = undefined;
  /** A buildah or podman build or push: its storage reads are kept aside (./container-storage.ts). */
  storageBuilder = false;
  /** It reads what goes into the storage (./storage-ingest.ts). */
  storageIngester = false;
  /** ko's outputs, its `go build -o` files (./build-outputs.ts). */
  koOutputs: Set<string> | null = null;
  /** A goreleaser run's `dist/` and binaries (./release-outputs.ts). */
  release: Release | null = null;
  /** node's module bytes not counted so far (./module-loads.ts). */
  moduleBytes = 0;
  /** Where the kaniko executor's own reads count (null: all of them); undefined: not asked yet (./kaniko-reads.ts). */
  kanikoCounted: readonly string[] | null | undefined = undefined;
}

/** The container's exemption state, made on first write. */
export function exemptionsOf(c: ContainerState): ContainerExemptions {
  c.exempt ??= new ContainerExemptions();
  return c.exempt;
}

/** The push's exemption state, made on first write. */
export function pushExemptionsOf(ep: PushEpisode): PushExemptions {
  ep.exempt ??= new PushExemptions();
  return ep.exempt;
}

/** The process's exemption state (in its rare fields), made on first write. */
export function procExemptionsOf(proc: ProcState): ProcExemptions {
  const rare = proc.more();
  rare.exempt ??= new ProcExemptions();
  return rare.exempt;
}
