/**
 * One copy of strings (and label sets) that repeat across the state: every event brings fresh copies,
 * and without this each container, listed file or destination held its own.
 */

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
