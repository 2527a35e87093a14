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
 * buckets already. The tally keeps its recent buckets and folds older ones into one total, so it holds a few
 * numbers per container however long it lives; it counts for every later builder push of the container.
 */
import type { FileEvent } from '../model/normalized-event.js';
import { basename, parseArgv, tokenize } from '../rules/argv.js';
import { DOCKER_VALUE_FLAGS } from '../rules/tools/flags.js';
import { hashPath } from './distinct-files.js';
import { notePodIngest } from './pod-storage.js';
import type { ProcState } from './proc-state.js';
import type { ContainerState } from './state.js';

/** buildah's and podman's commands that put files of the machine into the storage (`run` and `create` with a volume). */
const INGEST_COMMANDS: Readonly<Record<string, ReadonlySet<string>>> = {
  buildah: new Set(['copy', 'add', 'run']),
  podman: new Set(['cp', 'load', 'import', 'run', 'create']),
};
/** Commands whose data comes in through a volume only: without one the container reads its image. */
const THROUGH_VOLUMES = new Set(['run', 'create']);
const VOLUME_FLAG = /^(?:-v|--volume|--mount)(?:=|$)|^-v./;

/** Processes whose reads outside the storage are tallied; gone with the process state. */
const ingesters = new WeakSet<ProcState>();

/**
 * On a new process: whether it reads what goes into the storage. `builder` is a build or push of
 * ./container-storage.ts (its context and Dockerfile); a child of any such process is one too.
 */
export function noteStorageIngester(proc: ProcState, args: string | null, builder: boolean): void {
  if (builder || (proc.parent !== null && ingesters.has(proc.parent)) || ingests(proc.binary, args)) {
    ingesters.add(proc);
  }
}

export function isStorageIngester(proc: ProcState): boolean {
  return ingesters.has(proc);
}

function ingests(binary: string | null, args: string | null): boolean {
  const name = basename(binary);
  const words = tokenize(args);
  if (name === 'skopeo') return words.some((w) => w.startsWith('containers-storage:'));
  const commands = INGEST_COMMANDS[name];
  if (commands === undefined) return false;
  const parsed = parseArgv(words, { valueFlags: DOCKER_VALUE_FLAGS });
  // The command word, also after `podman container`/`image` (`podman container cp`, `podman image load`).
  const first = parsed.positionals.findIndex((p) => !p.startsWith('-'));
  let command = parsed.positionals[first];
  if (command === 'container' || command === 'image') command = parsed.positionals[first + 1];
  if (command === undefined || !commands.has(command)) return false;
  return !THROUGH_VOLUMES.has(command) || words.some((w) => VOLUME_FLAG.test(w));
}

/** Distinct files remembered per container for the file count; past it every read is a new file. */
const MAX_SEEN_FILES = 16_384;

interface IngestTally {
  ids: number[];
  bytes: number[];
  files: number[];
  /** The buckets past the horizon, folded. */
  olderBytes: number;
  olderFiles: number;
  seen: Set<number>;
}

const tallies = new WeakMap<ContainerState, IngestTally>();

/** An ingester's read outside the storage (no secret). */
export function noteIngestRead(
  c: ContainerState,
  path: string,
  e: FileEvent,
  bucketMs: number,
  horizonMs: number,
): void {
  let tally = tallies.get(c);
  if (tally === undefined) {
    tally = { ids: [], bytes: [], files: [], olderBytes: 0, olderFiles: 0, seen: new Set() };
    tallies.set(c, tally);
  }
  const t = e.timeMs;
  const hash = hashPath(path);
  const isNew = tally.seen.size >= MAX_SEEN_FILES || !tally.seen.has(hash);
  if (isNew && tally.seen.size < MAX_SEEN_FILES) tally.seen.add(hash);
  const id = Math.floor(t / bucketMs);
  let at = tally.ids.lastIndexOf(id);
  if (at < 0) {
    const oldest = Math.floor((t - horizonMs) / bucketMs) - 1;
    for (let i = tally.ids.length - 1; i >= 0; i--) {
      if (tally.ids[i]! >= oldest) continue;
      tally.olderBytes += tally.bytes[i]!;
      tally.olderFiles += tally.files[i]!;
      tally.ids.splice(i, 1);
      tally.bytes.splice(i, 1);
      tally.files.splice(i, 1);
    }
    at = tally.ids.push(id) - 1;
    tally.bytes.push(0);
    tally.files.push(0);
  }
  const bytes = e.file.bytes !== null && e.file.bytes > 0 ? e.file.bytes : 0;
  tally.bytes[at]! += bytes;
  if (isNew) tally.files[at]! += 1;
  // The pod's other containers may push it from the storage they share (./pod-storage.ts).
  notePodIngest(c, bytes, isNew, t);
}

/** What the container's ingesters read, all told. */
export function ingestedTotal(c: ContainerState): { bytes: number; files: number } {
  const tally = tallies.get(c);
  if (tally === undefined) return { bytes: 0, files: 0 };
  let bytes = tally.olderBytes;
  let files = tally.olderFiles;
  for (let i = 0; i < tally.ids.length; i++) {
    bytes += tally.bytes[i]!;
    files += tally.files[i]!;
  }
  return { bytes, files };
}

/** What the container's ingesters read before `fromMs` (the window's reads are in the read buckets). */
export function ingestedBefore(c: ContainerState, fromMs: number, bucketMs: number): { bytes: number; files: number } {
  const tally = tallies.get(c);
  if (tally === undefined) return { bytes: 0, files: 0 };
  const from = Math.floor(fromMs / bucketMs);
  let bytes = tally.olderBytes;
  let files = tally.olderFiles;
  for (let i = 0; i < tally.ids.length; i++) {
    if (tally.ids[i]! >= from) continue;
    bytes += tally.bytes[i]!;
    files += tally.files[i]!;
  }
  return { bytes, files };
}
