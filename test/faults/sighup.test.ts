/**
 * SIGHUP to the real daemon: Node's default ends the process at once (exit 129, no log line, the pushes the
 * correlator still held never judged). exfilwatch has no config reload, so it logs that and runs on: a
 * push written after the signal still raises its alert, and a SIGTERM afterwards stops it as usual.
 */
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, tempDir, waitFor } from './helpers/daemon.js';
import { attackScenario } from './helpers/scenario.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('SIGHUP (real daemon process)', () => {
  it('is logged and ignored: the daemon keeps detecting, then stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    writeFileSync(file, '');
    const d = await startDaemon(
      {
        sources: { tetragonFile: [{ path: file, startAt: 'start', pollIntervalMs: 20 }] },
        correlator: { latenessMs: 500, pushSettleMs: 500, destinations: { dnsRefreshMs: 0 } },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());

    d.child.kill('SIGHUP');
    await d.waitForLog((l) => l.signal === 'SIGHUP' && String(l.msg).startsWith('SIGHUP ignored'));
    await new Promise((r) => setTimeout(r, 300));
    expect(d.alive()).toBe(true);

    // Event time well behind the wall clock: the push is judged as soon as the stream passes it.
    const attack = attackScenario({ name: 'after-hup', startMs: Date.now() - 20 * 60_000 });
    appendFileSync(file, attack.tetragon.map((l) => `${l}\n`).join(''));
    await waitFor(
      () => d.alerts().some((a) => a.container.id === attack.containerId),
      'the alert of a push written after the SIGHUP',
      20_000,
    );

    d.child.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
  });
});
