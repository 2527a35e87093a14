import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { traceV8 } from '../../helpers/v8-trace.js';

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
    const trace = traceV8(workload);
    expect(trace.stdout).toMatch(/^done 26148 /m);
    const marker = trace.mark('late');
    expect(marker).toBeGreaterThan(0);
    // The workload does get the hot path optimized before the late events (else there is nothing to lose).
    for (const fn of ['one', 'ProcState', 'ContainerState']) expect(trace.optimized(fn, marker), fn).toBe(true);
    expect(trace.invalidated(marker).filter((fn) => SETTLED.has(fn))).toEqual([]);
  });
});
