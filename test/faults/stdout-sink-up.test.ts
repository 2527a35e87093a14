/**
 * exfilwatch_sink_up has a stdout series (it used to have only nats's): 1 while the daemon's stdout takes
 * alert lines, 0 once its reader has gone away (EPIPE), with the daemon still running.
 */
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, tempDir } from './helpers/daemon.js';
import { attackScenario } from './helpers/scenario.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('exfilwatch_sink_up{sink="stdout"} (real daemon process, real pipe)', () => {
  it('is 1 while stdout is read, 0 once the reader closed the pipe and a line met EPIPE', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    const d = await startDaemon(
      {
        sources: { tetragonFile: [{ path: file, startAt: 'start', pollIntervalMs: 20 }] },
        sinks: { stdout: { enabled: true } },
        correlator: { latenessMs: 500, pushSettleMs: 500, destinations: { dnsRefreshMs: 0 } },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    await d.waitForMetric('exfilwatch_sink_up', { sink: 'stdout' }, (v) => v === 1);

    const t = Date.now() - 20 * 60_000;
    appendFileSync(file, `${attackScenario({ name: 'read', startMs: t }).tetragon.join('\n')}\n`);
    await d.waitForMetric('exfilwatch_alerts_published_total', { sink: 'stdout' }, (v) => v === 1);
    expect(await d.metric('exfilwatch_sink_up', { sink: 'stdout' })).toBe(1);

    // The reader goes away: the next alert line meets EPIPE.
    d.child.stdout!.destroy();
    appendFileSync(file, `${attackScenario({ name: 'gone', startMs: t + 60_000 }).tetragon.join('\n')}\n`);
    await d.waitForMetric('exfilwatch_sink_up', { sink: 'stdout' }, (v) => v === 0);
    expect(
      await d.metric('exfilwatch_alerts_dropped_total', { sink: 'stdout', reason: 'write_failed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(d.alive()).toBe(true);
  }, 60_000);
});
