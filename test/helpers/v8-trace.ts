/**
 * Runs a workload script in a child Node with V8's optimization and deoptimization traces on, for tests
 * that check a piece of code is not compiled again mid-stream (src/correlate/settle.ts,
 * src/io/detach-early.ts, the normalizer's shapes). The workload prints `MARK <name>` lines between its
 * phases; V8's trace lines land in the same stdout, in order.
 *
 * TurboFan compiles on the main thread (--no-concurrent-recompilation): a function marked hot is optimized
 * there and then, as many calls into the workload as it took to get hot, not whenever a background thread gets a
 * core. Concurrently, on a loaded box, a compile started before the marker finished after it (the correlator's
 * `ContainerState`, hot in the workload's last rounds, in about half the runs at load 9 with or without a given
 * change), and the run said nothing. The code compiled, and what invalidates it (a field's first other value or
 * type), is the same either way.
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
  const v8 = ['--no-concurrent-recompilation', '--trace-opt', '--trace-deopt'];
  const run = spawnSync(process.execPath, ['--import', 'tsx', ...v8, workload, ...args], {
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
