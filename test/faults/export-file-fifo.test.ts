/**
 * A FIFO where the Tetragon export file should be, against the real daemon (`exfilwatch run` as a child
 * process). open(2) on a FIFO with no writer blocks; if it is ever issued blocking, a libuv thread is stuck
 * there for good and the process cannot exit. Expected, as for a directory: said once, retried,
 * source_up 0 and /readyz 503 while so, lines read once a regular file is back, and SIGTERM ends it.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, tempDir, waitFor } from './helpers/daemon.js';
import { attackScenario } from './helpers/scenario.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Far above a clean stop (well under a second), far below "never". */
const EXIT_BUDGET_MS = 15_000;

describe('export file path holding a FIFO', () => {
  it('is reported and retried, recovers on a regular file, and the daemon still exits on SIGTERM', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    execFileSync('mkfifo', [file]);
    const d = await startDaemon(
      {
        sources: { tetragonFile: [{ path: file, pollIntervalMs: 50 }] },
        sinks: { stdout: { enabled: true } },
        correlator: { destinations: { dnsRefreshMs: 0 } },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    // A daemon stuck in open(2) on the FIFO is released by a writer end (so a failing test still ends).
    cleanups.push(() => {
      try {
        closeSync(openSync(file, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {}
    });
    const up = { source: 'tetragon-file' };
    const notRegular = (l: Record<string, unknown>) =>
      l.msg === 'waiting for the export file' && String(l.detail).includes('not a regular file');

    await d.waitForLog(notRegular);
    expect(await d.metric('exfilwatch_source_up', up)).toBe(0);
    expect((await fetch(`${d.base}/readyz`)).status).toBe(503);

    // A regular file in its place: read from its start, up.
    const attack = attackScenario({ name: 'file-fifo', startMs: Date.now() - 3000 });
    const lines = attack.tetragon.slice(0, 20);
    const seen = async () =>
      (await d.metric('exfilwatch_events_total', { source: 'tetragon' })) +
      (await d.metric('exfilwatch_events_dropped_total', { reason: 'ignored' }));
    rmSync(file);
    writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
    await d.waitForMetric('exfilwatch_source_up', up, (v) => v === 1);
    await waitFor(async () => (await seen()) === lines.length, `${lines.length} lines read`);

    // The followed file replaced by a FIFO: down again, and that FIFO still there at SIGTERM.
    rmSync(file);
    execFileSync('mkfifo', [file]);
    await d.waitForMetric('exfilwatch_source_up', up, (v) => v === 0);
    await waitFor(() => d.logs().filter(notRegular).length === 2, 'the FIFO reported again');

    d.child.kill('SIGTERM');
    const exit = await Promise.race([
      d.exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), EXIT_BUDGET_MS)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
