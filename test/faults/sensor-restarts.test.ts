/**
 * Sensor restarts against the real daemon (`exfilwatch run` as a child process): the Tetragon agent and
 * Falco's gRPC server killed and restarted mid-stream (once with the socket file deleted while down), the
 * export file rotated, truncated, replaced and deleted. Each time exfilwatch is streaming again within
 * 5 s, exfilwatch_source_up follows, the reconnect is counted, and an alert whose window spans the outage
 * says `degraded` while one that does not span it does not.
 */
import { appendFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alert.js';
import { type FalcoGrpcServer, startFalcoGrpcServer } from '../../src/sensors-sim/falco-grpc-server.js';
import { tetragonJsonLinesToProto } from '../../src/sensors-sim/tetragon-json.js';
import { startTetragonReplayServer, type TetragonReplayServer } from '../../src/sensors-sim/tetragon-replay-server.js';
import { type Daemon, startDaemon, tempDir, waitFor } from './helpers/daemon.js';
import { type Attack, attackScenario } from './helpers/scenario.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const RECONNECT_BUDGET_MS = 5000;
/** Fast judging: the push is judged ~2 s after its event time instead of 40 s. */
const FAST_CORRELATOR = { latenessMs: 1000, pushSettleMs: 1000, destinations: { dnsRefreshMs: 0 } };

/** A sensor endpoint the test can kill and bring back on the same address. */
interface Sensor {
  readonly sourceType: 'tetragon-grpc' | 'falco-grpc';
  readonly sensor: 'tetragon' | 'falco';
  sourceConfig(): Record<string, unknown>;
  send(attack: Attack, from: number, to?: number): void;
  /** Resolves once exfilwatch's stream is open on the sensor side (what is sent before that is lost). */
  streaming(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
}

function tetragonSensor(sock: string): Sensor {
  let server: TetragonReplayServer | null = null;
  return {
    sourceType: 'tetragon-grpc',
    sensor: 'tetragon',
    sourceConfig: () => ({ tetragonGrpc: [{ address: `unix://${sock}` }] }),
    send(attack, from, to) {
      server?.push(tetragonJsonLinesToProto(attack.tetragon.slice(from, to).join('\n')));
    },
    // The agent sends only to open GetEvents streams.
    streaming: () => waitFor(() => (server?.activeStreams ?? 0) > 0, 'the GetEvents stream').then(() => undefined),
    async kill() {
      await server?.close();
      server = null;
    },
    async start() {
      server = await startTetragonReplayServer({ address: `unix://${sock}`, events: [] });
    },
  };
}

function falcoSensor(sock: string): Sensor {
  let server: FalcoGrpcServer | null = null;
  return {
    sourceType: 'falco-grpc',
    sensor: 'falco',
    sourceConfig: () => ({ falcoGrpc: [{ address: `unix://${sock}`, pollIntervalMs: 50 }] }),
    send(attack, from, to) {
      server?.push(...attack.falco.slice(from, to));
    },
    // Falco queues alerts until a subscriber asks: nothing is lost before the stream opens.
    streaming: async () => undefined,
    async kill() {
      await server?.stop();
      server = null;
    },
    async start() {
      rmSync(sock, { force: true });
      server = await startFalcoGrpcServer({ address: `unix://${sock}` });
    },
  };
}

async function waitForAlert(d: Daemon, containerId: string, timeoutMs = 15_000): Promise<Alert> {
  // Falco gives the 12-character short id, Tetragon the full one.
  return waitFor(
    () => d.alerts().find((a) => a.container.id.length >= 12 && containerId.startsWith(a.container.id)),
    `alert for ${containerId}`,
    timeoutMs,
  );
}

/**
 * Reads, then `cycles` kills and restarts of the sensor (the socket file deleted while it is down on the
 * second one), then the push: the alert spans the outages and must say degraded. A second attack after
 * the last restart must not.
 */
async function restartCycles(sensor: Sensor, dir: string, sock: string, cycles: number): Promise<void> {
  await sensor.start();
  cleanups.push(() => sensor.kill());
  const d = await startDaemon(
    { sources: sensor.sourceConfig(), sinks: { stdout: { enabled: true } }, correlator: FAST_CORRELATOR },
    { dir },
  );
  cleanups.push(() => d.dispose());
  const up = { source: sensor.sourceType };
  await d.waitForMetric('exfilwatch_source_up', up, (v) => v === 1);
  await sensor.streaming();

  const t0 = Date.now();
  const name = `restart-${sensor.sensor}`;
  const spanning = attackScenario({ name, startMs: t0 - 1500 });
  sensor.send(spanning, 0, spanning.pushIndex);
  await d.waitForMetric('exfilwatch_events_total', { source: sensor.sensor }, (v) => v >= spanning.pushIndex);

  for (let i = 0; i < cycles; i++) {
    const deleteSocket = i === 1;
    // The agent's socket vanishes while it is down (agent upgrade, hostPath remount).
    if (deleteSocket) rmSync(sock, { force: true });
    await sensor.kill();
    await d.waitForMetric('exfilwatch_source_up', up, (v) => v === 0);
    // Let it fail a few probes against a missing socket before the agent is back.
    if (deleteSocket) await new Promise((r) => setTimeout(r, 1200));
    await sensor.start();
    const back = Date.now();
    await d.waitForMetric('exfilwatch_source_up', up, (v) => v === 1, RECONNECT_BUDGET_MS + 2000);
    expect(Date.now() - back).toBeLessThan(RECONNECT_BUDGET_MS);
    expect(await d.metric('exfilwatch_source_reconnects_total', up)).toBe(i + 1);
    await sensor.streaming();
  }
  if (sensor.sensor === 'tetragon') {
    await d.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('socket path does not exist'));
  }

  // The push, stamped "now": the same scenario with the pause it actually had (same ids and prefix).
  const push = attackScenario({ name, startMs: t0 - 1500, pauseBeforePushMs: Date.now() - t0 + 200 });
  expect(push.tetragon.slice(0, push.pushIndex)).toEqual(spanning.tetragon.slice(0, spanning.pushIndex));
  sensor.send(push, push.pushIndex);
  const degraded = await waitForAlert(d, push.containerId);
  expect(degraded.degraded).toBe(true);
  expect(degraded.source).toBe(sensor.sensor);

  // After the last restart: an attack whose window holds no outage is not degraded.
  const clean = attackScenario({ name: `${name}-after`, startMs: Date.now() + 200 });
  await new Promise((r) => setTimeout(r, 300));
  sensor.send(clean, 0);
  const ok = await waitForAlert(d, clean.containerId);
  expect(ok.degraded).toBe(false);
  expect(d.alive()).toBe(true);
}

describe.sequential('sensor restarts (real daemon process)', () => {
  it('Tetragon agent killed and restarted 3× (socket deleted once): reconnects < 5 s, source_up and reconnects follow, spanning alert degraded', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sock = join(dir, 'tetragon.sock');
    await restartCycles(tetragonSensor(sock), dir, sock, 3);
  });

  it('Falco gRPC server killed and restarted 3× (socket deleted once): the same guarantees', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sock = join(dir, 'falco.sock');
    await restartCycles(falcoSensor(sock), dir, sock, 3);
  });

  it('Tetragon export file rotated, truncated, replaced and deleted: every line read once, new lines within 5 s, lossless rotation not degraded', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    const d = await startDaemon(
      {
        sources: { tetragonFile: [{ path: file, pollIntervalMs: 50 }] },
        sinks: { stdout: { enabled: true } },
        correlator: FAST_CORRELATOR,
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    const up = { source: 'tetragon-file' };
    // Not there yet: waiting, not up.
    await d.waitForLog((l) => l.msg === 'waiting for the export file');
    expect(await d.metric('exfilwatch_source_up', up)).toBe(0);

    const t0 = Date.now();
    const attack = attackScenario({ name: 'file-faults', startMs: t0 - 3000 });
    const lines = attack.tetragon.slice(0, attack.pushIndex);
    const chunks = [lines.slice(0, 10), lines.slice(10, 20), lines.slice(20, 30), lines.slice(30, 40), lines.slice(40)];
    let written = 0;
    const seen = () =>
      d.metric('exfilwatch_events_total', { source: 'tetragon' }).then(async (n) => {
        const ignored = await d.metric('exfilwatch_events_dropped_total', { reason: 'ignored' });
        return n + ignored;
      });
    const expectRead = async () => {
      const at = Date.now();
      await waitFor(async () => (await seen()) === written, `${written} lines read`, RECONNECT_BUDGET_MS);
      expect(Date.now() - at).toBeLessThan(RECONNECT_BUDGET_MS);
    };
    const write = (path: string, part: string[], mode: 'append' | 'create') => {
      const text = part.map((l) => `${l}\n`).join('');
      if (mode === 'append') appendFileSync(path, text);
      else writeFileSync(path, text);
      written += part.length;
    };

    write(file, chunks[0]!, 'create');
    await d.waitForMetric('exfilwatch_source_up', up, (v) => v === 1, RECONNECT_BUDGET_MS);
    await expectRead();

    // Rotation (lumberjack: rename, the writer finishes a line into the old file, then a new file).
    renameSync(file, `${file}.1`);
    write(`${file}.1`, chunks[1]!.slice(0, 3), 'append');
    write(file, chunks[1]!.slice(3), 'create');
    await expectRead();
    const restarts = (reason: string) =>
      d.metric('exfilwatch_source_file_restarts_total', { source: 'tetragon-file', reason });
    expect(await restarts('rotated')).toBe(1);

    // copytruncate: truncated in place, then written again from offset 0.
    truncateSync(file, 0);
    await new Promise((r) => setTimeout(r, 200));
    write(file, chunks[2]!, 'append');
    await expectRead();
    expect(await restarts('truncated')).toBe(1);

    // Replaced: unlinked and a new file (new inode) created at once.
    rmSync(file);
    write(file, chunks[3]!, 'create');
    await expectRead();

    // Deleted and only re-created a while later.
    rmSync(file);
    await new Promise((r) => setTimeout(r, 1000));
    write(file, chunks[4]!, 'create');
    await expectRead();

    expect(await d.metric('exfilwatch_decode_errors_total')).toBe(0);
    // The push, after all that: rotation and replacement lost nothing, so the alert is not degraded.
    const push = attackScenario({ name: 'file-faults', startMs: t0 - 3000, pauseBeforePushMs: Date.now() - t0 });
    write(file, push.tetragon.slice(push.pushIndex), 'append');
    const alert = await waitForAlert(d, push.containerId);
    expect(alert.degraded).toBe(false);
    expect(alert.reads.bytes).toBeGreaterThanOrEqual(96 * 1024 * 1024);
    expect(await d.metric('exfilwatch_source_up', up)).toBe(1);
  });
});
