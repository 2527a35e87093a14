/**
 * A node whose events reach the real daemon minutes behind the wall clock (a backlog being caught up, a
 * sensor clock running slow): its pushes wait out the lateness on the node's own time, so reads the sensor
 * delivers a few seconds after the push (within latenessMs) still count. Judged on the wall clock, the push
 * went out on the first tick after its exec, `low`, before its reads came in.
 */
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, tempDir, waitFor } from './helpers/daemon.js';
import { attackScenario } from './helpers/scenario.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a node behind the wall clock (real daemon process)', () => {
  it('reads delivered 3 s after the push, 5 minutes behind the wall clock, still make it high', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    appendFileSync(file, '');
    const d = await startDaemon(
      {
        sources: { tetragonFile: [{ path: file, startAt: 'start', pollIntervalMs: 50 }] },
        sinks: { stdout: { enabled: true } },
        correlator: { latenessMs: 10_000, pushSettleMs: 1000, destinations: { dnsRefreshMs: 0 } },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    const write = (lines: string[]) => appendFileSync(file, lines.map((l) => `${l}\n`).join(''));

    const attack = attackScenario({ name: 'lagging', startMs: Date.now() - 5 * 60_000 });
    const lines = attack.tetragon;
    const firstRead = lines.findIndex((l) => l.includes('"process_kprobe"'));
    const reads = lines.slice(firstRead, attack.pushIndex);
    write([...lines.slice(0, firstRead), ...lines.slice(attack.pushIndex)]);
    await d.waitForMetric('exfilwatch_events_total', { source: 'tetragon' }, (v) => v === lines.length - reads.length);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    write(reads);
    const alert = await waitFor(
      () => d.alerts().find((a) => a.container.id === attack.containerId),
      'the alert of the lagging node',
      30_000,
    );
    expect([alert.rule, alert.severity]).toEqual(['bulk-read-then-push', 'high']);
    expect(d.alerts()).toHaveLength(1);
  });
});
