import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/errors.js';
import { falcoFormat, normalizeFalco, parseFalcoJson } from '../../../src/formats/falco/index.js';
import { detectFormat } from '../../../src/formats/index.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import {
  connectAlert,
  execAlert,
  falcoAlertText,
  fixtureObjects,
  readAlert,
  sendAlert,
  T0,
} from '../../fixtures/falco/events.js';

const defaults = { node: 'fallback-node' };
const norm = (text: string) => normalizeFalco(parseFalcoJson(text), defaults);

function only<K extends NormalizedEvent['kind']>(
  e: NormalizedEvent | null,
  kind: K,
): Extract<NormalizedEvent, { kind: K }> {
  expect(e?.kind).toBe(kind);
  return e as Extract<NormalizedEvent, { kind: K }>;
}

describe('falco normalizer: generated events by evt.type', () => {
  it('execve → exec with exepath binary, args minus argv[0], no exec ids, exact ns time', () => {
    const e = only(norm(execAlert()), 'exec');
    expect(e.time).toBe('2026-01-01T00:00:00.123456789Z');
    expect(e.timeMs).toBeCloseTo(1_767_225_600_123.4568, 3);
    expect(e.source).toBe('falco');
    expect(e.node).toBe('node-a');
    expect(e.container).toEqual({ id: '3f2a9c1b7d4e', name: 'builder', image: 'ghcr.io/acme/builder:1.4.2' });
    expect(e.pod).toEqual({ namespace: 'ci', name: 'builder-7c9f' });
    expect(e.process).toMatchObject({
      execId: null,
      parentExecId: null,
      pid: 4242,
      ppid: 4200,
      binary: '/usr/bin/git',
      args: 'push origin main',
      parentBinary: '/bin/bash',
      parentArgs: '-c git push origin main',
      uid: 1000,
      containerPid: 17,
    });
  });

  it("keeps an exec's working directory (proc.cwd: relative paths in its argv start there)", () => {
    expect(only(norm(execAlert({ 'proc.cwd': '/workspace/source/' })), 'exec').process.cwd).toBe('/workspace/source/');
    expect(only(norm(execAlert()), 'exec').process.cwd).toBeNull();
  });

  it('keeps nanoseconds that a plain JSON.parse would round away', () => {
    const at = T0 + 1n; // ...789 → ...790: invisible to a double
    expect(Number(at)).toBe(Number(T0));
    expect(only(norm(execAlert({}, at)), 'exec').time).toBe('2026-01-01T00:00:00.123456790Z');
    // Even without our exact parser, the top-level "time" string keeps them.
    const viaPlainParse = normalizeFalco(JSON.parse(execAlert({}, at)), defaults);
    expect(viaPlainParse?.time).toBe('2026-01-01T00:00:00.123456790Z');
  });

  it('prefers proc.exepath over the 15-char proc.name', () => {
    const e = only(norm(connectAlert()), 'net');
    expect(e.process.binary).toBe('/usr/lib/git-core/git-remote-https');
    const noExe = only(norm(connectAlert({ 'proc.exepath': null })), 'net');
    expect(noExe.process.binary).toBe('git-remote-http');
  });

  it('read on a file → file read with bytes from evt.rawres; failed read ignored', () => {
    const e = only(norm(readAlert('/src/secret.key', 65536)), 'file');
    expect(e.file).toEqual({ path: '/src/secret.key', op: 'read', bytes: 65536 });
    expect(norm(readAlert('/src/a', -11))).toBeNull();
  });

  it('copy_file_range and splice from a file → a read of it (their fd is the source: fdin, fd_in)', () => {
    for (const evtType of ['copy_file_range', 'splice']) {
      const e = only(norm(readAlert('/srv/exports/a.parquet', 4_194_304, T0, evtType)), 'file');
      expect(e.file, evtType).toEqual({ path: '/srv/exports/a.parquet', op: 'read', bytes: 4_194_304 });
    }
  });

  it('connect → net connect with daddr/dport from fd.rip/fd.rport (private destinations kept)', () => {
    const e = only(norm(connectAlert()), 'net');
    expect(e.net).toEqual({
      op: 'connect',
      daddr: '10.0.0.12',
      dport: 443,
      bytes: null,
      saddr: '10.244.1.7',
      sport: 51234,
      protocol: 'tcp',
    });
  });

  it('connect without fd.rip parses the fd.name tuple; EINPROGRESS counts, other errors do not', () => {
    const e = only(
      norm(connectAlert({ 'fd.rip': null, 'fd.rport': null, 'fd.lip': null, 'fd.lport': null, 'evt.rawres': -115 })),
      'net',
    );
    expect(e.net).toMatchObject({ daddr: '10.0.0.12', dport: 443, saddr: '10.244.1.7', sport: 51234 });
    expect(norm(connectAlert({ 'evt.rawres': -111 }))).toBeNull();
  });

  it('IPv6 tuples split at the last colon', () => {
    const e = only(
      norm(
        connectAlert({
          'fd.rip': null,
          'fd.rport': null,
          'fd.lip': null,
          'fd.lport': null,
          'fd.type': 'ipv6',
          'fd.name': 'fd00::7:40000->fd00::12:22',
        }),
      ),
      'net',
    );
    expect(e.net).toMatchObject({ daddr: 'fd00::12', dport: 22, saddr: 'fd00::7', sport: 40000 });
  });

  it('sendto/sendmsg/write on an inet socket → net send with bytes; write on a file → file write', () => {
    expect(only(norm(sendAlert(1400)), 'net').net).toMatchObject({ op: 'send', bytes: 1400, daddr: '10.0.0.12' });
    expect(only(norm(connectAlert({ 'evt.type': 'write', 'evt.rawres': 900 })), 'net').net.op).toBe('send');
    const w = norm(readAlert('/tmp/out.tgz', 10).replace('"evt.type":"read"', '"evt.type":"write"'));
    expect(only(w, 'file').file).toEqual({ path: '/tmp/out.tgz', op: 'write', bytes: 10 });
  });

  it('close on a socket → net close; close on a file → ignored; unix connect → ignored', () => {
    expect(only(norm(connectAlert({ 'evt.type': 'close' })), 'net').net.op).toBe('close');
    expect(norm(readAlert('/a', 0).replace('"evt.type":"read"', '"evt.type":"close"'))).toBeNull();
    expect(norm(connectAlert({ 'fd.type': 'unix', 'fd.name': '/var/run/docker.sock' }))).toBeNull();
  });

  it('openat → file open; procexit → exit', () => {
    const o = norm(readAlert('/etc/shadow', 3).replace('"evt.type":"read"', '"evt.type":"openat"'));
    expect(only(o, 'file').file).toEqual({ path: '/etc/shadow', op: 'open', bytes: null });
    const x = only(norm(execAlert({ 'evt.type': 'procexit', 'evt.arg.ret': 1, 'evt.arg.sig': '0' })), 'exit');
    expect(x.exit).toEqual({ status: 1, signal: null });
  });

  it('host events and a null container → container null', () => {
    expect(only(norm(execAlert({ 'container.id': 'host' })), 'exec').container).toBeNull();
    expect(only(norm(execAlert({ 'container.id': null, 'k8s.ns.name': null })), 'exec')).toMatchObject({
      container: null,
      pod: null,
    });
  });

  it('wrong field types become null fields, never a crash; wrong shapes are DecodeErrors', () => {
    const e = only(
      norm(
        execAlert({
          'proc.pid': 'not-a-pid',
          'proc.exepath': 42 as unknown as string,
          'container.name': 7 as unknown as string,
        }),
      ),
      'exec',
    );
    expect(e.process.pid).toBeNull();
    expect(e.process.binary).toBe('git'); // exepath of the wrong type is dropped; proc.name remains
    expect(e.container?.name).toBeNull();
    expect(() => normalizeFalco({ rule: 'r', priority: 'Debug', output_fields: [1] }, defaults)).toThrow(DecodeError);
    expect(() => normalizeFalco({ rule: 'r', output_fields: { 'evt.type': 'execve' } }, defaults)).toThrow(
      /no usable time/,
    );
    expect(() => parseFalcoJson('{"rule":')).toThrow(DecodeError);
    expect(() => parseFalcoJson('[1,2]')).toThrow(/JSON object/);
  });

  it('events with none of the needed fields, or of other sources, are ignored (null)', () => {
    const noFields = falcoAlertText({ evtTimeNs: T0, fields: { 'user.name': 'root' } });
    expect(norm(noFields)).toBeNull();
    expect(norm(execAlert({ 'evt.type': 'mmap' }))).toBeNull();
    expect(normalizeFalco({ rule: 'r', priority: 'Debug', time: '2026-01-01T00:00:00Z' }, defaults)).toBeNull();
  });
});

describe('falco normalizer: real upstream samples', () => {
  const all = (name: string) => fixtureObjects(name).map((t) => norm(t));

  it('docs terminal-shell sample (no evt.type) → exec of sh in the container, exact time', () => {
    const [e] = all('docs_channels_terminal_shell.json');
    const x = only(e ?? null, 'exec');
    expect(x.time).toBe('2023-05-25T13:44:05.478445995Z');
    expect(x.node).toBe('falco-xczjd');
    expect(x.container).toEqual({ id: 'ee97d9c4186f', name: null, image: 'docker.io/library/alpine' });
    expect(x.pod).toEqual({ namespace: 'default', name: 'kubecon' });
    expect(x.process).toMatchObject({ binary: 'sh', args: '-c clear; (bash || ash || sh)', pid: null, execId: null });
  });

  it('pre-0.30 samples (no source/tags/hostname): shell → exec, K8s API contact → connect from the tuple', () => {
    for (const file of [
      'blog_openfaas_shell_and_k8s_api_connect.jsonl',
      'blog_fission_shell_and_k8s_api_connect.jsonl',
    ]) {
      const [shell, api] = all(file);
      expect(only(shell ?? null, 'exec').node).toBe('fallback-node');
      const n = only(api ?? null, 'net');
      expect(n.net.op).toBe('connect');
      expect(n.net.dport).toBe(443);
      expect(n.container?.id).toMatch(/^[0-9a-f]{12}$/);
    }
    const [, fission] = all('blog_fission_shell_and_k8s_api_connect.jsonl');
    expect(only(fission ?? null, 'net').container?.image).toBe('fission/fetcher:1.13.1');
  });

  it('sidekick write-below-binary-dir sample → file open of /bin/hack', () => {
    const [e] = all('sidekick_readme_write_below_binary_dir.json');
    expect(only(e ?? null, 'file').file).toEqual({ path: '/bin/hack', op: 'open', bytes: null });
  });

  it('syscall event drop alert → gap (sensor_drop) with the dropped count and a one-second window', () => {
    const [e] = all('sidekick_test_internal_syscall_event_drop.json');
    const g = only(e ?? null, 'gap');
    expect(g.gap).toEqual({ dropped: 815508, reason: 'sensor_drop', fromMs: g.timeMs - 1000 });
    expect(g.time).toBe('2023-03-03T03:03:03.000000003Z');
  });

  it('metrics snapshot and k8s_audit samples are ignored', () => {
    expect(all('docs_metrics_snapshot_internal.json')).toEqual([null]);
    expect(all('blog_k8saudit_attach_exec_pod.jsonl')).toEqual([null, null]);
  });

  it('protobuf-JSON gRPC sample (string fields, clock-only evt.time) → connect timed from {seconds,nanos}', () => {
    const [e] = all('grpc_response_protojson_package_hunter.json');
    const n = only(e ?? null, 'net');
    expect(n.time).toBe('2021-11-19T16:35:16.457772674Z');
    expect(n.net).toMatchObject({ op: 'connect', daddr: '172.65.251.78', dport: 0, saddr: '172.17.0.2', sport: 54865 });
    expect(n.container?.name).toBe('some-container-633414e2-24f2-412a-811f-c37131ff2c61.tgz');
  });
});

describe('falco format detection', () => {
  it('tells Falco alerts from Tetragon lines by shape', () => {
    for (const name of [
      'docs_channels_terminal_shell.json',
      'grpc_response_protojson_package_hunter.json',
      'blog_k8saudit_attach_exec_pod.jsonl',
    ]) {
      for (const line of fixtureObjects(name)) expect(detectFormat(JSON.parse(line))?.name).toBe('falco');
    }
    const tetragon = {
      process_exec: { process: { binary: '/usr/bin/git' } },
      node_name: 'n',
      time: '2026-01-01T00:00:00Z',
    };
    expect(falcoFormat.detect(tetragon)).toBe(false);
    expect(falcoFormat.detect({ rule: 'x' })).toBe(false);
  });
});
