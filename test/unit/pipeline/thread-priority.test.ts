import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('../../fixtures/pipeline/thread-priority-child.ts', import.meta.url));

interface ChildReport {
  first: { lowered: number; skipped: number };
  second: { lowered: number; skipped: number };
  threads: Record<string, number>;
  mainTid: string;
  workerTid: string;
}

function run(nice: number): ChildReport {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, String(nice)], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim()) as ChildReport;
}

describe('lowerHelperThreadPriority', () => {
  if (process.platform === 'linux') {
    it('lowers the start-up helper threads, never the main thread or a worker started later', () => {
      // 19, the lowest priority: above whatever nice value the test runner itself runs at.
      const r = run(19);
      const base = r.threads[r.mainTid]!;
      expect(base).toBeLessThan(19);
      expect(r.first.lowered).toBeGreaterThan(0);
      // A worker started after the module loaded keeps the main thread's priority.
      expect(r.threads[r.workerTid]).toBe(base);
      const others = Object.entries(r.threads).filter(([tid]) => tid !== r.mainTid && tid !== r.workerTid);
      // Exactly the lowered threads are at 19; any thread started later (the worker's own) kept its value.
      expect(others.filter(([, n]) => n === 19)).toHaveLength(r.first.lowered);
      // Idempotent: nothing left to lower the second time.
      expect(r.second.lowered).toBe(0);
      expect(r.second.skipped).toBe(r.first.lowered + r.first.skipped);
    });

    it('leaves every thread alone with nice 0', () => {
      const r = run(0);
      expect(r.first).toEqual({ lowered: 0, skipped: 0 });
      const base = r.threads[r.mainTid];
      expect(Object.values(r.threads).every((n) => n === base)).toBe(true);
    });
  } else {
    it('does nothing off Linux', async () => {
      const { lowerHelperThreadPriority } = await import('../../../src/pipeline/thread-priority.js');
      expect(lowerHelperThreadPriority(7)).toEqual({ lowered: 0, skipped: 0 });
    });
  }
});
