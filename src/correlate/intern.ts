/**
 * One copy of strings that repeat across the state: every event brings fresh copies,
 * and without this each container, listed file or destination held its own.
 */
import type { ContainerRef, PodRef } from '../model/normalized-event.js';

/**
 * Equal strings share one copy. Bounded: when full it starts afresh (strings already handed out keep
 * theirs), so a stream of ever-new values costs one Map of `max` entries. Listed paths (./reads.ts):
 * 66,000 listed in the bench stream were 1,548 distinct.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  constructor(private readonly max: number) {}

  intern(s: string): string {
    const held = this.strings.get(s);
    if (held !== undefined) return held;
    if (this.strings.size >= this.max) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  internOrNull(s: string | null): string | null {
    return s === null ? null : this.intern(s);
  }
}

const POOLED = 4096;

/**
 * The container and pod a container's state keeps, copied with shared strings: replicas of a workload
 * have the same image, namespace, container name and label keys and values (measured on the bench
 * stream: ~1 MB of 10,000 containers' refs were such copies). Ids and pod names stay as they came
 * (unique). Label sets are copied, not shared: keying them cost more than it saved where pods differ by
 * a label (the bench's pod-template-hash).
 */
export class RefPool {
  private readonly strings = new StringPool(POOLED);

  ref(r: ContainerRef): ContainerRef {
    return { id: r.id, name: this.strings.internOrNull(r.name), image: this.strings.internOrNull(r.image) };
  }

  pod(p: PodRef | null): PodRef | null {
    if (p === null) return null;
    const out: PodRef = { namespace: this.strings.intern(p.namespace), name: p.name };
    if (p.labels !== undefined) {
      const labels: Record<string, string> = {};
      for (const k in p.labels) labels[this.strings.intern(k)] = this.strings.intern(p.labels[k]!);
      out.labels = labels;
    }
    return out;
  }
}

/**
 * Equal paths share one copy, looked up by the hash the read path computed anyway (./distinct-files.ts
 * hashPath): a two-way table of `slots` entries, no Map. A `StringPool` hashed every listed path again
 * (V8 hashes a fresh string on each Map lookup) and probed a Map cold in the cache: ~0.6 µs per file
 * event of the bench stream (145k listings per 200k events). Paths that collide on a slot pair replace
 * each other (the copy is then not shared): sharing is a saving, never a result.
 */
export class HashedPathPool {
  private readonly paths: (string | undefined)[];
  private readonly mask: number;

  constructor(slots: number) {
    if (slots < 2 || (slots & (slots - 1)) !== 0) throw new RangeError('HashedPathPool needs a power of two >= 2');
    this.paths = new Array<string | undefined>(slots).fill(undefined);
    this.mask = slots - 2;
  }

  /** `hash` is hashPath(path). */
  intern(path: string, hash: number): string {
    const i = hash & this.mask;
    const paths = this.paths;
    const first = paths[i];
    if (first === path) return first;
    const second = paths[i + 1];
    if (second === path) return second;
    // The newest first, the one it pushes aside second (the older second goes).
    paths[i + 1] = first;
    paths[i] = path;
    return path;
  }
}
