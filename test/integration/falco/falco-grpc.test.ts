import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FalcoGrpcServer, startFalcoGrpcServer } from '../../../src/sensors-sim/falco-grpc-server.js';
import { createFalcoGrpcSource, falcoGrpcConfigSchema } from '../../../src/sources/falco-grpc/index.js';
import {
  connectAlert,
  execAlert,
  FIXTURES,
  fixtureObjects,
  readAlert,
  sendAlert,
  T0,
} from '../../fixtures/falco/events.js';
import { until } from '../../helpers/until.js';
import { runSource } from './harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmpSocket(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-falco-grpc-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return `unix://${join(dir, 'falco.sock')}`;
}

async function server(opts: Parameters<typeof startFalcoGrpcServer>[0]): Promise<FalcoGrpcServer> {
  const s = await startFalcoGrpcServer(opts);
  cleanups.push(() => s.stop());
  return s;
}

function source(config: Record<string, unknown>) {
  const cfg = falcoGrpcConfigSchema.parse({ initialBackoffMs: 50, maxBackoffMs: 200, pollIntervalMs: 20, ...config });
  const h = runSource((d) => createFalcoGrpcSource(cfg, d));
  cleanups.push(() => h.stop());
  return h;
}

describe('falco-grpc source against a grpc-js falco.outputs.service', () => {
  it('streams alerts over a unix socket through sub and normalizes them like the JSON form', async () => {
    const address = tmpSocket();
    const s = await server({ address });
    const h = source({ address });
    await until(() => s.subscribers() === 1);
    s.push(
      execAlert({}, T0 + 1n),
      readAlert('/src/secrets.env', 4096),
      connectAlert(),
      sendAlert(2048),
      ...fixtureObjects('sidekick_test_internal_syscall_event_drop.json'),
      ...fixtureObjects('blog_k8saudit_attach_exec_pod.jsonl'),
    );
    const events = await h.waitFor(5);
    expect(events.map((e) => e.kind)).toEqual(['exec', 'file', 'net', 'net', 'gap']);
    // Stringified on the wire, still exact: evt.time arrives as 19 digits and keeps its last nanosecond.
    expect(events[0]).toMatchObject({
      time: '2026-01-01T00:00:00.123456790Z',
      node: 'node-a',
      container: { id: '3f2a9c1b7d4e', image: 'ghcr.io/acme/builder:1.4.2' },
      process: { pid: 4242, ppid: 4200, binary: '/usr/bin/git', args: 'push origin main', uid: 1000, execId: null },
    });
    expect(events[1]).toMatchObject({ file: { op: 'read', bytes: 4096, path: '/src/secrets.env' } });
    expect(events[3]).toMatchObject({ net: { op: 'send', bytes: 2048, daddr: '10.0.0.12', dport: 443 } });
    expect(events[4]).toMatchObject({ gap: { reason: 'sensor_drop', dropped: 815508 } });
    await until(async () => (await h.metric('exfilwatch_events_dropped_total', { reason: 'ignored' })) === 2);
    expect(await h.metric('exfilwatch_source_up', { source: 'falco-grpc' })).toBe(1);
  });

  it('survives Falco restarting: source_up drops, reconnects with backoff, marks the gap, streams again', async () => {
    const address = tmpSocket();
    let s = await startFalcoGrpcServer({ address });
    const h = source({ address });
    await until(() => s.subscribers() === 1);
    s.push(execAlert());
    await h.waitFor(1);
    await s.stop();
    await until(async () => (await h.metric('exfilwatch_source_up', { source: 'falco-grpc' })) === 0);
    await new Promise((r) => setTimeout(r, 150)); // a few failed attempts while Falco is away
    s = await server({ address });
    await until(() => s.subscribers() === 1);
    s.push(connectAlert());
    const events = await h.waitFor(3);
    expect(events.map((e) => e.kind)).toEqual(['exec', 'gap', 'net']);
    expect(events[1]).toMatchObject({ gap: { reason: 'disconnected' } });
    expect(await h.metric('exfilwatch_source_reconnects_total', { source: 'falco-grpc' })).toBe(1);
    expect(await h.metric('exfilwatch_source_up', { source: 'falco-grpc' })).toBe(1);
  });

  it('waits for a Falco that is not there yet, without failing', async () => {
    const address = tmpSocket();
    const h = source({ address });
    await new Promise((r) => setTimeout(r, 200));
    expect(h.output.isUp()).toBe(false);
    const s = await server({ address });
    await until(() => s.subscribers() === 1);
    s.push(execAlert());
    await h.waitFor(1);
  });

  it('connects over TCP with mutual TLS', async () => {
    const pem = (n: string) => readFileSync(join(FIXTURES, 'tls', n));
    const s = await server({
      address: '127.0.0.1:0',
      tls: { ca: pem('ca.crt'), cert: pem('server.crt'), key: pem('server.key') },
    });
    const tls = (cert: string) => ({
      caFile: join(FIXTURES, 'tls/ca.crt'),
      certFile: join(FIXTURES, `tls/${cert}.crt`),
      keyFile: join(FIXTURES, `tls/${cert}.key`),
    });
    const h = source({ address: s.address, tls: tls('client') });
    await until(() => s.subscribers() === 1);
    s.push(execAlert(), sendAlert(10));
    expect((await h.waitFor(2)).map((e) => e.kind)).toEqual(['exec', 'net']);
    // A client certificate Falco's CA did not sign never gets a stream.
    const rogue = source({ address: s.address, tls: tls('rogue') });
    await new Promise((r) => setTimeout(r, 300));
    expect(rogue.output.isUp()).toBe(false);
    expect(s.subscribers()).toBe(1);
  });

  it('rejects a TCP address without TLS and malformed addresses at config time', () => {
    expect(() => falcoGrpcConfigSchema.parse({ address: '127.0.0.1:5060' })).toThrow(/mutual TLS/);
    expect(() => falcoGrpcConfigSchema.parse({ address: 'unix://relative' })).toThrow(/unix:\/\/\/absolute/);
    expect(falcoGrpcConfigSchema.parse({}).address).toBe('unix:///run/falco/falco.sock');
  });
});
