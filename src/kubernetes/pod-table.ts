/**
 * The secret mounts of this node's pods, by namespace, pod and container: what the watch (./pod-watch.ts) keeps
 * and the correlator reads. Only pods with a secret mount take room; the table is bounded by `maxPods`.
 * `generation` changes with every change, so a container's state can keep its lookup until then.
 */
import type { PodSecretLookup } from '../correlate/types.js';
import type { PodSecretMounts, SecretMounts } from './pod-mounts.js';

const key = (namespace: string, name: string) => `${namespace}/${name}`;

export class PodSecretTable implements PodSecretLookup {
  generation = 0;
  private readonly pods = new Map<string, Map<string, SecretMounts>>();

  constructor(
    private readonly maxPods: number,
    private readonly dropped: { inc(): void },
    private readonly sized: { set(n: number): void } = { set: () => undefined },
  ) {}

  get size(): number {
    return this.pods.size;
  }

  mountsOf(namespace: string, pod: string, container: string | null): SecretMounts | null {
    const containers = this.pods.get(key(namespace, pod));
    if (containers === undefined) return null;
    if (container !== null) return containers.get(container) ?? containers.get(specName(container)) ?? null;
    // The sensor did not name the container: any of the pod's secret mounts.
    const dirs: string[] = [];
    const files: string[] = [];
    for (const m of containers.values()) {
      dirs.push(...m.dirs);
      files.push(...m.files);
    }
    return { dirs, files };
  }

  /** A pod added or changed; false when it was not kept (the table is full). */
  set(pod: PodSecretMounts): boolean {
    const k = key(pod.namespace, pod.name);
    if (pod.containers.size === 0) {
      this.delete(pod.namespace, pod.name);
      return true;
    }
    if (!this.pods.has(k) && this.pods.size >= this.maxPods) {
      this.dropped.inc();
      return false;
    }
    const before = this.pods.get(k);
    this.pods.set(k, pod.containers);
    this.sized.set(this.pods.size);
    if (before === undefined || !sameMounts(before, pod.containers)) this.generation++;
    return true;
  }

  delete(namespace: string, name: string): void {
    if (!this.pods.delete(key(namespace, name))) return;
    this.generation++;
    this.sized.set(this.pods.size);
  }

  /** A fresh list: what it does not hold is gone (deleted while the watch was down). */
  replace(pods: readonly PodSecretMounts[]): void {
    const listed = new Set(pods.map((p) => key(p.namespace, p.name)));
    for (const k of [...this.pods.keys()]) {
      if (!listed.has(k)) {
        this.pods.delete(k);
        this.generation++;
      }
    }
    this.sized.set(this.pods.size);
    for (const p of pods) this.set(p);
  }
}

/**
 * The pod spec's container name in a Docker engine's name for it, `k8s_<container>_<pod>_<namespace>_<uid>_<n>`
 * (cri-dockerd, formerly dockershim): what Falco gives as container.name there. Container names have no `_`.
 */
function specName(container: string): string {
  if (!container.startsWith('k8s_')) return container;
  const end = container.indexOf('_', 4);
  return end < 0 ? container : container.slice(4, end);
}

function sameMounts(a: Map<string, SecretMounts>, b: Map<string, SecretMounts>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, m] of a) {
    const o = b.get(name);
    if (o === undefined || o.dirs.join('\0') !== m.dirs.join('\0') || o.files.join('\0') !== m.files.join('\0'))
      return false;
  }
  return true;
}
