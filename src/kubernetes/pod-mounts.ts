/**
 * A pod as the API server gives it (`GET /api/v1/pods`, the objects of a watch) → where each of its containers
 * has a secret on its file system. Pure: read only the few fields it needs, tolerate any other shape.
 */

import { posix } from 'node:path';
import type { SecretMountPaths } from '../correlate/types.js';

/** Where one container's secrets are: directories (each ending in `/`) and single files (`subPath` mounts). */
export type SecretMounts = SecretMountPaths;

/** A pod's identity and its containers' secret mounts (only containers that have some). */
export interface PodSecretMounts {
  namespace: string;
  name: string;
  containers: Map<string, SecretMounts>;
}

/** The Secrets Store CSI driver (Vault, AWS, Azure, GCP providers): every file it mounts is a secret. */
const SECRETS_STORE_CSI_DRIVER = 'secrets-store.csi.k8s.io';
/** Mount paths kept per container: a pod spec may list many, none of them needs more. */
const MAX_MOUNTS_PER_CONTAINER = 64;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * Which files of a volume are secrets: 'all', the paths of some of its files (a projected volume whose secret
 * sources name their items beside configMap or downwardAPI files), or null (none).
 */
function secretFiles(volume: Json): 'all' | string[] | null {
  if (isObject(volume.secret)) return 'all';
  if (isObject(volume.csi)) return volume.csi.driver === SECRETS_STORE_CSI_DRIVER ? 'all' : null;
  if (!isObject(volume.projected)) return null;
  // A token at a path the pod chooses (an audience-bound token for Vault or a cloud) is as secret as one at
  // the default path, which the path rules already cover. A configMap's files beside them are not secrets:
  // where every secret source names its files, only those are (a secret source without items: all of them).
  const files: string[] = [];
  for (const source of list(volume.projected.sources)) {
    if (isObject(source.serviceAccountToken)) {
      const at = text(source.serviceAccountToken.path);
      if (at === null) return 'all';
      files.push(at);
    } else if (isObject(source.secret)) {
      const items = list(source.secret.items);
      if (items.length === 0) return 'all';
      for (const item of items) {
        const at = text(item.path);
        const file = at === null ? null : volumePath(at);
        if (file === null) return 'all';
        files.push(file);
      }
    }
  }
  return files.length > 0 ? files : null;
}

/** The pod's identity, or null when the object is no pod (a watch's ERROR Status, a truncated object). */
export function podIdentity(pod: unknown): { namespace: string; name: string } | null {
  if (!isObject(pod) || !isObject(pod.metadata)) return null;
  const namespace = text(pod.metadata.namespace);
  const name = text(pod.metadata.name);
  return namespace === null || name === null ? null : { namespace, name };
}

export function podSecretMounts(pod: unknown): PodSecretMounts | null {
  const id = podIdentity(pod);
  if (id === null || !isObject(pod)) return null;
  const spec = isObject(pod.spec) ? pod.spec : {};
  const secretVolumes = new Map<string, 'all' | string[]>();
  for (const v of list(spec.volumes)) {
    const name = text(v.name);
    const files = name === null ? null : secretFiles(v);
    if (name !== null && files !== null) secretVolumes.set(name, files);
  }
  const containers = new Map<string, SecretMounts>();
  if (secretVolumes.size > 0) {
    for (const c of [...list(spec.initContainers), ...list(spec.containers), ...list(spec.ephemeralContainers)]) {
      const name = text(c.name);
      if (name === null) continue;
      const mounts = containerMounts(list(c.volumeMounts), secretVolumes);
      if (mounts !== null) containers.set(name, mounts);
    }
  }
  return { ...id, containers };
}

function containerMounts(
  volumeMounts: Json[],
  secretVolumes: ReadonlyMap<string, 'all' | string[]>,
): SecretMounts | null {
  const dirs: string[] = [];
  const files: string[] = [];
  for (const m of volumeMounts) {
    const volume = text(m.name);
    const at = text(m.mountPath);
    const secrets = volume === null ? undefined : secretVolumes.get(volume);
    if (secrets === undefined || at === null || !at.startsWith('/')) continue;
    if (dirs.length + files.length >= MAX_MOUNTS_PER_CONTAINER) break;
    const path = at.length > 1 && at.endsWith('/') ? at.slice(0, -1) : at;
    const subPathText = text(m.subPath);
    const subPath = subPathText === null ? null : volumePath(subPathText);
    const subPathExpr = text(m.subPathExpr) !== null; // expanded from the container's env: which one is unknown
    if (secrets !== 'all' && !subPathExpr) {
      // Only the volume's named secret files: those a subPath selects (itself, or under its directory), so a
      // configMap file projected beside them and mounted alone is none.
      const under = subPath === null ? '' : `${subPath}/`;
      for (const file of secrets) {
        if (file === subPath) files.push(path);
        else if (file.startsWith(under)) files.push(`${path === '/' ? '' : path}/${file.slice(under.length)}`);
      }
      continue;
    }
    // A subPath names one key's file (`subPath: db-password` at `/app/db-password`), or a directory of the
    // volume: both the path itself and what is under it.
    if (subPath !== null || subPathExpr) files.push(path);
    if (path === '/') continue; // a secret over the whole root would make every read sensitive: not a mount.
    dirs.push(`${path}/`);
  }
  return dirs.length + files.length === 0 ? null : { dirs, files };
}

/**
 * A path inside a volume as the kubelet joins it (filepath.Join cleans it): `./tls.key`, `db//password` and `db/`
 * name `tls.key`, `db/password` and `db`; `.` and `./` the volume itself (null).
 */
function volumePath(relative: string): string | null {
  const clean = posix.normalize(relative).replace(/\/+$/, '');
  return clean === '.' || clean === '' ? null : clean;
}
