/**
 * buildah's and podman's storage shared by a pod's containers: Tekton's buildah task mounts an emptyDir at
 * `/var/lib/containers` for all its steps, so a step's `cp -r /srv/exports STORAGE/…` or `buildah copy` is pushed
 * by the next step's `buildah push`, whose storage reads count for nothing (./container-storage.ts) while the
 * first step's reads count for its own container only: low, even within the window (found by a red-team review
 * of the exemption: test/unit/correlate/buildah-storage-evasion.test.ts). So staging and what was read into the
 * storage are also kept per pod (its node, namespace and name), for every container of it.
 *
 * Kept per node state (each engine its own, gone with the node's). Bounded: MAX_PODS marks per node; when a new
 * pod finds the table full, marks idle for STORAGE_HOLD_MS go, and if none does the node fails closed: every pod
 * of it counts as staged (its builders' storage reads count, as before the exemption) for STORAGE_HOLD_MS, so
 * alerts come back and none is lost. Both are counted (`exfilwatch_state_evictions_total{kind="pod_storage"}`: each
 * mark dropped, and each time the node starts failing closed) and logged once a minute per node, as the engine
 * counts its other evictions. While the node fails closed, a new pod's events do not look for room again (no
 * scan of the full table for each) nor count again.
 */
import type { Logger } from '../telemetry/logger.js';
import type { ContainerState, NodeState } from './state.js';

/** How long data staged or read into a storage is kept for a push once its container or pod went idle. */
export const STORAGE_HOLD_MS = 24 * 3_600_000;

/** Pods with a mark at once per node: a node runs ~110 pods; CI nodes turn over a few thousand a day. */
export const MAX_PODS = 4_096;
const LOG_EVERY_MS = 60_000;

/** Where a node's drops are counted and logged: the engine's (./processes.ts gives each node its own). */
export interface PodStorageEvictions {
  evicted: { inc(): void };
  logger: Logger;
}

interface PodMark {
  staged: boolean;
  bytes: number;
  files: number;
  lastMs: number;
}

interface NodePods {
  pods: Map<string, PodMark>;
  /** Until then (event time) every pod of the node counts as staged: its table was full of live marks. */
  saturatedUntilMs: number;
  /** Null for a node no engine's table made (settle.ts's): nothing to count into. */
  counted: PodStorageEvictions | null;
  /** Drops since the last log line, and when that was. */
  unlogged: number;
  loggedMs: number;
}

const byNode = new WeakMap<NodeState, NodePods>();

function newNodePods(counted: PodStorageEvictions | null): NodePods {
  return {
    pods: new Map(),
    saturatedUntilMs: Number.NEGATIVE_INFINITY,
    counted,
    unlogged: 0,
    loggedMs: Number.NEGATIVE_INFINITY,
  };
}

/** Counts the node's drops into the engine's metrics (called as its table makes the node). */
export function countPodStorageEvictions(node: NodeState, counted: PodStorageEvictions): void {
  const pods = byNode.get(node);
  if (pods === undefined) byNode.set(node, newNodePods(counted));
  else pods.counted = counted;
}

/** `n` marks dropped (or, `saturated`, the node starting to fail closed): counted, logged once a minute. */
function dropped(nodeState: NodeState, node: NodePods, n: number, saturated: boolean, nowMs: number): void {
  const counted = node.counted;
  if (counted === null || n === 0) return;
  for (let i = 0; i < n; i++) counted.evicted.inc();
  node.unlogged += n;
  if (nowMs - node.loggedMs < LOG_EVERY_MS && !saturated) return;
  counted.logger.warn(
    { node: nodeState.name, dropped: node.unlogged, maxPods: MAX_PODS, failsClosed: saturated },
    saturated
      ? "pods' storage staging marks: the node's table is full of live marks; every pod of it counts as staged (builders' storage reads count) for 24 h"
      : "pods' storage staging marks idle for 24 h dropped to make room in the node's full table",
  );
  node.unlogged = 0;
  node.loggedMs = nowMs;
}

function keyOf(c: ContainerState): string | null {
  return c.pod === null ? null : `${c.pod.namespace}\u0000${c.pod.name}`;
}

function markOf(c: ContainerState, nowMs: number): PodMark | null {
  const key = keyOf(c);
  if (key === null) return null;
  let node = byNode.get(c.node);
  if (node === undefined) {
    node = newNodePods(null);
    byNode.set(c.node, node);
  }
  const { pods } = node;
  let mark = pods.get(key);
  if (mark === undefined) {
    if (pods.size >= MAX_PODS) {
      // Failing closed already: every pod counts as staged, so a new pod's mark would add nothing (and each would
      // scan the full table again, and count the saturation again).
      if (nowMs < node.saturatedUntilMs) return null;
      const before = pods.size;
      for (const [k, m] of pods) if (m.lastMs < nowMs - STORAGE_HOLD_MS) pods.delete(k);
      dropped(c.node, node, before - pods.size, false, nowMs);
      if (pods.size >= MAX_PODS) {
        node.saturatedUntilMs = nowMs + STORAGE_HOLD_MS;
        dropped(c.node, node, 1, true, nowMs);
        return null;
      }
    }
    mark = { staged: false, bytes: 0, files: 0, lastMs: nowMs };
    pods.set(key, mark);
  }
  if (nowMs > mark.lastMs) mark.lastMs = nowMs;
  return mark;
}

function existingMark(c: ContainerState): PodMark | undefined {
  const key = keyOf(c);
  return key === null ? undefined : byNode.get(c.node)?.pods.get(key);
}

/** A container of the pod staged into the storage. */
export function notePodStaging(c: ContainerState, nowMs: number): void {
  const mark = markOf(c, nowMs);
  if (mark !== null) mark.staged = true;
}

/** A container of the pod read `bytes` (a new file or not) into the storage (./storage-ingest.ts). */
export function notePodIngest(c: ContainerState, bytes: number, newFile: boolean, nowMs: number): void {
  const mark = markOf(c, nowMs);
  if (mark === null) return;
  mark.bytes += bytes;
  if (newFile) mark.files++;
}

/** Whether a container of the pod staged into the storage (or its node's table is full: the module's comment). */
export function podStaged(c: ContainerState, nowMs: number): boolean {
  const node = byNode.get(c.node);
  if (node === undefined) return false;
  return nowMs < node.saturatedUntilMs || existingMark(c)?.staged === true;
}

/** What the pod's containers read into the storage, all told. */
export function podIngested(c: ContainerState): { bytes: number; files: number } {
  const mark = existingMark(c);
  return mark === undefined ? { bytes: 0, files: 0 } : { bytes: mark.bytes, files: mark.files };
}
