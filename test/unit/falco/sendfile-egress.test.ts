/**
 * sendfile(2) into a TCP socket is egress the kernel copies from a file: Go's io.Copy from an *os.File to a
 * net.TCPConn (and net/http file bodies over plain HTTP), Java's FileChannel.transferTo, Python's
 * socket.sendfile. Tetragon's tcp_sendmsg hook sees those bytes (splice into a socket goes through sendmsg
 * since Linux 6.5); Falco's send rule did not name sendfile and its normalizer ignored the event, so with
 * Falco alone such an upload sent nothing: no push by egress, no alert.
 */
import { describe, expect, it } from 'vitest';
import { normalizeFalco, parseFalcoJson } from '../../../src/formats/falco/index.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { CONTAINER, falcoAlertText, T0 } from '../../fixtures/falco/events.js';
import { brief, MiB, run } from '../correlate/builder.js';
import { evaluate, shippedRules } from './condition-eval.js';

const norm = (text: string) => normalizeFalco(parseFalcoJson(text), { node: 'node-a' });
const at = (ms: number) => T0 + BigInt(ms) * 1_000_000n;

const AGENT = {
  ...CONTAINER,
  'proc.pid': 5100,
  'proc.ppid': 5000,
  'proc.vpid': 30,
  'proc.exepath': '/tmp/.cache/syncd',
  'proc.cmdline': 'syncd',
  'proc.pexepath': '/bin/sh',
  'proc.pcmdline': 'sh -c /tmp/.cache/syncd',
  'user.uid': 0,
};
const SOCKET = {
  'fd.name': '10.244.1.7:40112->10.20.0.5:8080',
  'fd.type': 'ipv4',
  'fd.l4proto': 'tcp',
  'fd.rip': '10.20.0.5',
  'fd.rport': 8080,
  'fd.lip': '10.244.1.7',
  'fd.lport': 40112,
};
const alert = (fields: Record<string, string | number | null>, ms: number) =>
  falcoAlertText({ evtTimeNs: at(ms), fields: { ...AGENT, ...fields } });
const sendfile = (bytes: number, ms: number) => alert({ 'evt.type': 'sendfile', 'evt.rawres': bytes, ...SOCKET }, ms);

describe('sendfile into a TCP socket with Falco', () => {
  it('is a send of the bytes moved; into a file or a pipe it is nothing', () => {
    const e = norm(sendfile(4 * MiB, 0));
    expect(e?.kind).toBe('net');
    expect(e?.kind === 'net' && e.net).toMatchObject({ op: 'send', bytes: 4 * MiB, daddr: '10.20.0.5', dport: 8080 });
    expect(
      norm(alert({ 'evt.type': 'sendfile', 'evt.rawres': 4096, 'fd.name': '/tmp/copy', 'fd.type': 'file' }, 0)),
    ).toBeNull();
    expect(
      norm(alert({ 'evt.type': 'sendfile', 'evt.rawres': 4096, 'fd.name': 'pipe:[77]', 'fd.type': 'pipe' }, 0)),
    ).toBeNull();
  });

  it('is emitted by the shipped send rule', () => {
    const model = shippedRules();
    const rule = model.rule('exfilwatch socket send from container');
    const fields = {
      'evt.type': 'sendfile',
      'evt.rawres': '4194304',
      'container.id': '3f2a9c1b7d4e',
      'fd.typechar': '4',
      'fd.rip': '10.20.0.5',
    };
    // evt.rawres > 0 and the loopback test are not modelled by value: check the evt.type list itself.
    expect(String(rule.condition)).toMatch(/evt\.type in \([^)]*\bsendfile\b[^)]*\)/);
    expect(evaluate(model, 'exfilwatch_inet_fd', fields)).toBe(true);
  });

  it('an upload of 80 MiB by sendfile to an internal server after opening 300 files is a push', () => {
    const lines: string[] = [
      alert({ 'evt.type': 'execve', 'evt.rawres': 0 }, 0),
      ...Array.from({ length: 300 }, (_, i) =>
        alert(
          { 'evt.type': 'openat', 'evt.rawres': 7, 'fd.name': `/srv/db/part-${i}.parquet`, 'fd.type': 'file' },
          1_000 + i,
        ),
      ),
      alert({ 'evt.type': 'connect', 'evt.rawres': 0, ...SOCKET }, 2_000),
    ];
    for (let i = 0; i < 20; i++) lines.push(sendfile(4 * MiB, 2_100 + i * 100));
    for (let s = 10; s <= 90; s += 10)
      lines.push(alert({ 'evt.type': 'execve', 'evt.rawres': 0, 'proc.pid': 9000 + s }, s * 1_000));
    const events = lines.map(norm).filter((e): e is NormalizedEvent => e !== null);
    const { alerts } = run(events, { batchSize: 1, config: { destinations: { internal: ['10.20.0.0/16'] } } });
    expect(brief(alerts).map((a) => a.destination)).toEqual(['10.20.0.5:8080']);
    expect(brief(alerts)[0]).toMatchObject({ rule: 'push-after-moderate-reads', severity: 'medium' });
    expect(alerts[0]!.egressBytes).toBe(80 * MiB);
  });
});
