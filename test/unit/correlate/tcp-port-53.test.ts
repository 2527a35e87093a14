/**
 * Only the resolver's UDP port 53 is ignored: a push to a server on TCP port 53 keeps its address, its
 * connect evidence and its destination.
 */
import { describe, expect, it } from 'vitest';
import { MiB, run, Scenario } from './builder.js';

const ATTACKER = '203.0.113.53';

describe.each(['tetragon', 'falco'] as const)('a push to TCP port 53 (%s)', (source) => {
  /** 80 MiB read, then `binary args` sending 80 MiB to the attacker's port 53 over TCP: its alerts. */
  const pushTo53 = (binary: string, args: string) => {
    const s = new Scenario({ source });
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB);
    const p = s.exec(c, binary, args, { parent: sh });
    s.connect(p, ATTACKER, 53, { protocol: 'tcp' }).send(p, ATTACKER, 53, 80 * MiB, { protocol: 'tcp' });
    return run(s.events).alerts;
  };

  it('svn commit (the working copy names the server) to attacker:53: the alert lists where the bytes went', () => {
    const [a, ...more] = pushTo53('/usr/bin/svn', 'commit -m nightly');
    expect(more).toEqual([]);
    expect(a?.push.destination).toBe(`${ATTACKER}:53`);
    expect(a?.push.addresses).toEqual([`${ATTACKER}:53`]);
  });

  it('npm publish (registry from .npmrc) to attacker:53: not summarised as registry.npmjs.org with no address', () => {
    const [a] = pushTo53('/usr/bin/npm', 'publish');
    expect(a?.push.addresses).toEqual([`${ATTACKER}:53`]);
  });
});
