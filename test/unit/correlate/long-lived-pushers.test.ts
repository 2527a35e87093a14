/**
 * Processes that push more than once over their life: each push after the previous one was judged is a new
 * push (and a new alert once suppression has passed), never one episode forever.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, makeCorrelator, run, Scenario } from './builder.js';

describe('long-lived pushers', () => {
  it('a process that pushed by egress pushes again after the first push was judged (new alert after suppression)', async () => {
    const s = new Scenario();
    const c = s.container();
    const app = s.exec(c, '/app/bin/syncer', '', { parent: s.init(c) });
    s.connect(app, '140.82.112.3', 443).send(app, '140.82.112.3', 443, 2 * MiB);
    s.wait(2 * 3600_000).send(app, '140.82.112.3', 443, 2 * MiB);
    const { correlator } = makeCorrelator({ resolveHost: async (h) => (h === 'github.com' ? ['140.82.112.3'] : []) });
    await correlator.refreshDestinations();
    const alerts = [...correlator.ingest(s.events), ...correlator.flush()];
    expect(alerts.map((a) => [a.rule, a.egressBytes])).toEqual([
      ['renamed-binary-push', 2 * MiB],
      ['renamed-binary-push', 2 * MiB],
    ]);
  });

  it('a renamed git agent spawning a helper for each push: one alert per push, not one forever', () => {
    const s = new Scenario();
    const c = s.container();
    const agent = s.exec(c, '/opt/agent', 'push origin main', { parent: s.init(c) });
    s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/evil/loot.git', { parent: agent });
    s.wait(2 * 3600_000);
    s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/evil/loot.git', { parent: agent });
    expect(brief(run(s.events).alerts)).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'git', destination: 'github.com' },
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'git', destination: 'github.com' },
    ]);
  });
});
