import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/errors.js';
import { detectFormat } from '../../../src/formats/index.js';
import { MAX_STRING_CHARS, normalizeTetragonJson } from '../../../src/formats/tetragon/index.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { GEN_NODE, generatedEvents } from '../../fixtures/tetragon/generated.js';
import { readSample } from '../../fixtures/tetragon/samples.js';

const defaults = { node: 'default-node' };
const norm = (json: Record<string, unknown>) => normalizeTetragonJson(json, defaults);
const sample = (file: string, i = 0) => norm(readSample(file)[i]!);
const gen = new Map(generatedEvents());
const generated = (name: string) => norm(gen.get(name)!);

function asKind<K extends NormalizedEvent['kind']>(e: NormalizedEvent | null, kind: K) {
  expect(e?.kind).toBe(kind);
  return e as Extract<NormalizedEvent, { kind: K }>;
}

describe('Tetragon JSON normalizer on the real samples', () => {
  it('exec: identity, bare container id, pod with labels, nanosecond time', () => {
    const e = asKind(sample('process_exec.getting-started.json'), 'exec');
    expect(e.time).toBe('2023-10-06T22:03:57.700326678Z');
    expect(e.timeMs).toBe(Date.UTC(2023, 9, 6, 22, 3, 57) + 700.326678);
    expect(e.node).toBe('gke-john-632-default-pool-7041cac0-9s95');
    expect(e.container).toEqual({
      id: '551e161c47d8ff0eb665438a7bcd5b4e3ef5a297282b40a92b7c77d6bd168eb3',
      name: 'spaceship',
      image: 'docker.io/tgraf/netperf:latest',
    });
    expect(e.pod).toEqual({
      namespace: 'default',
      name: 'xwing',
      labels: { 'app.kubernetes.io/name': 'xwing', class: 'xwing', org: 'alliance' },
    });
    expect(e.process).toEqual({
      execId: 'Z2tlLWpvaG4tNjMyLWRlZmF1bHQtcG9vbC03MDQxY2FjMC05czk1OjEzNTQ4Njc0MzIxMzczOjUyNjk5',
      parentExecId: 'Z2tlLWpvaG4tNjMyLWRlZmF1bHQtcG9vbC03MDQxY2FjMC05czk1OjEzNTQ4NjcwODgzMjk5OjUyNjk5',
      pid: 52699,
      binary: '/usr/bin/curl',
      args: 'https://ebpf.io/applications/#tetragon',
      uid: 0,
      parentBinary: '/bin/bash',
      parentArgs: '-c "curl https://ebpf.io/applications/#tetragon"',
      containerPid: 49,
      cwd: '/',
    });
  });

  it('keeps the working directory on execs only (relative paths in argv start there; nothing else uses it)', () => {
    const json = structuredClone(gen.get('exec in a pod')!) as { process_exec: { process: { cwd: string } } };
    json.process_exec.process.cwd = '/workspace/source';
    expect(asKind(normalizeTetragonJson(json, defaults), 'exec').process.cwd).toBe('/workspace/source');
    expect(asKind(sample('process_kprobe.tcp_sendmsg.sock_int.jsonl', 0), 'net').process.cwd).toBeNull();
  });

  it('millisecond times are padded to nine digits; a line without time falls back to the process start', () => {
    expect(sample('process_exec.process-execution.json')?.time).toBe('2022-05-11T12:54:45.615000000Z');
    expect(sample('process_exec.testdata.jsonl', 0)?.time).toBe('2022-10-18T03:16:18.273546829Z');
    expect(sample('process_exec.testdata.jsonl', 1)?.time).toBe('2022-10-18T03:16:21.373327754Z');
  });

  it('exit with status omitted (zero) and a docker:// container', () => {
    const e = asKind(sample('process_exit.cat.json'), 'exit');
    expect(e.exit).toEqual({ status: 0, signal: null });
    expect(e.container?.id).toBe('e6af4dff4ea3b8d50313c59fbaa442e377da35671e79f43b8dc53c5efcc9b659');
  });

  it('security_file_permission: write by mask 2, no byte count (its return is a verdict)', () => {
    const e = asKind(sample('process_kprobe.security_file_permission.file_arg.json'), 'file');
    expect(e.file).toEqual({ path: '/etc/passwd', op: 'write', bytes: null });
  });

  it('__x64_sys_read: bytes from the size argument when no return value was captured', () => {
    const e = asKind(sample('process_kprobe.sys_read.file_truncated_bytes_size.json'), 'file');
    expect(e.file).toEqual({ path: 'usr/share/elasticsearch/config/elasticsearch.keystore', op: 'read', bytes: 65536 });
  });

  it('__x64_sys_write: bytes from size_arg', () => {
    const e = asKind(sample('process_kprobe.sys_write.file_bytes_size.json'), 'file');
    expect(e.file).toEqual({ path: 'etc/passwd', op: 'write', bytes: 627 });
  });

  it('tcp_sendmsg: bytes from the int argument, cookie exact beyond 2^53, ", " separators parse', () => {
    const e = asKind(sample('process_kprobe.tcp_sendmsg.sock_int.jsonl', 0), 'net');
    expect(e.net).toEqual({
      op: 'send',
      daddr: '127.0.0.1',
      dport: 34490,
      bytes: 8680,
      saddr: '127.0.0.1',
      sport: 54321,
      cookie: '18446613061298568960',
      protocol: 'IPPROTO_TCP',
    });
    expect(e.container).toBeNull(); // a host process: no pod, no docker id
    expect(e.process.args).toBeNull();
    const withDocker = asKind(sample('process_kprobe.tcp_sendmsg.sock_int.jsonl', 5), 'net');
    expect(withDocker.container).toEqual({ id: '03f8b8e44a225b4d1987b18c54c06e7', name: null, image: null });
    expect(withDocker.net.bytes).toBe(198);
  });

  it('ip_output: packet-level egress with addresses and length from the skb', () => {
    const e = asKind(sample('process_kprobe.ip_output.skb.json'), 'net');
    expect(e.net).toMatchObject({ op: 'send', daddr: '172.27.0.2', dport: 5000, bytes: 2076, protocol: 'IPPROTO_UDP' });
  });

  it('__cgroup_bpf_run_filter_skb on ingress (int 0) is ignored', () => {
    expect(sample('process_kprobe.cgroup_bpf_run_filter_skb.sock_skb_int.json')).toBeNull();
  });

  it('THROTTLE_START is a sensor gap; THROTTLE_STOP is ignored', () => {
    const g = asKind(sample('process_throttle.cgroup-rate.jsonl', 0), 'gap');
    expect(g.gap).toEqual({ dropped: 0, reason: 'sensor_throttle' });
    expect(g.time).toBe('2024-07-26T13:07:43.178407128Z');
    expect(sample('process_throttle.cgroup-rate.jsonl', 1)).toBeNull();
  });
});

describe('Tetragon JSON normalizer on generated events', () => {
  it('a read hook uses its return value over the size argument', () => {
    expect(asKind(generated('sys_read with return.long_arg (actual bytes)'), 'file').file.bytes).toBe(4096);
  });

  it('a failed read (negative return) transferred nothing', () => {
    expect(asKind(generated('sys_read failing with -EFAULT'), 'file').file.bytes).toBe(0);
  });

  it('security_file_permission with MAY_READ is a read', () => {
    const e = asKind(generated('security_file_permission read mask'), 'file');
    expect(e.file).toEqual({ path: '/var/run/secrets/kubernetes.io/serviceaccount/token', op: 'read', bytes: null });
  });

  it('security_mmap_file of data for reading is a map with the resolved file size', () => {
    const e = asKind(generated('security_mmap_file of a data file for reading (size resolved)'), 'file');
    expect(e.file).toEqual({ path: '/tmp/.r/.git/objects/pack/pack-5e1c0f3a.pack', op: 'map', bytes: 48_234_496 });
    // The upstream examples' shape has no size: still a mapped file, bytes unknown.
    const noSize = asKind(generated('security_mmap_file without a size argument'), 'file');
    expect(noSize.file).toMatchObject({ op: 'map', bytes: null });
  });

  it('mmap of code is not a read: PROT_EXEC, or a file with an execute bit (either mode format)', () => {
    expect(generated('security_mmap_file of an executable file (a loader mapping)')).toBeNull();
    expect(generated('security_mmap_file of an executable, Tetragon 1.4 mode string')).toBeNull();
    expect(generated('security_mmap_file with PROT_EXEC')).toBeNull();
    expect(asKind(generated('security_mmap_file writable'), 'file').file).toMatchObject({ op: 'write' });
  });

  it('splice_direct_to_actor is a read of its source file, bytes from the return value', () => {
    const e = asKind(generated('splice_direct_to_actor (sendfile, copy_file_range)'), 'file');
    expect(e.file).toEqual({ path: '/srv/exports/customers.csv', op: 'read', bytes: 1_048_576 });
  });

  it('a write with only a captured buffer counts the buffer', () => {
    expect(asKind(generated('sys_write with only a bytes_arg'), 'file').file.bytes).toBe(5);
  });

  it('connect / send / close keep the uint64 cookie exact', () => {
    const c = asKind(generated('tcp_connect with a cookie at the top of uint64'), 'net');
    expect(c.net).toMatchObject({
      op: 'connect',
      daddr: '140.82.112.3',
      dport: 443,
      bytes: null,
      cookie: '18446744073709551615',
    });
    const s = asKind(generated('tcp_sendmsg 1 MiB'), 'net');
    expect(s.net).toMatchObject({ op: 'send', bytes: 1048576, cookie: '18446744073709551615' });
    expect(asKind(generated('tcp_close'), 'net').net.op).toBe('close');
  });

  it('security_socket_connect takes the destination from the sockaddr', () => {
    const e = asKind(generated('security_socket_connect with a sockaddr'), 'net');
    expect(e.net).toMatchObject({ op: 'connect', daddr: '192.0.2.10', dport: 5000, cookie: '9007199254740993' });
  });

  it('LSM file_open and tracepoints with file args are file events', () => {
    expect(asKind(generated('lsm file_open'), 'file').file).toEqual({
      path: '/root/.ssh/id_ed25519',
      op: 'open',
      bytes: null,
    });
    expect(asKind(generated('tracepoint with a file arg'), 'file').file).toEqual({
      path: '/etc/passwd',
      op: 'read',
      bytes: 512,
    });
  });

  it('exit carries status and signal; cri-o prefix stripped', () => {
    const e = asKind(generated('exit by SIGKILL (cri-o container)'), 'exit');
    expect(e.exit).toEqual({ status: 137, signal: 'SIGKILL' });
    expect(e.container).toEqual({ id: 'fedcba9876543210', name: 'web', image: 'quay.io/x/web:2' });
    expect(e.pod).toEqual({ namespace: 'default', name: 'web', labels: {} });
  });

  it('rate_limit_info is a gap with the dropped count', () => {
    const g = asKind(generated('rate_limit_info (export dropped events)'), 'gap');
    expect(g).toMatchObject({ node: GEN_NODE, gap: { dropped: 42, reason: 'sensor_rate_limit' } });
  });

  it('an event without process info is kept with nulls', () => {
    const e = asKind(generated('kprobe without process info'), 'file');
    expect(e.container).toBeNull();
    expect(e.pod).toBeNull();
    expect(e.process).toMatchObject({ execId: null, pid: null, binary: null, args: null, parentBinary: '/bin/sh' });
    expect(e.file.op).toBe('read');
  });

  it('events exfilwatch does not use are null (the caller counts them as ignored)', () => {
    expect(generated('process_loader (not used)')).toBeNull();
    expect(generated('kprobe with only a string arg (not used)')).toBeNull();
    expect(norm({ process_future_thing: { x: 1 }, node_name: 'n', time: '2025-01-01T00:00:00Z' })).toBeNull();
  });
});

describe('Tetragon JSON normalizer on bad input', () => {
  it('a 1 MB argument string is cut with a marker', () => {
    const json = structuredClone(gen.get('exec in a pod')!) as { process_exec: { process: { arguments: string } } };
    json.process_exec.process.arguments = 'A'.repeat(1024 * 1024);
    const e = asKind(norm(json), 'exec');
    expect(e.process.args!.length).toBeLessThan(MAX_STRING_CHARS + 64);
    expect(e.process.args!.startsWith('AAAA')).toBe(true);
    expect(e.process.args).toMatch(/…\[truncated 983040 chars\]$/);
  });

  it('wrong shapes are DecodeErrors, not crashes', () => {
    expect(() => norm({ process_exec: 'nope', time: '2025-01-01T00:00:00Z' })).toThrow(DecodeError);
    expect(() => norm({ process_exec: { process: {} }, time: 'yesterday' })).toThrow(DecodeError);
    expect(() => norm({ process_exec: { process: {} } })).toThrow(/no time/);
    expect(() => norm({ hello: 'world' })).toThrow(DecodeError);
  });

  it('wrongly typed fields are treated as absent', () => {
    const e = asKind(
      norm({ process_exec: { process: { pid: 'x', binary: 7, exec_id: 'abc' } }, time: '2025-01-01T00:00:00+02:00' }),
      'exec',
    );
    expect(e.process).toMatchObject({ execId: 'abc', pid: null, binary: null });
    expect(e.time).toBe('2024-12-31T22:00:00.000000000Z');
    expect(e.node).toBe('default-node');
  });

  it('detectFormat recognises Tetragon lines by their event key', () => {
    expect(detectFormat(readSample('process_exit.cat.json')[0]!)?.name).toBe('tetragon');
    expect(detectFormat({ rate_limit_info: {}, node_name: 'n' })?.name).toBe('tetragon');
    expect(detectFormat({ foo: 1 })).toBeUndefined();
  });
});
