import { describe, expect, it } from 'vitest';
import { isStandardRun, parseBenchArgs, savedRunName } from '../../../bench/lib/options.js';

describe('bench options', () => {
  it('takes a container count for the workload and marks the run as not the standard one', () => {
    const standard = parseBenchArgs([]);
    expect(standard.containers).toBe(5_000);
    const o = parseBenchArgs(['--only', 'grpc', '--containers', '200']);
    expect(o.containers).toBe(200);
    expect(o.memoryContainers).toBe(10_000);
    expect(savedRunName(o)).toBe('default-c200-only-grpc');
    expect(savedRunName(standard)).toBe('default');
    expect(savedRunName(parseBenchArgs(['--quick', '--containers', '5000']))).toBe('quick-c5000');
    // The mode's own count is its standard workload.
    expect(savedRunName(parseBenchArgs(['--containers', '5000']))).toBe('default');
  });

  it('rejects a container count that is not a positive integer', () => {
    for (const bad of ['0', '-3', '2.5', 'many', undefined]) {
      const argv = bad === undefined ? ['--containers'] : ['--containers', bad];
      expect(() => parseBenchArgs(argv)).toThrow('--containers needs a positive integer');
    }
  });

  it('summarizes standard runs only: not partial ones, not ones over another workload', () => {
    expect(isStandardRun('results-default-2026-11-29T06-01-19-118Z.json', 'default')).toBe(true);
    expect(isStandardRun('results-default-only-grpc-2026-11-29T06-01-19-118Z.json', 'default')).toBe(false);
    expect(isStandardRun('results-default-c200-2026-11-29T06-01-19-118Z.json', 'default')).toBe(false);
    expect(isStandardRun('results-default-c200-only-grpc-2026-11-29T06-01-19-118Z.json', 'default')).toBe(false);
    expect(isStandardRun('results-quick-2026-11-29T06-01-19-118Z.json', 'default')).toBe(false);
    expect(isStandardRun('latest-default.md', 'default')).toBe(false);
  });
});
