/**
 * Reads under the paths where a container's pod spec mounts a Secret (learned from the API server by
 * src/kubernetes/): sensitive, as if listed in `reads.extraSensitivePaths` for that container only. The
 * lookup is cached on the container and renewed only when the pod table's generation changes, so a file event
 * of a container without such mounts costs one comparison. A read before its pod is known counts as the path
 * rules say (docs/detection.md).
 */
import { createDeclassifier } from './not-sensitive.js';
import { PUBLIC_IN_SECRET_MOUNTS } from './paths.js';
import { fileThroughProcLink } from './procfs-paths.js';
import type { ContainerState } from './state.js';
import type { PodSecretLookup, SecretMountPaths } from './types.js';

export class PodSecretReads {
  private readonly isDeclassified: ((path: string) => boolean) | null;

  constructor(
    private readonly lookup: PodSecretLookup,
    notSensitivePaths: readonly string[],
  ) {
    this.isDeclassified = createDeclassifier(notSensitivePaths);
  }

  /** `path`, read by a process of `c`, is one of the secrets its pod spec mounts (and not declassified). */
  isSecret(c: ContainerState, path: string): boolean {
    if (c.podSecretsGen !== this.lookup.generation) {
      c.podSecretsGen = this.lookup.generation;
      c.podSecretMounts = c.pod === null ? null : this.lookup.mountsOf(c.pod.namespace, c.pod.name, c.ref.name);
    }
    const mounts = c.podSecretMounts;
    if (mounts === null) return false;
    const file = throughRootLinks(path);
    if (!inSecretMount(mounts, file)) return false;
    const base = file.slice(file.lastIndexOf('/') + 1);
    // The public files a projected volume puts beside a token, and the volume's own `..data` symlinks.
    if (PUBLIC_IN_SECRET_MOUNTS.has(base) || base.startsWith('..')) return false;
    return this.isDeclassified === null || !this.isDeclassified(file);
  }
}

/**
 * `/proc/self/root/etc/orders/secrets/x` (and `/proc/1/task/1/root/…`, `/dev/fd/…` links) is the file at the
 * root's path, as the path classifier reads it; a working-directory link leaves the directory unknown.
 */
function throughRootLinks(path: string): string {
  let file = path;
  while (file.charCodeAt(1) === 112 /* p */ || file.charCodeAt(1) === 100 /* d */) {
    const link = fileThroughProcLink(file);
    if (link === null || link.cwd) break;
    file = link.path;
  }
  return file;
}

function inSecretMount(mounts: SecretMountPaths, path: string): boolean {
  const { dirs, files } = mounts;
  for (let i = 0; i < dirs.length; i++) if (path.startsWith(dirs[i]!)) return true;
  if (files.length === 0) return false;
  // A volume's file read through the kubelet's atomic-writer directory (`..data/`, or the timestamped one the
  // sensor resolved it to: `/etc/app/..2026_12_01_03_47_44.123456789/token`) is the file at the mount's top.
  const top = path.includes('/..') ? path.replace(ATOMIC_WRITER_DIR, '/') : path;
  for (let i = 0; i < files.length; i++) if (path === files[i] || top === files[i]) return true;
  return false;
}

const ATOMIC_WRITER_DIR = /\/\.\.[^/]+\//;
