/**
 * Whether an idle container's state outlives its expiry. The marks that switch an exemption off live in that
 * state: something staged into a package cache (`cacheStaged`: the publishing JVM's cache reads count again,
 * ./download-reads.ts), into a `node_modules/` or `dist/` directory (./own-products.ts), or staged or read into
 * buildah's or podman's storage (./container-storage.ts). Expired, the container's next events start a state
 * without them: `mv /srv/exports/users.sql node_modules/lodash/x.js`, two idle hours, then a node process
 * reading and pushing it was `push-without-reads` (found re-reading the storage hold, which covered the storage
 * alone). So a container holding a mark is kept while it was active in the last STORAGE_HOLD_MS; it still counts
 * against `caps.maxContainers`, whose eviction is counted as any other.
 */
import { holdsStorageData } from './container-storage.js';
import { productStaged } from './own-products.js';
import { STORAGE_HOLD_MS } from './pod-storage.js';
import type { ContainerState } from './state.js';

export function holdsStagedData(c: ContainerState, nowMs: number, minStorageBytes: number): boolean {
  if (holdsStorageData(c, nowMs, minStorageBytes)) return true;
  return c.lastMs >= nowMs - STORAGE_HOLD_MS && (c.cacheStaged || productStaged(c));
}
