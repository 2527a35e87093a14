/**
 * Whether an idle container's state outlives its expiry. The marks that switch an exemption off live in that
 * state (./staging-marks.ts): something staged into a package cache (the publishing JVM's cache reads count again,
 * ./download-reads.ts), into a `node_modules/` or `dist/` directory (./own-products.ts), or into buildah's or
 * podman's storage (./container-storage.ts); and what builds and `buildah copy` read into that storage, which counts
 * for a later builder push (./storage-ingest.ts). Expired, the container's next events start a state without them:
 * `cp -r /srv/exports STORAGE/…` or `buildah copy`, a `sleep` of two hours with no event, then `buildah push` was
 * low (found by a red-team review of the exemption), and `mv /srv/exports/users.sql node_modules/lodash/x.js`, two
 * idle hours, then a node process reading and pushing it was `push-without-reads` (found re-reading the storage
 * hold, which covered the storage alone). So a container holding a mark, or having read `minStorageBytes` into the
 * storage, is kept while it was active in the last STORAGE_HOLD_MS; it still counts against `caps.maxContainers`
 * (the least recently active evicted first, as any), whose eviction is counted as any other.
 */
import { STORAGE_HOLD_MS } from './pod-storage.js';
import { stagedAny } from './staging-marks.js';
import type { ContainerState } from './state.js';
import { ingestedTotal } from './storage-ingest.js';

export function holdsStagedData(c: ContainerState, nowMs: number, minStorageBytes: number): boolean {
  return c.lastMs >= nowMs - STORAGE_HOLD_MS && (stagedAny(c) || ingestedTotal(c).bytes >= minStorageBytes);
}
