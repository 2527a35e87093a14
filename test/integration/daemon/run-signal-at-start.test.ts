/**
 * `exfilwatch run` signalled during its start: a falco-http receiver listens (and answers 200) during the
 * start-up warm-up, so a SIGTERM then (a pod deleted as it starts) must stop it as a signal later would,
 * correlating what it took, exit 0; Node's default ended the process at once, those posts lost unlogged. A
 * SIGHUP then (there is no reload) is ignored as it is later: Node's default for it ended the process too.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execAlert } from '../../fixtures/falco/events.js';
import { startCli, stopChild } from './cli-process.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `exfilwatch run` with a falco-http receiver and a long warm-up, once its receiver listens: child and port. */
async function startedRunWithReceiver() {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-signal-at-start-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'pipeline:\n  warmUpMs: 10000\n');
  const run = startCli(
    ['run', '--config', config, '--falco-http', '127.0.0.1:0', '--alerts-stdout', '--metrics-addr', '127.0.0.1:0'],
    { NODE_NAME: 'node-test' },
  );
  cleanups.push(() => stopChild(run));
  const listening = await run.waitForLog((l) => l.msg === 'falco-http receiver listening');
  const port = Number(String(listening.listen).split(':').pop());
  const post = () =>
    fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: execAlert(),
    });
  return { run, post };
}

describe('exfilwatch run signalled during its start', () => {
  it('a SIGTERM during the warm-up stops it once started, with what the receiver took correlated', async () => {
    const { run, post } = await startedRunWithReceiver();
    expect((await post()).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    await run.waitForLog((l) => l.msg === 'signal received during the start: stopping once it is over', 1000);
    const stopped = await run.waitForLog((l) => l.msg === 'exfilwatch stopped', 1000);
    expect(stopped).toMatchObject({ exitCode: 0, events: 1 });
  });

  it('a SIGHUP during the warm-up is logged and ignored: it starts, runs and stops as ever', async () => {
    const { run, post } = await startedRunWithReceiver();
    run.child.kill('SIGHUP');
    await run.waitForLog((l) => l.msg?.toString().startsWith('SIGHUP ignored') === true);
    await run.waitForLog((l) => l.msg === 'exfilwatch running');
    expect((await post()).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const stopped = await run.waitForLog((l) => l.msg === 'exfilwatch stopped', 1000);
    expect(stopped).toMatchObject({ exitCode: 0, events: 1 });
  });

  it('a SIGHUP while the config is still being read is said once the logger exists, and it runs on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-hangup-at-load-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // A named pipe: reading the config blocks until the test writes it, so the hang-up lands during the read.
    const config = join(dir, 'config.fifo');
    execFileSync('mkfifo', [config]);
    const run = startCli(['run', '--config', config, '--alerts-stdout', '--metrics-addr', '127.0.0.1:0'], {
      NODE_NAME: 'node-test',
    });
    cleanups.push(() => stopChild(run));
    // The config's validating child is started (it is the one reading the pipe): the daemon's handlers are set.
    // Any child would not do: tsx's esbuild service is one, started while the daemon's modules still load, and
    // a SIGHUP then ended the daemon before its handler was set (default action), leaving no reader for the
    // pipe (a full integration run at load 8-15 hung on the write below for 35 min).
    const pid = run.child.pid!;
    const hasChild = () =>
      readdirSync('/proc').some(
        (p) => /^\d+$/.test(p) && statusPpid(p) === pid && cmdline(p).includes('run-config-process'),
      );
    const deadline = Date.now() + 30_000;
    while (!hasChild()) {
      if (Date.now() > deadline) throw new Error('the config was never read');
      await new Promise((r) => setTimeout(r, 20));
    }
    run.child.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 200));
    // Written asynchronously: a write to a pipe nobody reads blocks its thread, and written synchronously it held
    // the test's event loop, so the test timeout never fired and the whole run hung.
    cleanups.push(() => closeSync(openSync(config, constants.O_RDONLY | constants.O_NONBLOCK)));
    await writeFile(config, 'logLevel: info\n');
    await run.waitForLog((l) => l.msg?.toString().startsWith('SIGHUP ignored') === true);
    await run.waitForLog((l) => l.msg === 'exfilwatch running');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});

/** A process's parent pid from /proc (null when it is gone). */
function statusPpid(pid: string): number | null {
  try {
    const m = /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** A process's command line, its words space-joined ('' when it is gone). */
function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
