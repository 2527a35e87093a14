/**
 * Only the resolver's UDP port 53 is ignored: a push to a server on TCP port 53 keeps its address, its
 * connect evidence and its destination.
 */
import { describe, expect, it } from 'vitest';
import { MiB, run, Scenario } from './builder.js';

const ATTACKER = '203.0.113.53';

describe.each(['tetragon', 'falco'] as const)('a push to TCP port 53 (%s)', (source) => {
  it('svn commit (the working copy names the server) to attacker:53: the alert lists where the bytes went', () => {
    const s = new Scenario({ source });
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB);
    const svn = s.exec(c, '/usr/bin/svn', 'commit -m nightly', { parent: sh });
    s.connect(svn, ATTACKER, 53).send(svn, ATTACKER, 53, 80 * MiB);
    const [a, ...more] = run(s.events).alerts;
    expect(more).toEqual([]);
    expect(a?.push.destination).toBe(`${ATTACKER}:53`);
    expect(a?.push.addresses).toEqual([`${ATTACKER}:53`]);
  });

  it('npm publish (registry from .npmrc) to attacker:53: not summarised as registry.npmjs.org with no address', () => {
    const s = new Scenario({ source });
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB);
    const npm = s.exec(c, '/usr/bin/npm', 'publish', { parent: sh });
    s.connect(npm, ATTACKER, 53).send(npm, ATTACKER, 53, 80 * MiB);
    const [a] = run(s.events).alerts;
    expect(a?.push.addresses).toEqual([`${ATTACKER}:53`]);
  });
});
