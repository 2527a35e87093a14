/**
 * Loss upstream of exfilwatch, as the sensors report it, against the real daemon: Tetragon's export writes
 * `rate_limit_info` once a minute with the number of events it dropped; Falco raises "syscall event drop".
 * Both are counted in exfilwatch_sensor_dropped_events_total and mark alerts whose window they cover as
 * `degraded` — when the report arrives before the alert is judged (latenessMs); an alert already sent
 * cannot be changed, and a report outside the window marks nothing.
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

const rateLimitInfo = (timeMs: number, dropped: number) =>
  JSON.stringify({
    rate_limit_info: { number_of_dropped_process_events: String(dropped) },
    node_name: 'worker-1',
    time: new Date(timeMs).toISOString(),
  });

describe('sensor-reported loss (real daemon process)', () => {
  it('Tetragon rate_limit_info: dropped events counted; an alert whose window lies in the reported minute is degraded', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    const d = await startDaemon(
      {
        sources: { tetragonFile: [{ path: file, startAt: 'start', pollIntervalMs: 50 }] },
        sinks: { stdout: { enabled: true } },
        correlator: { latenessMs: 1000, pushSettleMs: 1000, destinations: { dnsRefreshMs: 0 } },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    const t = Date.now() - 30 * 60_000;
    // Attack 1, then Tetragon reports what it dropped in the minute before, 1.5 s after the push: after the
    // push's own window, but before it is judged (settle + lateness = 2 s here).
    const hit = attackScenario({ name: 'ratelimit-hit', startMs: t });
    // Attack 2 five minutes later, then a report 90 s after its push: judged long before (and the minute
    // reported starts after it anyway). Counted, but the alert cannot say so.
    const miss = attackScenario({ name: 'ratelimit-miss', startMs: t + 5 * 60_000 });
    const lines = [
      ...hit.tetragon,
      rateLimitInfo(hit.pushMs + 1500, 1234),
      ...miss.tetragon,
      rateLimitInfo(miss.pushMs + 90_000, 66),
    ];
    appendFileSync(file, lines.map((l) => `${l}\n`).join(''));
    const alerts = await waitFor(() => (d.alerts().length === 2 ? d.alerts() : null), 'two alerts');
    expect(alerts.find((a) => a.container.id === hit.containerId)?.degraded).toBe(true);
    expect(alerts.find((a) => a.container.id === miss.containerId)?.degraded).toBe(false);
    expect(
      await d.metric('exfilwatch_sensor_dropped_events_total', { source: 'tetragon', reason: 'sensor_rate_limit' }),
    ).toBe(1234 + 66);
  });
});
