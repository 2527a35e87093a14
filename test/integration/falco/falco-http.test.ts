import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, SourceFailedError } from '../../../src/errors.js';
import { createFalcoHttpPoster, type FalcoHttpPoster } from '../../../src/sensors-sim/falco-http-poster.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../../src/sources/falco-http/index.js';
import {
  connectAlert,
  execAlert,
  FIXTURES,
  fixtureObjects,
  readAlert,
  sendAlert,
} from '../../fixtures/falco/events.js';
import { until } from '../../helpers/until.js';
import { runSource, startFalcoReceiver } from './harness.js';

const SAMPLES = [
  'docs_channels_terminal_shell.json',
  'blog_openfaas_shell_and_k8s_api_connect.jsonl',
  'blog_fission_shell_and_k8s_api_connect.jsonl',
  'sidekick_readme_write_below_binary_dir.json',
  'sidekick_test_internal_syscall_event_drop.json',
  'docs_metrics_snapshot_internal.json',
  'blog_k8saudit_attach_exec_pod.jsonl',
  'grpc_response_protojson_package_hunter.json',
];
const tls = (name: string) => readFileSync(join(FIXTURES, 'tls', name));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const receiver = (config: Record<string, unknown> = {}, opts: { capacity?: number; drain?: boolean } = {}) =>
  startFalcoReceiver(cleanups, config, opts);

function poster(
  url: string,
  extra: Parameters<typeof createFalcoHttpPoster>[0] extends infer O ? Partial<O> : never = {},
): FalcoHttpPoster {
  const p = createFalcoHttpPoster({ url, ...extra });
  cleanups.push(() => p.close());
  return p;
}

describe('falco-http receiver', () => {
  it('takes the real Falco samples and generated alerts, one POST each over one keep-alive connection', async () => {
    const { h, port } = await receiver();
    expect(h.output.isUp()).toBe(true);
    const bodies = [
      ...SAMPLES.flatMap(fixtureObjects),
      execAlert(),
      readAlert('/src/.git/objects/pack/pack-1.pack', 1_048_576),
      connectAlert(),
      sendAlert(16_384),
    ];
    const p = poster(`http://127.0.0.1:${port}/`);
    const results = await p.postAll(bodies);
    expect(results.map((r) => r.status)).toEqual(bodies.map(() => 200));
    expect(new Set(results.map((r) => r.localPort)).size).toBe(1); // keep-alive: one connection for all
    // 13 sample objects: 3 k8s_audit/metrics are ignored; the rest (incl. the drop alert → gap) come out.
    const events = await h.waitFor(bodies.length - 3);
    expect(events.map((e) => e.kind)).toEqual([
      'exec',
      'exec',
      'net',
      'exec',
      'net',
      'file',
      'gap',
      'net',
      'exec',
      'file',
      'net',
      'net',
    ]);
    expect(events[0]).toMatchObject({
      kind: 'exec',
      time: '2023-05-25T13:44:05.478445995Z',
      container: { id: 'ee97d9c4186f' },
    });
    expect(events.at(-1)).toMatchObject({
      kind: 'net',
      net: { op: 'send', bytes: 16_384, daddr: '10.0.0.12', dport: 443 },
    });
    expect(events.at(-3)).toMatchObject({ kind: 'file', file: { op: 'read', bytes: 1_048_576 } });
    expect(await h.metric('exfilwatch_events_dropped_total', { reason: 'ignored' })).toBe(3);
    expect(await h.metric('exfilwatch_receiver_requests_total', { source: 'falco-http', code: '200' })).toBe(
      bodies.length,
    );
    expect(await h.metric('exfilwatch_source_up', { source: 'falco-http' })).toBe(1);
  });

  it('accepts newline-delimited batches and gzip bodies; serves GET /healthz', async () => {
    const { h, port } = await receiver();
    const p = poster(`http://127.0.0.1:${port}/`);
    const batch = `${execAlert()}\n\n${connectAlert()}\n${sendAlert(10)}\n`;
    const r = await p.post(batch, { 'content-type': 'application/x-ndjson' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ accepted: 3, rejected: 0 });
    expect((await p.post(batch)).status).toBe(200); // as application/json too
    expect((await p.post(gzipSync(execAlert()), { 'content-encoding': 'gzip' })).status).toBe(200);
    await h.waitFor(7);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
  });

  it('refuses bad input with a 4xx and a reason, counts it, and keeps serving', async () => {
    const { h, port } = await receiver({ maxBodyBytes: 4096, maxHeaderBytes: 2048 });
    const p = poster(`http://127.0.0.1:${port}/`);
    const notJson = await p.post('this is not json');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error).toMatch(/not JSON/);
    const notFalco = await p.post('{"hello":"world"}');
    expect(notFalco.status).toBe(400);
    expect(JSON.parse(notFalco.body).error).toMatch(/not a Falco alert/);
    // A Tetragon line posted here is told what it is and where it goes (7b3ff3b), not which keys it lacks.
    const tetragon = await p.post('{"process_exec":{"process":{"binary":"/bin/sh"}},"node_name":"n"}');
    expect(tetragon.status).toBe(400);
    expect(JSON.parse(tetragon.body).error).toMatch(
      /^not a Falco alert: this is a Tetragon event \(process_\*\): read it as Tetragon/,
    );
    const text = await p.post('13:44:05.478445995: Critical A shell was spawned', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(JSON.parse(text.body).error).toMatch(/json_output: true/);
    const big = `{"rule":"r","priority":"Debug","output":"${'x'.repeat(5000)}"}`;
    expect((await p.post(big)).status).toBe(413);
    expect((await p.post(gzipSync(big.repeat(4)), { 'content-encoding': 'gzip' })).status).toBe(413);
    const mixed = await p.post(`${execAlert()}\n{oops\n${connectAlert()}`, { 'content-type': 'application/x-ndjson' });
    expect(mixed.status).toBe(400);
    expect(JSON.parse(mixed.body)).toMatchObject({
      accepted: 2,
      rejected: 1,
      error: expect.stringMatching(/^line 2: /),
    });
    // Wrong field types and a null container: a normalized event with nulls, not an error.
    const odd = await p.post(execAlert({ 'proc.pid': 'x', 'container.id': null, 'evt.rawres': 'zero' }));
    expect(odd.status).toBe(200);
    const wrongShape = await p.post(
      '{"rule":"r","priority":"Debug","output_fields":"nope","time":"2026-01-01T00:00:00Z"}',
    );
    expect(wrongShape.status).toBe(400);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(405);
    // Oversized header block: Node's parser refuses it (431) and the server counts it.
    const hugeHeader = await rawRequest(port, `POST / HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(4000)}\r\n\r\n`);
    expect(hugeHeader).toMatch(/^HTTP\/1.1 431/);
    // Still serving, and every event that was fine came out.
    expect((await p.post(connectAlert())).status).toBe(200);
    const events = await h.waitFor(4);
    expect(events.find((e) => e.kind === 'exec' && e.container === null)).toMatchObject({ process: { pid: null } });
    expect(await h.metric('exfilwatch_decode_errors_total', { source: 'falco' })).toBe(5);
    expect(await h.metric('exfilwatch_receiver_requests_total', { source: 'falco-http', code: '431' })).toBe(1);
  });

  it('answers a flood over the rate limit with 429 and recovers', async () => {
    const { h, port } = await receiver({ maxRequestsPerSecond: 20 });
    const p = poster(`http://127.0.0.1:${port}/`);
    const flood = await p.postAll(Array.from({ length: 60 }, () => execAlert()));
    const codes = flood.map((r) => r.status);
    expect(codes.filter((c) => c === 200).length).toBeGreaterThanOrEqual(20);
    expect(codes).toContain(429);
    await new Promise((r) => setTimeout(r, 300));
    expect((await p.post(execAlert())).status).toBe(200);
    expect(await h.metric('exfilwatch_events_dropped_total', { reason: 'rejected' })).toBe(
      codes.filter((c) => c === 429).length,
    );
  });

  it('replies 503 when the pipeline queue is full (the drop is counted, never a fake 2xx)', async () => {
    const { h, port } = await receiver({}, { capacity: 2, drain: false });
    const p = poster(`http://127.0.0.1:${port}/`);
    const codes = (await p.postAll([execAlert(), execAlert(), execAlert()])).map((r) => r.status);
    expect(codes).toEqual([200, 200, 503]);
    expect(await h.metric('exfilwatch_events_dropped_total', { reason: 'queue_full' })).toBe(1);
  });

  it('over maxConnections, the connection idle longest is closed to admit the new one', async () => {
    const { port } = await receiver({ maxConnections: 1 });
    const first = net.connect(port, '127.0.0.1');
    cleanups.push(() => void first.destroy());
    first.on('error', () => undefined);
    await new Promise((r) => first.once('connect', r));
    await new Promise((r) => setTimeout(r, 50));
    const second = net.connect(port, '127.0.0.1');
    cleanups.push(() => void second.destroy());
    const closed = await new Promise<boolean>((resolve) => {
      first.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 2000);
    });
    expect(closed).toBe(true);
    expect(second.destroyed).toBe(false);
  });

  it('requires the shared-secret header (constant-time compare), also as Basic auth from an http_output url', async () => {
    process.env.EXFILWATCH_TEST_FALCO_SECRET = 's3cr3t-value';
    cleanups.push(() => void delete process.env.EXFILWATCH_TEST_FALCO_SECRET);
    const { h, port } = await receiver({
      sharedSecret: { header: 'x-exfilwatch-token', valueEnv: 'EXFILWATCH_TEST_FALCO_SECRET' },
    });
    const p = poster(`http://127.0.0.1:${port}/`);
    const missing = await p.post(execAlert());
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body).error).toMatch(/x-exfilwatch-token/);
    expect((await p.post(execAlert(), { 'x-exfilwatch-token': 's3cr3t-valuf' })).status).toBe(401);
    expect((await p.post(execAlert(), { 'x-exfilwatch-token': 's3cr3t-value' })).status).toBe(200);
    await h.waitFor(1);

    const { h: h2, port: port2 } = await receiver({ sharedSecret: { valueEnv: 'EXFILWATCH_TEST_FALCO_SECRET' } });
    const basic = `Basic ${Buffer.from('exfilwatch:s3cr3t-value').toString('base64')}`;
    expect((await poster(`http://127.0.0.1:${port2}/`).post(execAlert(), { authorization: basic })).status).toBe(200);
    await h2.waitFor(1);
  });

  it('refuses an unauthenticated request from its head alone: the body is never waited for (fast path and not)', async () => {
    process.env.EXFILWATCH_TEST_FALCO_SECRET = 's3cr3t-value';
    cleanups.push(() => void delete process.env.EXFILWATCH_TEST_FALCO_SECRET);
    for (const fastPath of [true, false]) {
      const { port } = await receiver({
        fastPath,
        sharedSecret: { header: 'x-exfilwatch-token', valueEnv: 'EXFILWATCH_TEST_FALCO_SECRET' },
      });
      // A 1 MB body announced, 16 bytes of it sent: held until the rest came, 256 such connections held
      // 256 MB of an unauthenticated client's bytes.
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        let got = '';
        socket.on('data', (d) => {
          got += d.toString('latin1');
          if (got.includes('\r\n\r\n')) resolve(got);
        });
        socket.on('error', reject);
        setTimeout(() => resolve(got), 3000).unref();
        socket.write(
          'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"output":"xxxx',
        );
        cleanups.push(() => void socket.destroy());
      });
      expect(answer.split('\r\n')[0], `fastPath ${fastPath}`).toBe('HTTP/1.1 401 Unauthorized');
    }
  });

  it('refuses to start with an unset secret variable (ConfigError) or a busy port (SourceFailedError)', async () => {
    const cfg = falcoHttpConfigSchema.parse({
      listen: '127.0.0.1:0',
      sharedSecret: { valueEnv: 'EXFILWATCH_TEST_UNSET_VAR' },
    });
    const h = runSource((d) => createFalcoHttpSource(cfg, d));
    cleanups.push(() => h.stop());
    await expect(h.done).rejects.toBeInstanceOf(ConfigError);
    const { port } = await receiver();
    const h2 = runSource((d) => createFalcoHttpSource(falcoHttpConfigSchema.parse({ listen: `127.0.0.1:${port}` }), d));
    cleanups.push(() => h2.stop());
    await expect(h2.done).rejects.toBeInstanceOf(SourceFailedError);
    await expect(h2.done).rejects.toThrow(/EADDRINUSE/);
    expect(() => falcoHttpConfigSchema.parse({ listen: 'nonsense' })).toThrow(/HOST:PORT/);
  });

  it('serves HTTPS with client-certificate auth (Falco http_output mtls)', async () => {
    const { h, port } = await receiver({
      tls: {
        certFile: join(FIXTURES, 'tls/server.crt'),
        keyFile: join(FIXTURES, 'tls/server.key'),
        clientCaFile: join(FIXTURES, 'tls/ca.crt'),
      },
    });
    const url = `https://localhost:${port}/`;
    const good = poster(url, { ca: tls('ca.crt'), cert: tls('client.crt'), key: tls('client.key') });
    const results = await good.postAll([execAlert(), connectAlert()]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(results[0]?.localPort).toBe(results[1]?.localPort);
    const events = await h.waitFor(2);
    expect(events.map((e) => e.kind)).toEqual(['exec', 'net']);
    await expect(poster(url, { ca: tls('ca.crt') }).post(execAlert())).rejects.toThrow();
    await expect(
      poster(url, { ca: tls('ca.crt'), cert: tls('rogue.crt'), key: tls('rogue.key') }).post(execAlert()),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(
      await h.metric('exfilwatch_receiver_requests_total', { source: 'falco-http', code: 'tls' }),
    ).toBeGreaterThanOrEqual(1);
    expect(h.events).toHaveLength(2);
  });
  it('connections closed over maxConnections are counted; a TLS handshake never finished ends at the request timeout, counted once', async () => {
    const { h, port } = await receiver({ maxConnections: 2 });
    const sockets = Array.from({ length: 5 }, () => net.connect(port, '127.0.0.1'));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
    });
    for (const s of sockets) s.on('error', () => undefined);
    const closed = (reason: string) =>
      h.metric('exfilwatch_receiver_connections_closed_total', { source: 'falco-http', reason });
    await until(async () => (await closed('evicted')) === 3); // none had a request in progress

    const { h: t, port: tlsPort } = await receiver({
      requestTimeoutMs: 1000,
      tls: { certFile: join(FIXTURES, 'tls/server.crt'), keyFile: join(FIXTURES, 'tls/server.key') },
    });
    const started = Date.now();
    const silent = net.connect(tlsPort, '127.0.0.1');
    cleanups.push(() => void silent.destroy());
    await new Promise<void>((resolve) => silent.on('close', () => resolve()));
    // Node's own handshake limit is 120 s.
    expect(Date.now() - started).toBeLessThan(10_000);
    const tlsCode = (c: string) => t.metric('exfilwatch_receiver_requests_total', { source: 'falco-http', code: c });
    await until(async () => (await tlsCode('tls')) === 1);
    expect(await tlsCode('400')).toBe(0);
  });
});

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
    });
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
}
