/**
 * Runs a workload script in a child Node with V8's optimization and deoptimization traces on, for tests
 * that check a piece of code is not compiled again mid-stream (src/correlate/settle.ts,
 * src/io/detach-early.ts, the normalizer's shapes). The workload prints `MARK <name>` lines between its
 * phases; V8's trace lines land in the same stdout, in order.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

export interface V8Trace {
  stdout: string;
  /** Where `MARK <name>` starts in stdout (fails the test when the workload never printed it). */
  mark(name: string): number;
  /** Functions whose optimized code V8 threw away because an assumption about a shape broke, in stdout[from, to). */
  invalidated(from: number, to?: number): string[];
  /** Whether V8 finished optimizing `fn` in stdout[0, to). */
  optimized(fn: string, to: number): boolean;
}

export function traceV8(workload: string, args: string[] = []): V8Trace {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--trace-opt', '--trace-deopt', workload, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.status, run.stderr).toBe(0);
  const stdout = run.stdout;
  return {
    stdout,
    mark(name) {
      const at = stdout.indexOf(`MARK ${name}`);
      expect(at, `MARK ${name}`).toBeGreaterThanOrEqual(0);
      return at;
    },
    invalidated: (from, to = stdout.length) =>
      [...stdout.slice(from, to).matchAll(/marking dependent code .*?<SharedFunctionInfo ?([^>]*)>/g)].map(
        (m) => m[1]!,
      ),
    optimized: (fn, to) =>
      new RegExp(`completed (compiling|optimizing) .*<JSFunction ${fn.replace(/[$]/g, '\\$&')} `).test(
        stdout.slice(0, to),
      ),
  };
}
