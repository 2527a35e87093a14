/**
 * Clock trouble against the real daemon: events stamped far in the future or the past (a node with a
 * broken clock, Go's zero time), and the same events delivered many times over. The state stays bounded
 * (tracked containers capped, evictions counted), one bogus timestamp does not blind detection for the
 * node, and repeated deliveries of one attack raise one alert (suppression holds, no storm).
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

const FAST_CORRELATOR = { latenessMs: 1000, pushSettleMs: 1000, destinations: { dnsRefreshMs: 0 } };

const hex64 = (n: number) => n.toString(16).padStart(8, '0').repeat(8);

/** A copy of a Tetragon exec line in another container, at another time. */
function execAt(template: string, n: number, time: string): string {
  const e = JSON.parse(template) as {
    time: string;
    process_exec: { process: { exec_id: string; start_time: string; pod: { container: { id: string } } } };
  };
  e.time = time;
  e.process_exec.process.start_time = time;
  e.process_exec.process.exec_id = Buffer.from(`clock-${n}`).toString('base64');
  e.process_exec.process.pod.container.id = `containerd://${hex64(n + 1)}`;
  return JSON.stringify(e);
}

const BOGUS_TIMES = [
  '2999-12-31T23:59:59Z',
  '9999-12-31T23:59:59.999999999Z',
  '0001-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '2001-09-09T01:46:40Z',
];

describe('clock trouble (real daemon process)', () => {
  it('far-future and far-past timestamps and duplicates: state capped, detection not blinded, one alert per attack', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    const maxContainers = 50;
    const d = await startDaemon(
      {
        sources: { tetragonFile: [{ path: file, startAt: 'start', pollIntervalMs: 50 }] },
        sinks: { stdout: { enabled: true } },
        correlator: { ...FAST_CORRELATOR, caps: { maxContainers } },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    const write = (lines: string[]) => appendFileSync(file, lines.map((l) => `${l}\n`).join(''));

    // 1. A node whose clock jumped: execs in 500 containers, stamped anywhere from year 1 to 9999.
    const template = attackScenario({ name: 'clock-template', startMs: Date.now() }).tetragon[0]!;
    const bogus: string[] = [];
    for (let n = 0; n < 500; n++) bogus.push(execAt(template, n, BOGUS_TIMES[n % BOGUS_TIMES.length]!));
    write(bogus);
    await d.waitForMetric('exfilwatch_events_total', { source: 'tetragon' }, (v) => v === 500);
    await d.waitForMetric('exfilwatch_tracked_containers', {}, (v) => v > 0);
    expect(await d.metric('exfilwatch_tracked_containers')).toBeLessThanOrEqual(maxContainers);
    expect(await d.metric('exfilwatch_state_evictions_total', { kind: 'container' })).toBeGreaterThan(0);

    // 2. Then a real attack, on the wall clock: still detected.
    const attack = attackScenario({ name: 'clock-attack', startMs: Date.now() - 3000 });
    write(attack.tetragon);
    const alert = await waitFor(
      () => d.alerts().find((a) => a.container.id === attack.containerId),
      'the attack alert after bogus timestamps',
      15_000,
    );
    expect(alert.severity).toBe('high');

    // 3. The same attack delivered ten more times (a replaying forwarder, a re-read file): no new alert.
    for (let i = 0; i < 10; i++) write(attack.tetragon);
    await d.waitForMetric(
      'exfilwatch_events_total',
      { source: 'tetragon' },
      (v) => v === 500 + 11 * attack.tetragon.length,
    );
    // A fresh attack after the duplicates proves the stream was judged past them.
    const after = attackScenario({ name: 'clock-after', startMs: Date.now() - 3000 });
    write(after.tetragon);
    await waitFor(() => d.alerts().some((a) => a.container.id === after.containerId), 'the later attack alert', 15_000);
    expect(d.alerts().filter((a) => a.container.id === attack.containerId)).toHaveLength(1);
    expect(d.alerts()).toHaveLength(2);
    expect(await d.metric('exfilwatch_tracked_containers')).toBeLessThanOrEqual(maxContainers);
    expect(d.alive()).toBe(true);
  });
});
