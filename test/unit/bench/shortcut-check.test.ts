/**
 * The memory bench's normalizer shortcut must make the events the Tetragon normalizer makes (a new normalized
 * field, such as the execs' `cwd`, once broke only `npm run bench`, whose feed refuses to start on a difference).
 */
import { describe, expect, it } from 'vitest';
import { backgroundActivities } from '../../../bench/workload/background.js';
import { BENCH_NODE, BENCH_START_MS } from '../../../bench/workload/build.js';
import { shortcutMismatch } from '../../../bench/workload/shortcut-check.js';
import type { Activity } from '../../../src/scenarios/timeline.js';

const stream = () =>
  backgroundActivities({
    seed: 11,
    containers: 200,
    node: BENCH_NODE,
    startNs: BigInt(BENCH_START_MS) * 1_000_000n,
    stepNs: 200_000n,
  });

describe('the memory bench normalizer shortcut', () => {
  it('makes the Tetragon normalizer events, execs (with their cwd), exits, reads and sends alike', () => {
    const kinds = new Set<string>();
    const seen = stream();
    const counting: Iterator<Activity> = {
      next: () => {
        const n = seen.next();
        if (n.done !== true) kinds.add(n.value.type);
        return n;
      },
    };
    expect(shortcutMismatch(counting, 5_000)).toBeNull();
    expect([...kinds]).toEqual(expect.arrayContaining(['exec', 'exit', 'read']));
  });
});
