/** Runs the real CLI (`node --import tsx src/cli/main.ts …`) as a child process for daemon tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captureOutput } from '../../helpers/child-output.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves with the first JSON log line on stderr that matches. */
  waitForLog(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NATS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const io = captureOutput(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: io.stdout,
    stderr: io.stderr,
    exited,
    async waitForLog(pred, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = io.logs().find(pred);
        if (hit) return hit;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`log line not seen (exit ${child.exitCode}); stderr:\n${io.stderr()}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** Runs the CLI to completion. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

export function stopChild(run: CliRun): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return Promise.resolve();
  run.child.kill('SIGKILL');
  return run.exited.then(() => undefined);
}
