import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const workload = fileURLToPath(new URL('./detach-workload.ts', import.meta.url));

/** What V8 printed between the workload's markers: the first transfer of a buffer in the isolate. */
function aroundTransfer(mode: 'early' | 'bare'): { between: string; optimized: boolean } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--trace-opt', '--trace-deopt', workload, mode], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain('done true');
  const from = run.stdout.indexOf('MARK before-transfer');
  const to = run.stdout.indexOf('MARK after-transfer');
  expect(from).toBeGreaterThanOrEqual(0);
  expect(to).toBeGreaterThan(from);
  const before = run.stdout.slice(0, from);
  return { between: run.stdout.slice(from, to), optimized: /completed (compiling|optimizing).*sumBytes/.test(before) };
}

describe('detachEarly', () => {
  it('control: without it, the first detached buffer throws away code optimized over typed arrays', () => {
    const { between, optimized } = aroundTransfer('bare');
    expect(optimized).toBe(true);
    expect(between).toMatch(/marking dependent code.*sumBytes/);
  });

  it('with it, a later transfer throws nothing away', () => {
    const { between, optimized } = aroundTransfer('early');
    expect(optimized).toBe(true);
    expect(between).not.toMatch(/marking dependent code/);
  });
});
