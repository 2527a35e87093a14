import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('../../fixtures/pipeline/thread-priority-child.ts', import.meta.url));
const appChild = fileURLToPath(new URL('../../fixtures/pipeline/thread-priority-app-child.ts', import.meta.url));

interface ChildReport {
  first: { lowered: number; skipped: number };
  second: { lowered: number; skipped: number };
  threads: Record<string, number>;
  mainTid: string;
  workerTid: string;
}

function runScript<T>(script: string, arg: string, niceBy = 0): T {
  const argv = [process.execPath, '--import', 'tsx', script, arg];
  const [cmd, ...args] = niceBy > 0 ? ['nice', '-n', String(niceBy), ...argv] : argv;
  const r = spawnSync(cmd!, args, { encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim()) as T;
}

const run = (nice: number) => runScript<ChildReport>(child, String(nice));

/** Nice values of the threads other than the main one, and the main thread's. */
function appThreads(mode: 'live' | 'offline', niceBy = 0): { main: number; others: number[] } {
  const r = runScript<Pick<ChildReport, 'threads' | 'mainTid'>>(appChild, mode, niceBy);
  return {
    main: r.threads[r.mainTid]!,
    others: Object.entries(r.threads)
      .filter(([tid]) => tid !== r.mainTid)
      .map(([, n]) => n),
  };
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

    it('a live app lowers its helper threads at start; an offline one (scan) does not', async () => {
      const { HELPER_THREAD_NICE } = await import('../../../src/pipeline/thread-priority.js');
      const live = appThreads('live');
      // Relative to the main thread, so a daemon started under `nice` (or this suite) still ranks them lower.
      expect(live.main).toBeLessThan(19);
      const lowered = Math.min(19, live.main + HELPER_THREAD_NICE);
      expect(live.others.filter((n) => n === lowered).length).toBeGreaterThan(0);
      const offline = appThreads('offline');
      expect(offline.others.every((n) => n === offline.main)).toBe(true);
    });

    it('ranks the helpers below the main thread when the daemon itself runs under nice', async () => {
      const { HELPER_THREAD_NICE } = await import('../../../src/pipeline/thread-priority.js');
      const plain = appThreads('live');
      const niced = appThreads('live', 8);
      expect(niced.main).toBe(Math.min(19, plain.main + 8));
      expect(niced.main).toBeLessThan(19);
      // An absolute nice value (5) would have left them level with, or above, a main thread at nice ≥ 5.
      expect(niced.others.filter((n) => n === Math.min(19, niced.main + HELPER_THREAD_NICE)).length).toBeGreaterThan(0);
      expect(niced.others.every((n) => n >= niced.main)).toBe(true);
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
