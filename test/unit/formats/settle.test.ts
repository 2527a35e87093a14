import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const workload = fileURLToPath(new URL('./settle-workload.ts', import.meta.url));

describe('Tetragon event shapes', () => {
  it('take a null byte count after thousands of numbers without throwing the optimized normalizer away', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--trace-opt', '--trace-deopt', workload], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^MARK close 60000$/m);
    expect(run.stdout).toMatch(/^done 100$/m);
    const marker = run.stdout.indexOf('MARK close');
    expect(run.stdout.slice(0, marker)).toMatch(/completed optimizing .*<JSFunction normalizeTetragonJson /);
    const invalidated = [
      ...run.stdout.slice(marker).matchAll(/marking dependent code .*?<SharedFunctionInfo ([^>]*)>/g),
    ].map((m) => m[1]);
    expect(invalidated).toEqual([]);
  });
});
