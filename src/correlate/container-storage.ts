/**
 * buildah and podman build into their container storage (`/var/lib/containers/storage`, rootless
 * `~/.local/share/containers/storage`) and push from it: `buildah push` reads every layer it uploads there, the
 * pulled base image's included, and `buildah bud` with the vfs driver (Tekton's buildah task) copies the base's
 * layers for each step. A Tekton or GitLab job building a 2 MiB context on a 135 MiB base image was
 * `bulk-read-then-push`, high, for the base image alone (found by a red-team review of CI pipelines;
 * test/unit/correlate/buildah-storage-reads.test.ts). What those layers hold came from a pull (no read of the
 * machine), the build context (read by the build: counted) and `RUN` steps (their processes' reads: counted).
 *
 * So the storage reads of a builder (buildah's or podman's `push`, `bud`/`build`, `commit`, `manifest push`, not
 * from a scratch or hidden directory) are kept aside (not in the container's read totals, but in a tally of their
 * own) and count for every push but a builder's (judge.ts), unless something was staged into the storage in the
 * container by other means: a move, link or copy into it or above it (./relinks.ts), a command line writing there
 * (./cache-writes.ts), a mount over it, or any `buildah mount`, `podman mount`, `unshare` (whose paths a script
 * then writes without naming them: `cp -r /srv/exports $(buildah mount c)`), a link to it, cpio or inline code
 * writing there, or a script's commands run in it (./storage-writers.ts); then every storage read there counts
 * for good, those kept aside included. What the builds, `buildah copy`, `podman load` and the like read into the
 * storage counts for a builder's push however long before it (./storage-ingest.ts). Secrets (the classifier's,
 * and a pod step's copies of them) count before this is asked (reads.ts record). What stays open is in docs/detection.md ("buildah and podman").
 */
import type { FileEvent, ProcessRef } from '../model/normalized-event.js';
import { basename, commandEnd, parseArgv, tokenize } from '../rules/argv.js';
import { isUnexpectedLocation } from '../rules/locations.js';
import { DOCKER_VALUE_FLAGS } from '../rules/tools/flags.js';
import { newBucketTally, type TallySums, tallyRead, tallySum } from './bucket-tally.js';
import { absoluteTarget } from './copy-paths.js';
import { hashPath } from './distinct-files.js';
import type { ExecWrites } from './exec-writes.js';
import { exemptionsOf, procExemptionsOf } from './exemption-state.js';
import { notePodStaging, podStaged } from './pod-storage.js';
import type { ProcState } from './proc-state.js';
import { STAGED_STORAGE, stagedIn } from './staging-marks.js';
import type { ContainerState, PushEpisode } from './state.js';
import {
  countIngestFor,
  ingestForPush,
  isStorageIngester,
  noteIngestRead,
  noteStorageIngester,
} from './storage-ingest.js';

type Commands = Readonly<Record<string, readonly (readonly string[])[]>>;

/** The commands whose storage reads are the image's own layers. */
const BUILDER_COMMANDS: Commands = {
  buildah: [['push'], ['bud'], ['build'], ['build-using-dockerfile'], ['commit'], ['manifest', 'push']],
  podman: [
    ['push'],
    ['image', 'push'],
    ['build'],
    ['image', 'build'],
    ['buildx', 'build'],
    ['commit'],
    ['container', 'commit'],
    ['manifest', 'push'],
  ],
};

/** The commands that hand out a path into the storage that anything may then write (`mnt=$(buildah mount c)`). */
const MOUNT_COMMANDS: Commands = {
  buildah: [['mount'], ['unshare']],
  podman: [['mount'], ['image', 'mount'], ['container', 'mount'], ['unshare']],
};

/** Programs that mount a directory over another (`mount --bind /srv/exports STORAGE/overlay/ID/diff`). */
const MOUNTERS = new Set(['mount', 'fuse-overlayfs', 'bindfs']);

/** The storage's names as an interpreter's inline code spells them (./storage-writers.ts). */
const STORAGE_TEXT = /\/var\/lib\/containers|\/\.local\/share\/containers|containers-storage:/;

/** The storage roots: root's, and a rootless user's below any home. */
const SYSTEM_ROOT = '/var/lib/containers/storage/';
const USER_ROOT = '/.local/share/containers/storage/';

/** Whether a path is in (or is) a default container storage root. */
export function inContainerStorage(path: string): boolean {
  const dir = path.endsWith('/') ? path : `${path}/`;
  return dir.startsWith(SYSTEM_ROOT) || dir.includes(USER_ROOT);
}

/** `/proc/PID/root` (self, thread-self, a number) before a path: the same file through the process's root. */
const PROC_ROOT = /^\/proc\/[^/]+\/root(?=\/)/;

/** The directories above a rootless storage a prepared tree can replace whole (`mv /srv/prep ~/.local/share`). */
const USER_ROOT_PARENTS = ['/.local/', '/.local/share/', '/.local/share/containers/'];

/**
 * Whether files put at a path land in a storage: in one, or above one (`mv /srv/prep /var/lib/containers`, `tar x
 * -C /var/lib`: a tree made elsewhere, with a storage's layout, replacing or filling the root). The root itself is
 * no such place (copy-paths.ts takes no target `/`): `tar x -C /` is what a build's `RUN` steps do (s6-overlay).
 */
function intoContainerStorage(path: string): boolean {
  // Through a process's root link (`cp -r /srv/exports /proc/self/root/var/lib/containers/storage/…`).
  const dir = (path.endsWith('/') ? path : `${path}/`).replace(PROC_ROOT, '');
  return inContainerStorage(dir) || SYSTEM_ROOT.startsWith(dir) || USER_ROOT_PARENTS.some((p) => dir.endsWith(p));
}

/** The table's own entry for a program name: `constructor` or `__proto__` is no key of it (Object.prototype's). */
function commandsOf(table: Commands, binary: string | null): Commands[string] | undefined {
  const name = basename(binary);
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Whether a build or push runs, not from a scratch or hidden directory (a mount is one from anywhere). */
function runsBuilder(binary: string | null, args: string | null): boolean {
  const commands = commandsOf(BUILDER_COMMANDS, binary);
  return commands !== undefined && !isUnexpectedLocation(binary) && runsOneOf(commands, tokenize(args));
}

function runsOneOf(commands: Commands[string], words: readonly string[]): boolean {
  const parsed = parseArgv(words, { valueFlags: DOCKER_VALUE_FLAGS });
  return commands.some((command) => commandEnd(parsed, command) >= 0);
}

/** A process whose storage reads are kept aside (ProcExemptions `storageBuilder`). */
function isStorageBuilder(proc: ProcState): boolean {
  return proc.rare?.exempt?.storageBuilder === true;
}

/** On a new process: a buildah or podman build or push is a builder. */
export function noteStorageBuilder(proc: ProcState, args: string | null): void {
  const builder = runsBuilder(proc.binary, args);
  if (builder) procExemptionsOf(proc).storageBuilder = true;
  // What it reads outside the storage may go into it (./storage-ingest.ts).
  noteStorageIngester(proc, args, builder);
}

/**
 * What an exec stages into the storage by other means than a builder's (the module's comment): STAGED_STORAGE or
 * none, whatever the container (./staging-guards.ts keeps it per command line and sets the mark for good, as a
 * package cache's staging is: ./download-reads.ts).
 */
export function storageStagingBits(writes: ExecWrites): number {
  return stagesIntoStorage(writes) ? STAGED_STORAGE : 0;
}

/** The container was just marked as staging into the storage: so is its pod (./pod-storage.ts). */
export function noteStorageStaged(c: ContainerState): void {
  notePodStaging(c, c.lastMs);
}

function stagesIntoStorage(writes: ExecWrites): boolean {
  const relink = writes.copied;
  if (relink.target !== null && (intoContainerStorage(relink.target) || relink.into.some(intoContainerStorage)))
    return true;
  const { line, process: p } = writes;
  // buildah and podman are no multi-call binaries' applets: the line's words are theirs.
  const mounts = commandsOf(MOUNT_COMMANDS, p.binary);
  if (mounts !== undefined && runsOneOf(mounts, line.words)) return true;
  if (MOUNTERS.has(line.tool)) {
    const parts = line.words.flatMap((w) => w.split(/[,=:]/));
    const namesStorage = parts.some((part) => {
      const path = absoluteTarget(part, line.base);
      return path !== null && intoContainerStorage(path);
    });
    if (namesStorage && !ownOverlay(line.tool, parts, p)) return true;
  }
  const otherwise = writes.otherwise;
  return (
    writes.written.some(intoContainerStorage) ||
    otherwise.paths.some(intoContainerStorage) ||
    // An interpreter's inline code naming the storage writes there as far as we can tell.
    otherwise.inlineCode.some((w) => STORAGE_TEXT.test(w)) ||
    // The files a program is told to write (`openssl -out`, `git clone SRC DIR`), as `dist/` and `node_modules/`
    // staging reads them (./own-products.ts).
    writes.named.some(intoContainerStorage)
  );
}

/**
 * podman's own fuse-overlayfs (rootless): started by buildah or podman, every directory it names in the storage
 * (`lowerdir=STORAGE/overlay/l/ABC:…,upperdir=…`). Any other mount a process of that name starts, or one naming a
 * directory elsewhere, stages: a `podman` wrapper running `mount --bind /srv/exports STORAGE/…` let the push read
 * the dump through it with no read counted (found by a red-team review of the exemption).
 */
function ownOverlay(tool: string, parts: readonly string[], p: ProcessRef): boolean {
  if (tool !== 'fuse-overlayfs' || !builderParent(p)) return false;
  // The directories as written (its options' names and numbers are no path).
  return parts.every(
    (part) => !part.startsWith('/') || part.startsWith('/dev/') || inContainerStorage(resolvedPath(part)),
  );
}

function resolvedPath(path: string): string {
  return (absoluteTarget(path, null) ?? path).replace(PROC_ROOT, '');
}

/** Started by buildah or podman (any command: `podman run` mounts its layers too), not from a scratch directory. */
export function builderParent(p: ProcessRef): boolean {
  const parent = p.parentBinary ?? null;
  return commandsOf(BUILDER_COMMANDS, parent) !== undefined && !isUnexpectedLocation(parent);
}

/** Staged in the container, or in another container of its pod (./pod-storage.ts). */
function isStaged(c: ContainerState, nowMs: number): boolean {
  return stagedIn(c, STAGED_STORAGE) || podStaged(c, nowMs);
}

/**
 * Whether a read (no secret) is a builder's of its storage in a container where nothing was staged there: kept
 * aside, not counted in the container's totals (reads.ts record).
 */
export function builderStorageRead(
  c: ContainerState,
  proc: ProcState,
  path: string,
  e: FileEvent,
  bucketMs: number,
  windowMs: number,
  horizonMs: number,
): boolean {
  // Builders are ingesters: one set asked for most reads.
  if (!isStorageIngester(proc)) return false;
  if (!inContainerStorage(path)) {
    noteIngestRead(c, path, e, bucketMs, horizonMs);
    return false;
  }
  if (!isStorageBuilder(proc) || isStaged(c, e.timeMs)) return false;
  // Kept aside in the container's exemption state (./bucket-tally.ts).
  const exempt = exemptionsOf(c);
  let tally = exempt.storageReads;
  if (tally === null) {
    tally = newBucketTally(e.timeMs);
    exempt.storageReads = tally;
  }
  const bytes = e.file.bytes !== null && e.file.bytes > 0 ? e.file.bytes : 0;
  tallyRead(tally, e.timeMs, bytes, hashPath(path), { bucketMs, horizonMs, recountMs: windowMs });
  return true;
}

/**
 * The builders' storage reads kept aside that count for a push (judge.ts): none for a builder's push in a
 * container where nothing was staged into the storage, else those in its window (a `git push` or `curl` after
 * `buildah bud` is judged as before the exemption; so is `buildah push` once the storage was staged into).
 */
export function storageReadsFor(ep: PushEpisode, fromMs: number, toMs: number, bucketMs: number): StorageSums {
  // A builder's push: what went into the storage before its window instead (./storage-ingest.ts).
  if (isStorageBuilder(ep.proc) && !isStaged(ep.container, ep.timeMs)) return ingestForPush(ep, fromMs, toMs, bucketMs);
  const tally = ep.container.exempt?.storageReads ?? null;
  if (tally === null) return NO_STORAGE_READS;
  return tallySum(tally, Math.floor(fromMs / bucketMs), Math.floor(toMs / bucketMs), false);
}

/** A push judged and not allowlisted: a builder's counted what went into the storage (./storage-ingest.ts). */
export function storagePushCounted(ep: PushEpisode): void {
  countIngestFor(ep);
}

export type StorageSums = TallySums;

const NO_STORAGE_READS: StorageSums = { bytes: 0, files: 0 };
