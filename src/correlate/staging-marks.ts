/**
 * What was staged in a container into a place a CI/CD exemption trusts: one bit per guard's mark, in one field of
 * the container's state (ContainerState `staged`). A package cache (./download-reads.ts: a publishing JVM's reads of
 * the caches count again), a `node_modules/` or a `dist/` directory (./own-products.ts: node's module loads, or
 * goreleaser's reads of its products, count again) and buildah's or podman's storage (./container-storage.ts: a
 * builder's storage reads count again). Each guard sets its own bits from the exec's writes (./exec-writes.ts); a
 * mark is for good while the container's state lives, and a container holding one outlives its expiry for a while
 * (./staging-hold.ts). The marks were a field, a WeakMap and a WeakSet in three modules before, each hold check
 * asking each module.
 */
import type { ContainerState } from './state.js';

export const STAGED_CACHE = 1;
export const STAGED_MODULES = 2;
export const STAGED_DIST = 4;
export const STAGED_STORAGE = 8;

/** Whether any of `marks` (bits above) is set in the container. */
export function stagedIn(c: ContainerState, marks: number): boolean {
  return (c.staged & marks) !== 0;
}
