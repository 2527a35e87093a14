/**
 * The staging guards an exec is shown to: buildah's and podman's storage (./container-storage.ts), a build's own
 * `dist/` and `node_modules/` (./own-products.ts) and the package caches (./download-reads.ts). Each asks the
 * exec's one answer (./exec-writes.ts) with its own question and sets its own mark (./staging-marks.ts); a guard
 * whose mark is set asks nothing, and what none asks is not worked out.
 */
import { noteStorageStaging } from './container-storage.js';
import { noteCacheStaging } from './download-reads.js';
import type { ExecWrites } from './exec-writes.js';
import { noteProductStaging } from './own-products.js';
import type { ContainerState } from './state.js';

export function noteStagings(c: ContainerState, writes: ExecWrites): void {
  noteStorageStaging(c, writes);
  noteProductStaging(c, writes);
  noteCacheStaging(c, writes);
}
