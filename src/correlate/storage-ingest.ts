/**
 * What went into buildah's or podman's storage from the machine, kept for their later pushes whenever it was read.
 * A builder's push counts none of its storage reads (./container-storage.ts): what those layers hold was counted
 * when it was read into the storage, by the build (its context) or by `buildah copy`, `podman load`. But those
 * reads count in their window only, so a `buildah bud /srv/exports`, `buildah copy c /srv/exports`, `podman cp`,
 * `podman load -i loot.tar`, `skopeo copy dir:… containers-storage:…` or `podman run -v /srv/exports:/in … cp`
 * then `podman commit`, a window before `buildah push`, left the push at `push-without-reads`, low, where the
 * push's own re-read of the layers had counted it before the exemption (found by a red-team review of it:
 * test/unit/correlate/buildah-storage-evasion.test.ts). So the reads outside the storage of those processes and
 * of their children (a build's RUN steps, a run's container) are tallied here, and what of them is older than a
 * builder's push's window counts for it (judge.ts through storageReadsFor): the window's part is in the read
 * buckets already. The tally (./bucket-tally.ts) holds a few numbers per container however long it lives; it
 * counts for every later builder push of the container.
 */
import type { FileEvent } from '../model/normalized-event.js';
import { basename, parseArgv, tokenize } from '../rules/argv.js';
import { DOCKER_VALUE_FLAGS } from '../rules/tools/flags.js';
import { newBucketTally, type TallySums, tallyRead, tallySum } from './bucket-tally.js';
import { hashPath } from './distinct-files.js';
import { exemptionsOf, procExemptionsOf, pushExemptionsOf } from './exemption-state.js';
import { notePodIngest, podIngested } from './pod-storage.js';
import type { ProcState } from './proc-state.js';
import type { ContainerState, PushEpisode } from './state.js';

/** buildah's and podman's commands that put files of the machine into the storage (`run` and `create` with a volume). */
const INGEST_COMMANDS: Readonly<Record<string, ReadonlySet<string>>> = {
  buildah: new Set(['copy', 'add', 'run']),
  podman: new Set(['cp', 'load', 'import', 'run', 'create']),
};
/** Commands whose data comes in through a volume only: without one the container reads its image. */
const THROUGH_VOLUMES = new Set(['run', 'create']);
/** `-v SRC:DST`, `--volume=…`, `--mount …`, `-vSRC:DST` (with its colon: `java -version` in the command is none). */
const VOLUME_FLAG = /^(?:-v|--volume|--mount)(?:=|$)|^-v[^=\s]*:/;

/**
 * On a new process: whether it reads what goes into the storage. `builder` is a build or push of
 * ./container-storage.ts (its context and Dockerfile); a child of any such process is one too.
 */
export function noteStorageIngester(proc: ProcState, args: string | null, builder: boolean): void {
  if (builder || (proc.parent !== null && isStorageIngester(proc.parent)) || ingests(proc.binary, args)) {
    procExemptionsOf(proc).storageIngester = true;
  }
}

/** A process whose reads outside the storage are tallied (ProcExemptions `storageIngester`). */
export function isStorageIngester(proc: ProcState): boolean {
  return proc.rare?.exempt?.storageIngester === true;
}

function ingests(binary: string | null, args: string | null): boolean {
  const name = basename(binary);
  if (name === 'skopeo') return tokenize(args).some((w) => w.startsWith('containers-storage:'));
  // Own entries only: a program named `constructor` found Object's and threw on every event of it.
  const commands = Object.hasOwn(INGEST_COMMANDS, name) ? INGEST_COMMANDS[name] : undefined;
  // Checked for every new process: any other program's line is not split.
  if (commands === undefined) return false;
  const words = tokenize(args);
  const parsed = parseArgv(words, { valueFlags: DOCKER_VALUE_FLAGS });
  // The command word, also after `podman container`/`image` (`podman container cp`, `podman image load`).
  const first = parsed.positionals.findIndex((p) => !p.startsWith('-'));
  let command = parsed.positionals[first];
  if (command === 'container' || command === 'image') command = parsed.positionals[first + 1];
  if (command === undefined || !commands.has(command)) return false;
  return !THROUGH_VOLUMES.has(command) || words.some((w) => VOLUME_FLAG.test(w));
}

const NONE: TallySums = { bytes: 0, files: 0 };

/** An ingester's read outside the storage (no secret). */
export function noteIngestRead(
  c: ContainerState,
  path: string,
  e: FileEvent,
  bucketMs: number,
  horizonMs: number,
): void {
  const t = e.timeMs;
  const exempt = exemptionsOf(c);
  let tally = exempt.ingestReads;
  if (tally === null) {
    tally = newBucketTally(t);
    exempt.ingestReads = tally;
  }
  const bytes = e.file.bytes !== null && e.file.bytes > 0 ? e.file.bytes : 0;
  const isNew = tallyRead(tally, t, bytes, hashPath(path), {
    bucketMs,
    horizonMs,
    recountMs: Number.POSITIVE_INFINITY,
  });
  // The pod's other containers may push it from the storage they share (./pod-storage.ts).
  notePodIngest(c, bytes, isNew, t);
}

/** What the container's ingesters read, all told. */
export function ingestedTotal(c: ContainerState): TallySums {
  const tally = c.exempt?.ingestReads ?? null;
  return tally === null ? NONE : tallySum(tally, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, true);
}

/** What the container's ingesters read up to the bucket `toId`. */
function ingestedUpTo(c: ContainerState, toId: number): TallySums {
  const tally = c.exempt?.ingestReads ?? null;
  return tally === null ? NONE : tallySum(tally, Number.NEGATIVE_INFINITY, toId, true);
}

/**
 * Kept in the exemption states (./exemption-state.ts): the container's ingesters' reads (`ingestReads`) and what
 * earlier builder pushes of it counted (`ingestCounted`: its own ingest up to their ends, the pod's others'); a
 * push's share (`ingestShare`, the same when it is judged again: early, then at its time) and what it counted,
 * applied when it is not allowlisted (`ingestToCount`, countIngestFor).
 */

/**
 * What went into the storage from the machine that a builder's push counts besides its window's reads: the
 * container's own before the window, its pod's other containers' whenever (their reads are no reads here), less
 * what an earlier builder push of the container counted (not allowlisted: countIngestFor). Counted once, a
 * long-lived build agent's contexts do not add up push after push (40 builds of 2 MiB were `bulk-read-then-push`);
 * data read in and a decoy push before the real one: the decoy carries it, and its alert.
 */
export function ingestForPush(ep: PushEpisode, fromMs: number, toMs: number, bucketMs: number): TallySums {
  const known = ep.exempt?.ingestShare ?? null;
  if (known !== null) return known;
  const c = ep.container;
  const before = ingestedUpTo(c, Math.floor(fromMs / bucketMs) - 1);
  const own = ingestedTotal(c);
  const pod = podIngested(c);
  const others = { bytes: Math.max(0, pod.bytes - own.bytes), files: Math.max(0, pod.files - own.files) };
  const counted = c.exempt?.ingestCounted ?? { own: NONE, others: NONE };
  const share = {
    bytes: Math.max(0, before.bytes - counted.own.bytes) + Math.max(0, others.bytes - counted.others.bytes),
    files: Math.max(0, before.files - counted.own.files) + Math.max(0, others.files - counted.others.files),
  };
  // The window's own ingest is in this push's read buckets: counted too, once the push is no allowlisted one.
  const exempt = pushExemptionsOf(ep);
  exempt.ingestToCount = { own: ingestedUpTo(c, Math.floor(toMs / bucketMs)), others };
  exempt.ingestShare = share;
  return share;
}

/**
 * A builder's push judged and not allowlisted: what it counted is not counted again. An allowlisted push counts
 * nothing away: a decoy push to the internal registry first had left the real one low.
 */
export function countIngestFor(ep: PushEpisode): void {
  const counted = ep.exempt?.ingestToCount ?? null;
  if (counted === null) return;
  pushExemptionsOf(ep).ingestToCount = null;
  const exempt = exemptionsOf(ep.container);
  const was = exempt.ingestCounted ?? { own: NONE, others: NONE };
  exempt.ingestCounted = { own: larger(was.own, counted.own), others: larger(was.others, counted.others) };
}

function larger(a: TallySums, b: TallySums): TallySums {
  return { bytes: Math.max(a.bytes, b.bytes), files: Math.max(a.files, b.files) };
}
