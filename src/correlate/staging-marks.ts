/**
 * What was staged in a container into a place a CI/CD exemption trusts: one bit per guard's mark, in one field of
 * the container's exemption state (./exemption-state.ts `staged`). A package cache (./download-reads.ts: a publishing JVM's reads of
 * the caches count again), a `node_modules/` or a `dist/` directory (./own-products.ts: node's module loads, or
 * goreleaser's reads of its products, count again) and buildah's or podman's storage (./container-storage.ts: a
 * builder's storage reads count again). Each guard sets its own bits from the exec's writes (./exec-writes.ts); a
 * mark is for good while the container's state lives, and a container holding one outlives its expiry for a while
 * (./staging-hold.ts). The marks were a field, a WeakMap and a WeakSet in three modules before, each hold check
 * asking each module.
 */
import { exemptionsOf } from './exemption-state.js';
import type { ContainerState } from './state.js';

export const STAGED_CACHE = 1;
export const STAGED_MODULES = 2;
export const STAGED_DIST = 4;
export const STAGED_STORAGE = 8;

/** Whether any of `marks` (bits above) is set in the container. */
export function stagedIn(c: ContainerState, marks: number): boolean {
  const x = c.exempt;
  return x !== null && (x.staged & marks) !== 0;
}

/** Whether anything was staged in the container. */
export function stagedAny(c: ContainerState): boolean {
  const x = c.exempt;
  return x !== null && x.staged !== 0;
}

/** Sets `marks` in the container; returns those not set before. */
export function addStaged(c: ContainerState, marks: number): number {
  const was = c.exempt === null ? 0 : c.exempt.staged;
  const added = marks & ~was;
  if (added !== 0) exemptionsOf(c).staged = was | added;
  return added;
}
