/**
 * A SIGTERM while Node still loads a command's modules, before the command set its handlers (a supervisor
 * stopping a pod it just started): run, scan and events meet it as one that came just after (run stops
 * cleanly, exit 0), not Node's default (status 143). main.ts holds it (early-signals.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const TERM_WHILE_LOADING = join(root, 'test/fixtures/signals/term-while-loading.mjs');
const SAMPLE = join(root, 'test/fixtures/tetragon/process_exec.testdata.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-early-signal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with a SIGTERM sent as the module ending with `loading` loads: its exit code, or the signal. */
function cliTermedWhileLoading(
  loading: string,
  args: string[],
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', TERM_WHILE_LOADING, join(root, 'src/cli/main.ts'), ...args],
    { cwd: root, env: { ...process.env, TERM_WHILE_LOADING: loading }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const killer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  return new Promise((r) =>
    proc.on('close', (code, signal) => {
      clearTimeout(killer);
      r({ code, signal, stderr });
    }),
  );
}

describe('a SIGTERM before the command has its handlers', () => {
  it('run stops cleanly once started: exit 0, the stop logged', async () => {
    const exportFile = join(dir, 'tetragon.log');
    writeFileSync(exportFile, '');
    const r = await cliTermedWhileLoading('/src/cli/run.ts', [
      'run',
      '--tetragon-file',
      exportFile,
      '--alerts-stdout',
      '--metrics-addr',
      '127.0.0.1:0',
    ]);
    expect(r).toMatchObject({ code: 0, signal: null });
    expect(r.stderr).toContain('signal received during the start');
  }, 90_000);

  it('scan and events stop as for a signal after their start: exit 0', async () => {
    for (const command of ['scan', 'events']) {
      const r = await cliTermedWhileLoading(`/src/cli/${command}.ts`, [command, SAMPLE]);
      expect({ command, code: r.code, signal: r.signal }).toEqual({ command, code: 0, signal: null });
    }
  }, 90_000);
});
