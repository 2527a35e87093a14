import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const workload = fileURLToPath(new URL('./settle-workload.ts', import.meta.url));

/**
 * The correlator's functions whose optimized code relied on a state field keeping its first value: the
 * first push, rare process, sensitive read or expiry (after the marker) threw them away before
 * settleShapes() (src/correlate/settle.ts), e.g. `ContainerState ProcState one record onFile`.
 */
const SETTLED = new Set([
  'ContainerState',
  'ProcState',
  'DistinctFiles',
  // A class's field initializers (DistinctFiles' when its first table turns into a sketch).
  '<instance_members_initializer',
  'one',
  'record',
  'onFile',
  'destOf',
  'procOf',
]);

describe('settleShapes', () => {
  it('leaves nothing for the rarer state changes of a stream to invalidate in the optimized correlator', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--trace-opt', '--trace-deopt', workload], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^done 26127 /m);
    const marker = run.stdout.indexOf('MARK late');
    expect(marker).toBeGreaterThan(0);
    const before = run.stdout.slice(0, marker);
    // The workload does get the hot path optimized before the late events (else there is nothing to lose).
    for (const fn of ['one', 'ProcState', 'ContainerState']) {
      expect(before, fn).toMatch(new RegExp(`completed optimizing .*<JSFunction ${fn} `));
    }
    const invalidated = [
      ...run.stdout.slice(marker).matchAll(/marking dependent code .*?<SharedFunctionInfo ([^>]*)>/g),
    ]
      .map((m) => m[1]!)
      .filter((fn) => SETTLED.has(fn));
    expect(invalidated).toEqual([]);
  });
});
