import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { traceV8 } from '../../helpers/v8-trace.js';

const workload = fileURLToPath(new URL('./detach-workload.ts', import.meta.url));

/** What V8 printed between the workload's markers: the first transfer of a buffer in the isolate. */
function aroundTransfer(mode: 'early' | 'bare'): { invalidated: string[]; optimized: boolean } {
  const trace = traceV8(workload, [mode]);
  expect(trace.stdout).toContain('done true');
  const from = trace.mark('before-transfer');
  const to = trace.mark('after-transfer');
  expect(to).toBeGreaterThan(from);
  return { invalidated: trace.invalidated(from, to), optimized: trace.optimized('sumBytes', from) };
}

describe('detachEarly', () => {
  it('control: without it, the first detached buffer throws away code optimized over typed arrays', () => {
    const { invalidated, optimized } = aroundTransfer('bare');
    expect(optimized).toBe(true);
    expect(invalidated).toContain('sumBytes');
  });

  it('with it, a later transfer throws nothing away', () => {
    const { invalidated, optimized } = aroundTransfer('early');
    expect(optimized).toBe(true);
    expect(invalidated).toEqual([]);
  });
});
