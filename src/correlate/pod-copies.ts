/**
 * Secrets copied into a volume the pod's containers share. Tekton's and Argo Workflows' steps are containers
 * of one pod sharing a workspace: step 1 runs `cp /var/run/secrets/kubernetes.io/serviceaccount/token
 * /workspace/source/`, step 2 pushes the workspace (kaniko, `git push`). State is per container, so the copy
 * counts in step 1 (./relinks.ts), which pushes nothing, and step 2 reads `/workspace/source/token`, a name
 * that says nothing: its push would be `low`. A copy, move or link of a sensitive file (`cp`, `mv`, `ln`,
 * `install`, `rsync`, an archive `tar`, `zip` or `7z` writes, `dd`, a shell's inline script's redirections and
 * pipes: ./relinks.ts) is remembered for the pod where its command line puts it (a relative path
 * from the exec's working directory), and another container of that pod reading the copy within `windowMs`
 * reads a secret. Only what a command line shows: a copy by a script file, to a relative path when the sensor
 * gave no working directory, or into a volume mounted elsewhere in the reader, is not seen.
 */
import type { Relink } from './relinks.js';
import type { ContainerState } from './state.js';

/** Pods remembered per correlator (the pod whose last copy is oldest goes first), and copies per pod. */
const MAX_PODS_WITH_COPIES = 1024;
const MAX_COPIES_PER_POD = 8;

interface SecretCopy {
  node: string;
  namespace: string;
  /** The copy's path when the target may be the new name itself (not `intoDirectory`), else null. */
  target: string | null;
  /** The source was a file (Relink.filesOnly): the target is the copy itself, not a directory copied whole. */
  targetIsFile: boolean;
  /**
   * Where the source is when the target is a directory it went into (Relink.into): `/workspace/source/token` for
   * a copy into `/workspace/source/`, `/workspace/var/run/…/token` with `cp --parents`.
   */
  below: string;
  containerId: string;
  timeMs: number;
}

export class PodSecretCopies {
  /** By pod name (no key built per read); node and namespace are compared in the entries. */
  private readonly pods = new Map<string, SecretCopy[]>();

  constructor(
    private readonly windowMs: number,
    private readonly evicted: { inc(): void },
  ) {}

  /**
   * A process of `c` copied, moved or linked the sensitive source number `i` of `to` where `to` says (nothing
   * when its destination is unknown: relative, with no working directory).
   */
  note(node: string, c: ContainerState, to: Relink, i: number, timeMs: number): void {
    const { target, intoDirectory } = to;
    const below = to.into[i];
    if (target === null || below === undefined || c.pod === null) return;
    const key = c.pod.name;
    const copy: SecretCopy = {
      node,
      namespace: c.pod.namespace,
      target: intoDirectory ? null : target,
      targetIsFile: to.filesOnly,
      below,
      containerId: c.ref.id,
      timeMs,
    };
    const copies = this.pods.get(key);
    if (copies !== undefined) {
      if (copies.length >= MAX_COPIES_PER_POD) {
        copies.shift();
        this.evicted.inc();
      }
      copies.push(copy);
      // Least recently copied goes first: a pod copying again is moved to the end of the Map's order.
      this.pods.delete(key);
      this.pods.set(key, copies);
      return;
    }
    if (this.pods.size >= MAX_PODS_WITH_COPIES) {
      const oldest = this.pods.keys().next().value;
      if (oldest !== undefined) this.pods.delete(oldest);
      this.evicted.inc();
    }
    this.pods.set(key, [copy]);
  }

  /** Is `path`, read by a process of `c` at `timeMs`, a secret another container of its pod copied there? */
  isCopy(node: string, c: ContainerState, path: string, timeMs: number): boolean {
    if (this.pods.size === 0 || c.pod === null) return false;
    const copies = this.pods.get(c.pod.name);
    if (copies === undefined) return false;
    for (const copy of copies) {
      if (copy.containerId === c.ref.id || copy.node !== node || copy.namespace !== c.pod.namespace) continue;
      if (copy.timeMs > timeMs || timeMs - copy.timeMs > this.windowMs) continue;
      if (within(path, copy.below)) return true;
      if (copy.target !== null && (path === copy.target || (!copy.targetIsFile && within(path, copy.target))))
        return true;
    }
    return false;
  }

  /** Forgets copies older than the window (called from the correlator's periodic sweep). */
  sweep(nowMs: number): void {
    for (const [key, copies] of this.pods) {
      const kept = copies.filter((copy) => nowMs - copy.timeMs <= this.windowMs);
      if (kept.length === 0) this.pods.delete(key);
      else if (kept.length !== copies.length) this.pods.set(key, kept);
    }
  }
}

/** The file itself, or one below it (a directory copied whole: `cp -r ~/.kube /workspace/k`). */
function within(path: string, target: string): boolean {
  return path === target || (path.length > target.length && path.startsWith(target) && path[target.length] === '/');
}
