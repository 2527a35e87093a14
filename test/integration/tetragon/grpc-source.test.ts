import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeTetragonJson, tetragonJsonToProto } from '../../../src/formats/tetragon/index.js';
import { EventType } from '../../../src/generated/tetragon/events.js';
import {
  type ReplayItem,
  startTetragonReplayServer,
  type TetragonReplayServer,
} from '../../../src/sensors-sim/tetragon-replay-server.js';
import { createTetragonGrpcSource, tetragonGrpcConfigSchema } from '../../../src/sources/tetragon-grpc/index.js';
import { generatedEvents } from '../../fixtures/tetragon/generated.js';
import { allSamples } from '../../fixtures/tetragon/samples.js';
import { createHarness, type Harness, metricValue } from './harness.js';

const jsonEvents = [...allSamples().map((s) => s.json), ...generatedEvents().map(([, j]) => j)];
const expected = jsonEvents.map((j) => normalizeTetragonJson(j, { node: 'test-node' })).filter((e) => e !== null);
const protoEvents = jsonEvents.map(tetragonJsonToProto);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-tg-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function server(address: string, events: ReplayItem[] = protoEvents, extra = {}): Promise<TetragonReplayServer> {
  const s = await startTetragonReplayServer({ address, events, ...extra });
  cleanups.push(() => s.close());
  return s;
}

function source(h: Harness, address: string, extra: Record<string, unknown> = {}) {
  const config = tetragonGrpcConfigSchema.parse({
    address,
    reconnectMinMs: 20,
    reconnectMaxMs: 200,
    connectTimeoutMs: 1000,
    ...extra,
  });
  const src = createTetragonGrpcSource(config, h.deps);
  h.start(src);
  cleanups.push(async () => {
    await h.stop();
  });
  return src;
}

describe('tetragon-grpc source against a grpc-js FineGuidanceSensors server', () => {
  it.each([
    ['unix socket', (dir: string) => `unix://${join(dir, 'tetragon.sock')}`],
    ['TCP', () => '127.0.0.1:0'],
  ])('streams every sample and generated event over %s, normalized exactly, with our allow_list', async (_n, addr) => {
    const s = await server(addr(tmp()));
    const h = createHarness();
    source(h, s.address, { policyNames: ['exfilwatch-reads'] });
    await h.waitFor(() => h.events.length >= expected.length, 'all events');
    expect(h.events).toEqual(expected);
    expect(h.up()).toBe(true);
    expect(await metricValue(h.metrics.eventsDropped, { reason: 'ignored' })).toBe(jsonEvents.length - expected.length);

    const [req] = s.requests;
    expect(req?.allowList.map((f) => f.eventSet)).toEqual([
      [EventType.PROCESS_EXEC, EventType.PROCESS_EXIT, EventType.PROCESS_THROTTLE],
      [EventType.PROCESS_KPROBE, EventType.PROCESS_TRACEPOINT, EventType.PROCESS_LSM],
    ]);
    expect(req?.allowList[0]?.policyNames).toEqual([]);
    expect(req?.allowList[1]?.policyNames).toEqual(['exfilwatch-reads']);
    expect(await h.stop()).toBe('resolved');
  });

  it('skips an undecodable message (counted) and keeps the stream', async () => {
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]); // length prefix beyond the data
    const s = await server(`unix://${join(tmp(), 't.sock')}`, [protoEvents[0]!, garbage, protoEvents[1]!]);
    const h = createHarness();
    source(h, s.address);
    await h.waitFor(() => h.events.length >= 2, 'events around the garbage');
    expect(h.events).toEqual(expected.slice(0, 2));
    expect(h.decodeErrors).toHaveLength(1);
    expect(h.decodeErrors[0]).toMatch(/undecodable GetEventsResponse \(7 bytes\)/);
    expect(await metricValue(h.metrics.decodeErrors, { source: 'tetragon' })).toBe(1);
    expect(s.activeStreams).toBe(1);
  });

  it('reconnects by itself after the agent restarts mid-stream, and marks the gap', async () => {
    const address = `unix://${join(tmp(), 'restart.sock')}`;
    const first = await startTetragonReplayServer({ address, events: protoEvents.slice(0, 3) });
    const h = createHarness();
    source(h, address);
    await h.waitFor(() => h.events.length >= 3, 'first batch');
    await first.close();
    await h.waitFor(() => !h.up(), 'source down');
    const second = await server(address, protoEvents.slice(3, 6));
    await h.waitFor(() => h.events.filter((e) => e.kind !== 'gap').length >= 6, 'second batch');
    const gap = h.events.find((e) => e.kind === 'gap');
    expect(gap).toMatchObject({ kind: 'gap', gap: { reason: 'disconnected', dropped: 0 } });
    expect(h.events.filter((e) => e.kind !== 'gap')).toEqual(expected.slice(0, 6));
    expect(h.events.indexOf(gap!)).toBe(3);
    expect(h.up()).toBe(true);
    expect(await metricValue(h.metrics.sourceReconnects, { source: 'tetragon-grpc' })).toBe(1);
    expect(second.requests).toHaveLength(1);
  });

  it('a socket path that does not exist yet: one clear line naming it, retries, connects once it appears', async () => {
    const dir = tmp();
    const address = `unix://${join(dir, 'later.sock')}`;
    const h = createHarness();
    source(h, address);
    await h.waitFor(() => h.logs.some((l) => l.level === 40), 'a warning');
    await new Promise((r) => setTimeout(r, 300)); // several retries
    const warnings = h.logs.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1); // repeated identical failures are not re-logged at warn
    expect(warnings[0]?.msg).toBe(
      `tetragon-grpc ${address}: cannot connect: ${join(dir, 'later.sock')}: socket path does not exist (yet); retrying`,
    );
    await server(address, protoEvents.slice(0, 2));
    await h.waitFor(() => h.events.length >= 2, 'events after the socket appeared');
    expect(h.events).toEqual(expected.slice(0, 2));
  });

  it('a path that is not a socket: clear line, keeps retrying, stops cleanly', async () => {
    const path = join(tmp(), 'plain-file');
    writeFileSync(path, 'not a socket');
    const h = createHarness();
    source(h, `unix://${path}`);
    await h.waitFor(() => h.logs.some((l) => l.level === 40), 'a warning');
    expect(h.logs.find((l) => l.level === 40)?.msg).toContain(`${path} exists but is not a socket; retrying`);
    expect(await h.stop()).toBe('resolved');
  });

  it('a stale socket file nobody listens on, and a refusing TCP port: connection refused, never a crash', async () => {
    const sockPath = join(tmp(), 'stale.sock');
    // A listener killed with SIGKILL leaves its socket file behind: exactly what a crashed agent leaves.
    spawnSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(sockPath)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    expect(statSync(sockPath).isSocket()).toBe(true);
    const deadTcp = createServer();
    await new Promise<void>((r) => deadTcp.listen(0, '127.0.0.1', r));
    const port = (deadTcp.address() as { port: number }).port;
    await new Promise<void>((r) => deadTcp.close(() => r()));

    for (const [address, detail] of [
      [`unix://${sockPath}`, 'connection refused (is the Tetragon agent running?)'],
      [`127.0.0.1:${port}`, 'connection refused (is the Tetragon agent running?)'],
    ] as const) {
      const h = createHarness();
      source(h, address);
      await h.waitFor(() => h.logs.some((l) => l.level === 40), 'a warning');
      expect(h.logs.find((l) => l.level === 40)?.msg).toBe(
        `tetragon-grpc ${address}: cannot connect: ${detail}; retrying`,
      );
      expect(h.up()).toBe(false);
      expect(await h.stop()).toBe('resolved');
    }
  });
});
