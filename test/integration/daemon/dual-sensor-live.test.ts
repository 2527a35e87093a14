/**
 * Both sensors on one node, live: one daemon (createApp) with a Tetragon gRPC source (a replaying
 * Tetragon-compatible server) and a Falco http_output receiver, fed the same scenario by both, one sensor's
 * stream well before the other's. It raises the alert one sensor alone raises: one per push, the bytes as one
 * sensor counted them (they were summed), the evidence not repeated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { buildConfigSchema } from '../../../src/config/schema.js';
import { createCorrelator } from '../../../src/correlate/index.js';
import { detectFormat } from '../../../src/formats/index.js';
import type { Alert } from '../../../src/model/alert.js';
import { systemClock } from '../../../src/model/clock.js';
import { createFalcoHttpPoster } from '../../../src/sensors-sim/falco-http-poster.js';
import { tetragonJsonLinesToProto } from '../../../src/sensors-sim/tetragon-json.js';
import { startTetragonReplayServer } from '../../../src/sensors-sim/tetragon-replay-server.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { collectSink } from '../../helpers/collect-sink.js';
import { alertView, generatedLines } from '../../helpers/dual-sensor.js';
import { freePort } from '../falco/harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Lines a normalizer turns into events (the others are ignored, not counted by the app). */
const eventCount = (lines: string[]) =>
  lines.filter((l) => {
    const obj = JSON.parse(l) as Record<string, unknown>;
    return detectFormat(obj)?.normalize(obj, { node: 'n' }) != null;
  }).length;

async function untilTrue(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The alerts of one daemon fed `name` by both sensors, `first`'s whole stream before the other's. */
async function liveBoth(name: string, first: 'tetragon' | 'falco'): Promise<Alert[]> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-dual-live-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const tetragon = generatedLines(name, 'tetragon');
  const falco = generatedLines(name, 'falco');
  const server = await startTetragonReplayServer({ address: `unix://${join(dir, 'tetragon.sock')}`, events: [] });
  cleanups.push(() => server.close());
  const port = await freePort();
  const config = buildConfigSchema().parse({
    sources: { tetragonGrpc: [{ address: server.address }], falcoHttp: [{ listen: `127.0.0.1:${port}` }] },
  });
  const deps = { logger: silentLogger(), metrics: createMetrics(), clock: systemClock, node: 'test-node' };
  const correlator = createCorrelator(config.correlator, config.allowlist, { ...deps, resolveHost: null });
  const { sink, alerts } = collectSink();
  const app = createApp(config, deps, { correlator, extraSinks: [sink] });
  await app.start();
  let stopped = false;
  const stop = async () => {
    if (!stopped) await app.stop();
    stopped = true;
  };
  cleanups.push(stop);
  await untilTrue('both sources up', () => app.ready() && server.activeStreams === 1);
  const poster = createFalcoHttpPoster({ url: `http://127.0.0.1:${port}/` });
  cleanups.push(() => poster.close());
  const feedTetragon = () => server.push(tetragonJsonLinesToProto(tetragon.join('\n')));
  const feedFalco = async () => expect((await poster.postAll(falco)).every((r) => r.status === 200)).toBe(true);
  const tetragonEvents = eventCount(tetragon);
  const all = tetragonEvents + eventCount(falco);
  if (first === 'tetragon') {
    feedTetragon();
    await untilTrue('the Tetragon stream', () => app.stats().events >= tetragonEvents);
    await feedFalco();
  } else {
    await feedFalco();
    feedTetragon();
  }
  await untilTrue('both streams', () => app.stats().events >= all);
  expect(app.stats().events).toBe(all);
  // Stopping flushes the correlator: every push still pending is judged.
  await stop();
  return alerts;
}

describe('one daemon fed by Tetragon (gRPC) and Falco (http_output) on the same node', () => {
  it.each(['tetragon', 'falco'] as const)(
    'a bulk read then git push: one alert, its bytes counted once (%s stream first)',
    async (first) => {
      const alerts = await liveBoth('git-push-https-bulk-read', first);
      expect(alertView(alerts)).toEqual([
        expect.objectContaining({ rule: 'bulk-read-then-push', severity: 'high', bytes: 123_731_968 }),
      ]);
      expect(alerts[0]!.egressBytes).toBe(24_117_248);
      // Each step once, though both sensors reported it.
      const steps = alerts[0]!.evidence.map((e) => `${e.kind} ${e.detail}`);
      expect(new Set(steps).size).toBe(steps.length);
      expect(alerts[0]!.source).toBe(first);
    },
  );

  it('a service-account token read then pushed: one alert, the sensitive path once', async () => {
    const alerts = await liveBoth('sa-token-git-push', 'falco');
    expect(alertView(alerts)).toEqual([
      expect.objectContaining({
        rule: 'sensitive-read-then-push',
        severity: 'high',
        bytes: 1102,
        sensitive: ['/var/run/secrets/kubernetes.io/serviceaccount/token'],
        egressBytes: 6144,
      }),
    ]);
  });
});
