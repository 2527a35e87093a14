/**
 * The NATS pump's view of the spool: a refused subject's alerts are set aside, so the pump never walks past
 * them (it did at every ack: quadratic in a long refusal), and put back in their places when it is taken again.
 */
import { describe, expect, it } from 'vitest';
import { PublishQueue } from '../../../src/sinks/nats/publish-queue.js';
import type { SpoolEntry } from '../../../src/sinks/nats/spool.js';

const entry = (seq: number, rule: string): SpoolEntry => ({
  seq,
  id: `a-${seq}`,
  severity: 'high',
  rule,
  payload: '{}',
});

function queueOf(rules: string[]) {
  const live = new Set<number>();
  const subjectCalls = { n: 0 };
  const q = new PublishQueue(
    (e) => {
      subjectCalls.n++;
      return e.rule;
    },
    (seq) => live.has(seq),
    () => live.size,
  );
  rules.forEach((rule, i) => {
    live.add(i + 1);
    q.add(entry(i + 1, rule));
  });
  return { q, live, subjectCalls };
}

const seqs = (q: PublishQueue) => [...q.sendable()].map((i) => i.entry.seq);

describe('PublishQueue', () => {
  it('walks only what may be sent: a held subject is set aside, however many alerts it has', () => {
    const { q, subjectCalls } = queueOf([...Array(10_000).fill('refused'), 'taken', 'taken']);
    q.hold('refused');
    let visited = 0;
    for (const _ of q.sendable()) visited++;
    expect(visited).toBe(2);
    expect(q.oldestHeld('refused', () => false)?.entry.seq).toBe(1);
    expect(q.oldestHeld('refused', (seq) => seq === 1)?.entry.seq).toBe(2);
    // One subject per entry, not one per entry per pass.
    for (let pass = 0; pass < 5; pass++) [...q.sendable()];
    expect(subjectCalls.n).toBe(10_002);
    expect(q.onlyHeldLeft()).toBe(false);
  });

  it('a released subject goes back in its places, oldest first among all; new alerts of a held one wait aside', () => {
    const { q, live } = queueOf(['a', 'b', 'a', 'b', 'a']);
    q.hold('b');
    expect(seqs(q)).toEqual([1, 3, 5]);
    live.add(6);
    q.add(entry(6, 'b'));
    q.forget(3, 'a');
    live.delete(3);
    expect(seqs(q)).toEqual([1, 5]);
    q.release('b');
    expect(seqs(q)).toEqual([1, 2, 4, 5, 6]);
  });

  it('forgets the alerts the spool dropped, held or not, and is left with only held ones when so', () => {
    const { q, live } = queueOf(['a', 'b', 'b']);
    q.hold('b');
    live.delete(2);
    expect(q.oldestHeld('b', () => false)?.entry.seq).toBe(3);
    live.delete(1);
    expect(q.onlyHeldLeft()).toBe(true);
    // A long refusal with a full spool: the spool drops old alerts as new ones come; the queue stays bounded.
    for (let seq = 10; seq < 20_000; seq++) {
      live.add(seq);
      q.add(entry(seq, 'b'));
      live.delete(seq - 5);
    }
    expect(q.tracked).toBeLessThanOrEqual(2 * live.size + 1024);
    expect(q.oldestHeld('b', () => false)?.entry.seq).toBe(3);
  });
});
