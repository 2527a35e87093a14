/**
 * What a tool reads of its own products, not counted as reads (engine.ts onFile, never a secret nor a pod step's
 * copy of one): goreleaser's binaries and archives in `dist/` (./release-outputs.ts) and the modules node loads
 * from `node_modules` (./module-loads.ts). Either names a directory any process may put files into without
 * reading them (`mv /srv/exports/db.dump dist/app_1.0_linux_amd64.tar.gz`, `ln` into `node_modules`), so as the
 * package-cache mark guards a publishing JVM's cache reads (./download-reads.ts), a move, link or copy
 * (./relinks.ts) into a `dist/` or `node_modules/` directory, or a command line writing there otherwise
 * (./cache-writes.ts: a shell's redirection, `tee`, `dd of=`, `tar x -C`, `unzip -d`; ./product-writers.ts: `sort
 * -o`, `curl file:… -o`, `git clone SRC DIR`; ./storage-writers.ts: `ln`, `cpio`), all read off the exec's one
 * answer (./exec-writes.ts), marks the container for good (./staging-marks.ts): its reads of that kind count again,
 * as before the exemption. `npm ci`, `npm install`, yarn and pnpm write `node_modules` in
 * their own process, and goreleaser `dist/`, which is no staging; a lifecycle script that copies into
 * `node_modules` (node-gyp's `cp`) is one, an alert too many. A program moving files itself (`fs.renameSync`,
 * `os.rename`) is not seen (docs/detection.md).
 */
import type { FileOp } from '../model/normalized-event.js';
import { builderOf } from './build-outputs.js';
import type { ExecWrites } from './exec-writes.js';
import { nodeModuleLoad, nodeRuntime, withinModuleBudget } from './module-loads.js';
import type { ProcState } from './proc-state.js';
import { ownReleaseOutput, releaseOf } from './release-outputs.js';
import { STAGED_DIST, STAGED_MODULES, stagedIn } from './staging-marks.js';

function stagedKinds(path: string): number {
  const dir = `${path}/`;
  return (dir.includes('/node_modules/') ? STAGED_MODULES : 0) | (dir.includes('/dist/') ? STAGED_DIST : 0);
}

/**
 * What an exec stages into a `node_modules/` or `dist/` directory (STAGED_MODULES, STAGED_DIST), whatever the
 * container: every means the exec writes by (./exec-writes.ts) but interpreters' inline code; ./staging-guards.ts
 * sets the marks.
 */
export function productStagingBits(writes: ExecWrites): number {
  let kinds = 0;
  const relink = writes.copied;
  if (relink.target !== null) {
    kinds |= stagedKinds(relink.target);
    for (const into of relink.into) kinds |= stagedKinds(into);
  }
  for (const path of writes.written) kinds |= stagedKinds(path);
  for (const path of writes.named) kinds |= stagedKinds(path);
  // A link to it (`ln -s node_modules/x /tmp/s`, then `cp DUMP /tmp/s/`), cpio into it: as for buildah's storage.
  for (const path of writes.otherwise.paths) kinds |= stagedKinds(path);
  return kinds;
}

/** What the sensor said of the read: how (a read, an open, a mapping) and its bytes. */
export interface ProductRead {
  op: FileOp;
  bytes: number | null;
}
export const UNSIZED_OPEN: ProductRead = { op: 'open', bytes: null };

/**
 * Whether a process can ever read a product of its own (ownProduct, ./build-outputs.ts ownBuildOutput): it is
 * node, or goreleaser or ko or a child of one. Asked at its first read (downloadStoreRead), after its recognition:
 * its binary, its push and its parent's, and the release it keeps (./release-outputs.ts, noted at its start) do
 * not change later. So a read by any other process skips the path scans (`/node_modules/`, `/dist/`) and its
 * parent's fields (cold at thousands of processes).
 */
export function mayReadOwnProducts(proc: ProcState): boolean {
  return nodeRuntime(proc.binary) || releaseOf(proc) !== undefined || builderOf(proc) !== null;
}

/** Whether a read is a tool's own product (the caller has made sure it is no secret). */
export function ownProduct(proc: ProcState, path: string, read: ProductRead): boolean {
  const c = proc.container;
  if (c === null) return false;
  if (nodeModuleLoad(proc, path)) return !stagedIn(c, STAGED_MODULES) && withinModuleBudget(proc, path, read);
  return ownReleaseOutput(proc, path) && !stagedIn(c, STAGED_DIST);
}
