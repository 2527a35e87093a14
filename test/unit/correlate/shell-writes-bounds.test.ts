/**
 * What a script's commands carry from one to the next (../../../src/correlate/shell-writes.ts): `echo "$a$b" |
 * read c` gives `c` what `a` and `b` hold, so each step of a chain held twice what the step before it did; a
 * script of 831 characters (18 steps) took 31 s of the correlator's thread, 40 steps never ended (found by review
 * of the shell writes' result): every event of the node waited behind one `sh -c`. What a stream holds is bounded;
 * the file the chain started from is still what the script writes.
 */
import { describe, expect, it } from 'vitest';
import { shellCommands } from '../../../src/correlate/shell-script.js';
import { scriptWrites } from '../../../src/correlate/shell-writes.js';

/** `cat FILE | read v0; echo $v0 | read v1; echo $v0$v1 | read v2; …; echo $vN > /tmp/out`. */
function doublingChain(steps: number): string {
  let script = 'cat /etc/shadow | read v0';
  for (let i = 1; i < steps; i++) {
    const vars = Array.from({ length: i }, (_, k) => `$v${k}`).join('');
    script += `; echo ${vars} | read v${i}`;
  }
  return `${script}; echo $v${steps - 1} > /tmp/out`;
}

describe('a script whose variables double step by step', () => {
  it('is read to its end, its write naming the file the chain started from', () => {
    const script = doublingChain(40);
    expect(script.length).toBeLessThan(4_000);
    const { writes } = scriptWrites(shellCommands(script, '/w'));
    expect(writes.map((w) => w.target)).toEqual(['/tmp/out']);
    expect(new Set(writes[0]!.sources)).toEqual(new Set(['/etc/shadow']));
  });
});
