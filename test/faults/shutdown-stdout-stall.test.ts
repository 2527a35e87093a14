/**
 * `exfilwatch run` whose stdout is a pipe nobody reads (`exfilwatch run --alerts-stdout | stuck-reader`) is
 * gone by pipeline.shutdownTimeoutMs after SIGTERM (plus run's stated margin), not a fixed second later: the
 * write stuck in the full pipe held the event loop, and run's fallback exit waited 1 s after the stop had
 * already ended at the deadline (11.1 s with a 10 s timeout). NATS keeps every alert.
 */
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startNatsServer } from '../helpers/nats-server.js';
import { stalledPipe } from '../helpers/stalled-pipe.js';
import { startDaemon, tempDir, waitFor } from './helpers/daemon.js';
import { storedAlerts } from './helpers/jetstream.js';
import { attackBurst } from './helpers/scenario.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Enough alerts (~3 KB each) to fill the 64 KiB pipe and leave a write stuck in it. */
const ATTACKS = 60;
const SHUTDOWN_TIMEOUT_MS = 2000;

describe('shutdown with a stalled stdout (real daemon process, real pipe, real nats-server)', () => {
  it('exits 0 by shutdownTimeoutMs plus the stated margin, and NATS has every alert', async () => {
    const nats = await startNatsServer();
    cleanups.push(() => nats.dispose());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    const d = await startDaemon(
      {
        sources: { tetragonFile: [{ path: file, startAt: 'start', pollIntervalMs: 20 }] },
        sinks: { stdout: { enabled: true }, nats: { servers: [nats.url], spool: { dir: join(dir, 'spool') } } },
        correlator: { latenessMs: 500, pushSettleMs: 500, destinations: { dnsRefreshMs: 0 } },
        pipeline: { shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS },
      },
      { dir, stdout: stalledPipe((c) => cleanups.push(c)) },
    );
    cleanups.push(() => d.dispose());
    await d.waitForMetric('exfilwatch_sink_up', { sink: 'nats' }, (v) => v === 1);
    appendFileSync(
      file,
      attackBurst({ tag: 'stall', to: ATTACKS, startMs: Date.now() - 20 * 60_000, spacingMs: 3000 }),
    );
    await d.waitForMetric('exfilwatch_alerts_published_total', { sink: 'nats' }, (v) => v === ATTACKS, 30_000);
    // stdout is stuck: the pipe is full and a line waits in it.
    await waitFor(
      async () => (await d.metric('exfilwatch_queue_depth', { queue: 'sink:stdout' })) > 0,
      'alerts queued for the stalled stdout',
    );

    const signalled = Date.now();
    d.child.kill('SIGTERM');
    const { code } = await d.exited;
    const tookMs = Date.now() - signalled;
    expect(code).toBe(0);
    // Gone at the deadline (a stop still running then is cut short SHUTDOWN_EXIT_MARGIN_MS, 500 ms, later);
    // the old fallback exit came a full second after the stop had ended at the deadline (≥ timeout + 1000).
    expect(tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 900);
    expect(d.logs().some((l) => l.msg === 'exfilwatch stopped' && l.exitCode === 0)).toBe(true);
    expect(d.logs().some((l) => l.msg === 'shutdown did not finish in time; exiting')).toBe(false);
    expect(await storedAlerts(nats.url)).toHaveLength(ATTACKS);
  }, 90_000);
});
