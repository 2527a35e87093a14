import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { traceV8 } from '../../helpers/v8-trace.js';

const workload = fileURLToPath(new URL('./settle-workload.ts', import.meta.url));

describe('Tetragon event shapes', () => {
  it('take a null byte count after thousands of numbers without throwing the optimized normalizer away', () => {
    const trace = traceV8(workload);
    expect(trace.stdout).toMatch(/^MARK close 60000$/m);
    expect(trace.stdout).toMatch(/^done 100$/m);
    const marker = trace.mark('close');
    expect(trace.optimized('normalizeTetragonJson', marker)).toBe(true);
    expect(trace.invalidated(marker)).toEqual([]);
  });
});
