/**
 * `exfilwatch events` stopped by a signal, as a supervisor or a shell stops it: exit 0 as `run` does, with a
 * stdout nobody reads given pipeline.shutdownTimeoutMs and no more, and a signal while the config is still
 * read handled too (both ended it with status 143: the first waited for the reader until a second signal).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const SAMPLE = join(root, 'test/fixtures/tetragon/process_exec.testdata.jsonl');

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-events-signal-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function startEvents(args: string[]): { proc: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'events', ...args], {
    cwd: root,
    env: { ...process.env, NODE_NAME: 'events-signal-node' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  // 'exit', not 'close': a child stopped with lines still in its pipe to us has exited all the same.
  const exit = new Promise<number | null>((r) => proc.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))));
  return { proc, stderr: () => err, exit };
}

/** The exit code, or 'running' when it has not exited within `ms`. */
function exitWithin(exit: Promise<number | null>, ms: number): Promise<number | null | 'running'> {
  return Promise.race([exit, new Promise<'running'>((r) => setTimeout(() => r('running'), ms))]);
}

describe('exfilwatch events stopped by a signal', () => {
  it('SIGTERM with stdout not read: exits 0 within pipeline.shutdownTimeoutMs, saying what it did not print', async () => {
    const dir = tmp();
    // ~60k events: far more than a pipe and the reading stream's buffer hold.
    const input = join(dir, 'exec.jsonl');
    writeFileSync(input, readFileSync(SAMPLE, 'utf8').repeat(20_000));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'pipeline:\n  shutdownTimeoutMs: 1000\n');
    const run = startEvents(['--config', config, input]);
    // It prints; then nobody reads (a paused `| less`, a stuck supervisor pipe).
    await new Promise((r) => run.proc.stdout!.once('data', r));
    run.proc.stdout!.pause();
    await new Promise((r) => setTimeout(r, 500));
    run.proc.kill('SIGTERM');
    expect(await exitWithin(run.exit, 8_000)).toBe(0);
    expect(run.stderr()).toContain('stdout did not take the last events in time');
  });

  it('SIGTERM while the config is still being read: exits 0', async () => {
    const dir = tmp();
    // A named pipe: opening it blocks until the test writes it, so the signal lands during the read.
    const config = join(dir, 'config.fifo');
    execFileSync('mkfifo', [config]);
    const run = startEvents(['--config', config, '--tetragon-file', join(dir, 'export.log')]);
    const pid = run.proc.pid!;
    const until = Date.now() + 20_000;
    while (readFileSync(`/proc/${pid}/wchan`, 'utf8') !== 'wait_for_partner') {
      if (Date.now() > until) throw new Error(`never opened the config; stderr: ${run.stderr()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    run.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    // Opened read-write, the write never blocks: a process the signal ended has left no reader.
    const fd = openSync(config, constants.O_RDWR);
    writeSync(fd, 'logLevel: warn\n');
    closeSync(fd);
    expect(await exitWithin(run.exit, 10_000)).toBe(0);
  });
});
