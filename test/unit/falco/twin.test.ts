/**
 * The same activity seen by both sensors must normalize alike: kind, container (Falco's id is the 12-char
 * prefix of Tetragon's), pod, process and byte counts. The Tetragon twins are JSON export objects written
 * by hand here; both go through the format registry exactly as `scan --format auto` would.
 */
import { describe, expect, it } from 'vitest';
import { parseFalcoJson } from '../../../src/formats/falco/index.js';
import { detectFormat } from '../../../src/formats/index.js';
import type { ActivityEvent, NormalizedEvent } from '../../../src/model/normalized-event.js';
import { connectAlert, execAlert, falcoAlertText, readAlert, sendAlert } from '../../fixtures/falco/events.js';

const FULL_ID = '3f2a9c1b7d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
const TIME = '2026-01-01T00:00:00.123456789Z';

function tetragonProcess(pid: number, binary: string, args: string) {
  return {
    exec_id: Buffer.from(`node-a:${pid}:${pid}`).toString('base64'),
    pid,
    uid: 1000,
    binary,
    arguments: args,
    start_time: TIME,
    pod: {
      namespace: 'ci',
      name: 'builder-7c9f',
      container: {
        id: `containerd://${FULL_ID}`,
        name: 'builder',
        image: { name: 'ghcr.io/acme/builder:1.4.2' },
        pid: 17,
      },
    },
    parent_exec_id: Buffer.from('node-a:4200:4200').toString('base64'),
  };
}

const sock = (state: string) => ({
  sock_arg: {
    family: 'AF_INET',
    type: 'SOCK_STREAM',
    protocol: 'IPPROTO_TCP',
    saddr: '10.244.1.7',
    daddr: '10.0.0.12',
    sport: 51234,
    dport: 443,
    cookie: '18446744073709551615',
    state,
  },
});

const kprobe = (proc: object, fn: string, args: object[], extra: object = {}) => ({
  process_kprobe: { process: proc, function_name: fn, args, action: 'KPROBE_ACTION_POST', ...extra },
  node_name: 'node-a',
  time: TIME,
});

const git = tetragonProcess(4242, '/usr/bin/git', 'push origin main');
const tar = tetragonProcess(4300, '/usr/bin/tar', 'czf /tmp/src.tgz /src');
const remote = tetragonProcess(
  4243,
  '/usr/lib/git-core/git-remote-https',
  'origin https://git.internal.example/acme/app.git',
);

function viaRegistry(obj: Record<string, unknown>, expected: 'falco' | 'tetragon'): ActivityEvent {
  const format = detectFormat(obj);
  expect(format?.name).toBe(expected);
  const e = format?.normalize(obj, { node: 'unused' }) as NormalizedEvent | null;
  expect(e).not.toBeNull();
  expect(e?.kind).not.toBe('gap');
  return e as ActivityEvent;
}

function expectTwins(falcoText: string, tetragon: Record<string, unknown>): [ActivityEvent, ActivityEvent] {
  const f = viaRegistry(parseFalcoJson(falcoText), 'falco');
  const t = viaRegistry(tetragon, 'tetragon');
  expect(f.kind).toBe(t.kind);
  expect(f.time).toBe(t.time);
  expect(f.node).toBe(t.node);
  expect(f.container?.id.length).toBe(12);
  expect(t.container?.id.startsWith(f.container?.id ?? '-')).toBe(true);
  expect(f.container?.name).toBe(t.container?.name);
  expect(f.container?.image).toBe(t.container?.image);
  expect({ namespace: f.pod?.namespace, name: f.pod?.name }).toEqual({
    namespace: t.pod?.namespace,
    name: t.pod?.name,
  });
  expect(f.process.pid).toBe(t.process.pid);
  expect(f.process.binary).toBe(t.process.binary);
  expect(f.process.args).toBe(t.process.args);
  expect(f.process.execId).toBeNull(); // Falco has none; Tetragon does
  expect(t.process.execId).not.toBeNull();
  return [f, t];
}

describe('Falco and Tetragon twins normalize to the same activity', () => {
  it('exec of git push', () => {
    expectTwins(execAlert(), { process_exec: { process: git }, node_name: 'node-a', time: TIME });
  });

  it('file read with the bytes actually returned', () => {
    const [f, t] = expectTwins(
      readAlert('/src/.git/objects/pack/pack-1.pack', 4096),
      kprobe(
        tar,
        '__x64_sys_read',
        [{ file_arg: { path: '/src/.git/objects/pack/pack-1.pack' } }, { size_arg: '65536' }],
        {
          return: { long_arg: '4096' },
        },
      ),
    );
    expect(f.kind === 'file' && t.kind === 'file' && [f.file, t.file]).toEqual([
      { path: '/src/.git/objects/pack/pack-1.pack', op: 'read', bytes: 4096 },
      { path: '/src/.git/objects/pack/pack-1.pack', op: 'read', bytes: 4096 },
    ]);
  });

  it('connect to a private git server, then a send with its byte count', () => {
    const [fc, tc] = expectTwins(connectAlert(), kprobe(remote, 'tcp_connect', [sock('TCP_SYN_SENT')]));
    const pick = (e: ActivityEvent) =>
      e.kind === 'net' ? { op: e.net.op, daddr: e.net.daddr, dport: e.net.dport, bytes: e.net.bytes } : null;
    expect(pick(fc)).toEqual({ op: 'connect', daddr: '10.0.0.12', dport: 443, bytes: null });
    expect(pick(fc)).toEqual(pick(tc));
    const [fs, ts] = expectTwins(
      sendAlert(16_384),
      kprobe(remote, 'tcp_sendmsg', [sock('TCP_ESTABLISHED'), { int_arg: 16_384 }]),
    );
    expect(pick(fs)).toEqual({ op: 'send', daddr: '10.0.0.12', dport: 443, bytes: 16_384 });
    expect(pick(fs)).toEqual(pick(ts));
  });

  it('a host process (no container) is container-less on both', () => {
    const hostFalco = falcoAlertText({
      evtTimeNs: 1_767_225_600_123_456_789n,
      fields: {
        'container.id': 'host',
        'evt.type': 'execve',
        'proc.pid': 99,
        'proc.exepath': '/usr/bin/dockerd',
        'proc.cmdline': 'dockerd -H fd://',
      },
    });
    const hostTetragon = {
      process_exec: {
        process: {
          exec_id: 'aG9zdDo5OTo5OQ==',
          pid: 99,
          binary: '/usr/bin/dockerd',
          arguments: '-H fd://',
          start_time: TIME,
        },
      },
      node_name: 'node-a',
      time: TIME,
    };
    const f = viaRegistry(parseFalcoJson(hostFalco), 'falco');
    const t = viaRegistry(hostTetragon, 'tetragon');
    expect([f.container, t.container]).toEqual([null, null]);
    expect([f.process.args, t.process.args]).toEqual(['-H fd://', '-H fd://']);
  });
});
