/**
 * The falco-grpc source against grpc-js servers that misbehave: `sub` refused or ended at once (backoff must
 * grow, source_up must stay 0, no version client per attempt), and undecodable responses among good ones
 * (counted and skipped, the stream kept).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFalcoGrpcSource, falcoGrpcConfigSchema } from '../../../src/sources/falco-grpc/index.js';
import { connectAlert, execAlert } from '../../fixtures/falco/events.js';
import { until } from '../../helpers/until.js';
import { runSource } from './harness.js';
import { refuse, responseBytes, type ScriptedFalco, type SubStream, startScriptedFalco } from './scripted-server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmpSocket(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-falco-grpc-fail-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return `unix://${join(dir, 'falco.sock')}`;
}

async function scripted(onSub: (call: SubStream) => void): Promise<{ address: string; falco: ScriptedFalco }> {
  const address = tmpSocket();
  const falco = await startScriptedFalco(address, onSub);
  cleanups.push(() => falco.stop());
  return { address, falco };
}

function source(address: string, over: Record<string, unknown> = {}) {
  const cfg = falcoGrpcConfigSchema.parse({ address, pollIntervalMs: 20, ...over });
  const logs: Array<Record<string, unknown>> = [];
  const h = runSource((d) => createFalcoGrpcSource(cfg, d), { logs });
  cleanups.push(() => h.stop());
  return { h, logs };
}

/** Watches the source for `ms`, sampling whether it ever reported itself up. */
async function watch(h: ReturnType<typeof source>['h'], ms: number): Promise<{ everUp: boolean }> {
  let everUp = false;
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    everUp ||= h.output.isUp();
    await new Promise((r) => setTimeout(r, 5));
  }
  return { everUp };
}

const UP = { source: 'falco-grpc' };
// initialBackoffMs 50 doubling to 1000 with full jitter: ~7 attempts in 2 s; a backoff stuck at its first
// step would make 40+ (one per ~25 ms plus the attempt). 15 leaves room for unlucky draws (P < 1e-4).
const BACKOFF = { initialBackoffMs: 50, maxBackoffMs: 1000 };
const WATCH_MS = 2000;
const MAX_ATTEMPTS = 15;

describe('falco-grpc source when Falco refuses or ends sub at once', () => {
  for (const [name, onSub] of [
    ['sub answered UNIMPLEMENTED', refuse()],
    ['sub ended OK at once', (call: SubStream) => call.end()],
  ] as const) {
    it(`${name}: backoff grows, source_up never goes 1, no gap, no version call`, async () => {
      const { address, falco } = await scripted(onSub);
      const { h, logs } = source(address, BACKOFF);
      await until(() => falco.subStreams() >= 1);
      const { everUp } = await watch(h, WATCH_MS);
      const attempts = falco.subStreams();
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(attempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
      expect(everUp).toBe(false);
      expect(await h.metric('exfilwatch_source_up', UP)).toBe(0);
      expect(await h.metric('exfilwatch_source_reconnects_total', UP)).toBe(0);
      expect(h.events.filter((e) => e.kind === 'gap')).toEqual([]);
      expect(falco.versionCalls()).toBe(0);
      // The retry delays logged grow past the first step.
      const delays = logs.filter((l) => typeof l.retryInMs === 'number').map((l) => l.retryInMs as number);
      expect(Math.max(...delays)).toBeGreaterThan(BACKOFF.initialBackoffMs);
    });
  }

  it('an idle stream Falco keeps open is up without any response, and the version is asked once', async () => {
    const { address, falco } = await scripted(() => undefined);
    const { h, logs } = source(address, BACKOFF);
    await until(() => h.output.isUp());
    await until(() => logs.some((l) => l.msg === 'connected to Falco'));
    await watch(h, 300);
    expect(falco.subStreams()).toBe(1);
    expect(falco.versionCalls()).toBe(1);
    expect(await h.metric('exfilwatch_source_up', UP)).toBe(1);
  });

  it('a stream that delivered an alert and then ended resets the backoff: each return is one version call', async () => {
    // Each stream answers the first request with one alert, then ends: healthy every time.
    const { address, falco } = await scripted((call) => {
      call.once('data', () => {
        call.write(responseBytes(execAlert()));
        setTimeout(() => call.end(), 50);
      });
    });
    const { h } = source(address, { initialBackoffMs: 50, maxBackoffMs: 5000 });
    await until(() => falco.subStreams() >= 4, 5000);
    await until(async () => (await h.metric('exfilwatch_source_reconnects_total', UP)) >= 3);
    const streams = falco.subStreams();
    await until(() => falco.versionCalls() >= streams - 1);
    expect(falco.versionCalls()).toBeLessThanOrEqual(falco.subStreams());
    expect(h.events.filter((e) => e.kind === 'exec').length).toBeGreaterThanOrEqual(3);
  });
});

describe('falco-grpc source and undecodable responses', () => {
  it('counts a bad response as a decode error, logs it, keeps the stream and delivers the good ones behind it', async () => {
    let batches = 0;
    const { address, falco } = await scripted((call) => {
      call.on('data', () => {
        if (batches++ > 0) return;
        // Truncated: field 1 (time) announces a length whose varint never ends.
        call.write(responseBytes(execAlert()));
        call.write(Buffer.from([0x0a, 0xff]));
        call.write(responseBytes(connectAlert()));
        call.write(Buffer.from([0xff, 0xff, 0xff]));
        call.write(responseBytes(execAlert({ 'proc.pid': 4343 })));
      });
    });
    const { h, logs } = source(address, BACKOFF);
    const events = await h.waitFor(3);
    expect(events.map((e) => e.kind)).toEqual(['exec', 'net', 'exec']);
    await until(async () => (await h.metric('exfilwatch_decode_errors_total', { source: 'falco' })) === 2);
    expect(await h.metric('exfilwatch_events_dropped_total', { reason: 'malformed' })).toBe(2);
    const decodeLog = logs.find((l) => l.msg === 'skipped an event that could not be decoded');
    expect(String(decodeLog?.err)).toMatch(/undecodable response \(2 bytes\)/);
    await watch(h, 200);
    expect(falco.subStreams()).toBe(1);
    expect(await h.metric('exfilwatch_source_reconnects_total', UP)).toBe(0);
    expect(await h.metric('exfilwatch_source_up', UP)).toBe(1);
  });
});
