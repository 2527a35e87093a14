/**
 * `exfilwatch run --falco-grpc` with no Falco at the address says so at the default level, at once, like
 * tetragon-grpc (detection is blind meanwhile), instead of retrying silently at debug.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, stopChild } from './cli-process.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('exfilwatch run --falco-grpc with the socket missing', () => {
  it('warns naming the address and the reason, and keeps running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-falco-grpc-warn-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sock = join(dir, 'falco.sock');
    const run = startCli(['run', '--falco-grpc', `unix://${sock}`, '--alerts-stdout', '--metrics-addr', '127.0.0.1:0']);
    cleanups.push(() => stopChild(run));
    const warning = await run.waitForLog((l) => l.level === 40 && String(l.source).startsWith('falco-grpc'), 10_000);
    expect(warning.msg).toBe(
      `falco-grpc unix://${sock}: cannot connect: ${sock}: socket path does not exist (yet); retrying`,
    );
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGTERM');
    const code = await run.exited;
    // Once in a full CI run this exit was by a signal (code null), not reproduced since: say which, and the last log lines.
    expect(code, `signal ${run.child.signalCode}; stderr ends: ${run.stderr().slice(-1500)}`).toBe(0);
  });
});
