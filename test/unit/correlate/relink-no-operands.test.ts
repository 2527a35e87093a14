/**
 * `cp`, `mv`, `ln` or `install` run with options alone (`cp --version`, `mv --help`, a bare `install`) names no
 * destination: the copy reader (../../../src/correlate/relinks.ts) took the last operand, which was none, and threw
 * on every such exec (found by review: each was a correlator error, counted and logged, and the exec's staging
 * and secret-move checks were skipped).
 */
import { describe, expect, it } from 'vitest';
import { relinked } from '../../../src/correlate/relinks.js';
import { counterValue, run, Scenario } from './builder.js';

const OPTIONS_ONLY = [
  ['/bin/cp', '--version'],
  ['/bin/mv', '--help'],
  ['/bin/ln', '-s'],
  ['/usr/bin/install', ''],
  ['/bin/busybox', 'cp'],
] as const;

describe('a copy command line with no operand', () => {
  it('copies nothing', () => {
    for (const [binary, args] of OPTIONS_ONLY) {
      const relink = relinked(binary, args, '/workspace');
      expect([relink.sources, relink.target], `${binary} ${args}`).toEqual([[], null]);
    }
  });

  it('is no correlator error', async () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    for (const [binary, args] of OPTIONS_ONLY) s.exec(c, binary, args, { parent: sh, cwd: '/workspace' });
    const { metrics } = run(s.events);
    expect(await counterValue(metrics, 'exfilwatch_component_errors_total', { component: 'correlator' })).toBe(0);
  });
});
