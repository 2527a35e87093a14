import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const workload = fileURLToPath(new URL('../../fixtures/pipeline/tenuring-workload.ts', import.meta.url));

/** Lines V8 prints when it reviews an allocation site's survival, after the workload's marker GC. */
function pretenuringReviews(mode: 'bare' | 'app'): number {
  const flags = ['--expose-gc', '--trace-gc', '--trace-pretenuring', '--trace-pretenuring-statistics'];
  const run = spawnSync(process.execPath, ['--import', 'tsx', ...flags, workload, mode], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain('done 8');
  const lines = run.stdout.split('\n');
  const marker = lines.findIndex((l) => l.includes('Mark-Compact') && l.includes('testing'));
  expect(marker, 'the marker GC line').toBeGreaterThanOrEqual(0);
  return lines.slice(marker + 1).filter((l) => l.includes('pretenuring:')).length;
}

describe('allocation-site pretenuring', () => {
  it('is reviewed by V8 in a bare process (the control: the workload does reach it)', () => {
    expect(pretenuringReviews('bare')).toBeGreaterThan(0);
  });

  it('is off in a process that created an app, so short-lived events are never tenured', () => {
    expect(pretenuringReviews('app')).toBe(0);
  });
});
