/**
 * The part of the TracingPolicies that breaks silently in production: the event each hook emits must be
 * understood by our normalizer. Events are generated FROM the policy (args in declaration order, JSON keys
 * from Tetragon's arg type → KprobeArgument oneof table), so changing a policy's argument types changes the
 * events this test feeds the normalizer.
 */
import { describe, expect, it } from 'vitest';
import { formatByName } from '../../src/formats/index.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import { type Any, ARG_JSON_KEY, kprobes } from './tracing-policy-files.js';

const CONTAINER_ID = 'b3c1a0f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2';
const SAMPLE = {
  path: '/srv/data/customers.db',
  requested: 262_144,
  bytesRead: 131_072,
  fileSize: 48_234_496,
  sent: 8680,
  daddr: '140.82.112.3',
  dport: 443,
  cookie: '18446613058135484544',
};

function argJson(type: string, label?: string): Record<string, unknown> {
  const key = ARG_JSON_KEY[type];
  if (label === 'size') return { long_arg: String(SAMPLE.fileSize), label };
  if (label === 'prot') return { uint_arg: 1, label }; // PROT_READ
  switch (key) {
    case 'file_arg':
      return { file_arg: { mount: 'overlay', path: SAMPLE.path, permission: '-rw-r--r--' } };
    case 'size_arg':
      return { size_arg: String(SAMPLE.requested) }; // uint64 → JSON string
    case 'int_arg':
      return { int_arg: SAMPLE.sent };
    case 'long_arg':
      return { long_arg: String(SAMPLE.bytesRead) }; // int64 → JSON string
    case 'sock_arg':
      return {
        sock_arg: {
          family: 'AF_INET',
          type: 'SOCK_STREAM',
          protocol: 'IPPROTO_TCP',
          saddr: '10.244.1.17',
          daddr: SAMPLE.daddr,
          sport: 41822,
          dport: SAMPLE.dport,
          cookie: SAMPLE.cookie,
          state: 'TCP_ESTABLISHED',
        },
      };
    default:
      throw new Error(`no sample for arg type ${type}`);
  }
}

/** The JSON export line Tetragon writes for one hit of this kprobe (protojson, snake_case, zero values omitted). */
function eventFor(policy: string, k: Any): Record<string, unknown> {
  const proc = (pid: number, binary: string, args: string) => ({
    exec_id: Buffer.from(`worker-3:${pid}000:${pid}`).toString('base64'),
    pid,
    uid: 1000,
    cwd: '/srv',
    binary,
    arguments: args,
    flags: 'execve clone',
    start_time: '2026-05-04T10:00:00.000000000Z',
    auid: 4294967295,
    pod: {
      namespace: 'payments',
      name: 'ledger-7d9f8b6c5-x2k4q',
      container: {
        id: `containerd://${CONTAINER_ID}`,
        name: 'ledger',
        image: {
          id: 'registry.example.com/payments/ledger@sha256:aa',
          name: 'registry.example.com/payments/ledger:1.4.2',
        },
        start_time: '2026-05-04T09:00:00Z',
        pid: 42,
      },
      workload: 'ledger',
      workload_kind: 'Deployment',
    },
    docker: CONTAINER_ID.slice(0, 31),
    parent_exec_id: Buffer.from('worker-3:1000:100').toString('base64'),
    tid: pid,
  });
  const kprobe: Record<string, unknown> = {
    process: proc(4242, '/usr/bin/git', 'push origin main'),
    parent: proc(100, '/bin/sh', '-c deploy.sh'),
    function_name: k.call,
    args: (k.args as Any[]).map((a) => argJson(a.type, a.label)),
    action: 'KPROBE_ACTION_POST',
    policy_name: policy,
  };
  if (k.returnArg) {
    kprobe.return = argJson(k.returnArg.type);
    kprobe.return_action = 'KPROBE_ACTION_POST';
  }
  return { process_kprobe: kprobe, node_name: 'worker-3', time: '2026-05-04T10:15:30.123456789Z' };
}

/** In-kernel copies and vectored reads: a read of their file argument, bytes from the return value. */
const isReadOfSample = (e: NormalizedEvent) => {
  expect(e.kind).toBe('file');
  if (e.kind !== 'file') return;
  expect(e.file).toEqual({ path: SAMPLE.path, op: 'read', bytes: SAMPLE.bytesRead });
};

const EXPECTED: Record<string, (e: NormalizedEvent) => void> = {
  vfs_read: (e) => {
    expect(e.kind).toBe('file');
    if (e.kind !== 'file') return;
    // The bytes actually read (the return value), not the requested count.
    expect(e.file).toEqual({ path: SAMPLE.path, op: 'read', bytes: SAMPLE.bytesRead });
  },
  security_mmap_file: (e) => {
    expect(e.kind).toBe('file');
    if (e.kind !== 'file') return;
    // Mapped for reading: the file's size, from the resolved i_size.
    expect(e.file).toEqual({ path: SAMPLE.path, op: 'map', bytes: SAMPLE.fileSize });
  },
  splice_direct_to_actor: isReadOfSample,
  splice_file_to_pipe: isReadOfSample,
  vfs_readv: isReadOfSample,
  tcp_connect: (e) => {
    expect(e.kind).toBe('net');
    if (e.kind !== 'net') return;
    expect(e.net).toMatchObject({ op: 'connect', daddr: SAMPLE.daddr, dport: SAMPLE.dport, bytes: null });
    expect(e.net.cookie).toBe(SAMPLE.cookie);
  },
  tcp_sendmsg: (e) => {
    expect(e.kind).toBe('net');
    if (e.kind !== 'net') return;
    expect(e.net).toMatchObject({ op: 'send', daddr: SAMPLE.daddr, dport: SAMPLE.dport, bytes: SAMPLE.sent });
    expect(e.net.cookie).toBe(SAMPLE.cookie);
  },
  do_tcp_sendpages: (e) => {
    expect(e.kind).toBe('net');
    if (e.kind !== 'net') return;
    // The size of the page range sent (size_t → size_arg).
    expect(e.net).toMatchObject({ op: 'send', daddr: SAMPLE.daddr, dport: SAMPLE.dport, bytes: SAMPLE.requested });
    expect(e.net.cookie).toBe(SAMPLE.cookie);
  },
  tcp_close: (e) => {
    expect(e.kind).toBe('net');
    if (e.kind !== 'net') return;
    expect(e.net).toMatchObject({ op: 'close', daddr: SAMPLE.daddr, dport: SAMPLE.dport, bytes: null });
    expect(e.net.cookie).toBe(SAMPLE.cookie);
  },
};

describe('the normalizer understands the exact events each policy emits', () => {
  const tetragon = formatByName('tetragon');

  it.each(kprobes.map(({ policy, k }) => [`${policy}/${k.call}`, policy, k] as const))('%s', (_name, policy, k) => {
    expect(tetragon, 'the tetragon event format is registered in src/formats/index.ts').toBeDefined();
    const raw = eventFor(policy, k);
    expect(tetragon?.detect(raw)).toBe(true);
    const event = tetragon?.normalize(raw, { node: 'fallback-node' });
    expect(event).not.toBeNull();
    if (!event || event.kind === 'gap') throw new Error(`expected an activity event, got ${JSON.stringify(event)}`);
    expect(event.source).toBe('tetragon');
    expect(event.node).toBe('worker-3');
    expect(event.time).toBe('2026-05-04T10:15:30.123456789Z');
    expect(event.container?.id).toBe(CONTAINER_ID);
    expect(event.pod).toMatchObject({ namespace: 'payments', name: 'ledger-7d9f8b6c5-x2k4q' });
    expect(event.process).toMatchObject({ pid: 4242, binary: '/usr/bin/git' });
    const check = EXPECTED[k.call as string];
    expect(check, `expectation for ${k.call}`).toBeDefined();
    check?.(event);
  });
});
