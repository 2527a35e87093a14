/**
 * A sink's close that never ends does not hold the stop past pipeline.shutdownTimeoutMs. The NATS spool's
 * close waits for the fsync in progress: on a hung disk that is for ever, and only `run`'s hard stop (the
 * timeout + 2 s) ended the process. Now the close is given up at the shutdown's deadline, counted and logged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import type { Correlator } from '../../../src/correlate/types.js';
import type { AlertSink } from '../../../src/sinks/types.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';
import { idleSource } from '../../helpers/idle-source.js';
import { freePort } from '../../helpers/nats-server.js';
import { makeAlert } from '../../unit/sinks/make-alert.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SHUTDOWN_TIMEOUT_MS = 600;

/** One alert at the stop's flush: something for the sinks to take on the way out. */
const flushOneAlert = (): Correlator => ({
  ingest: () => [],
  advance: () => [],
  flush: () => [makeAlert(1, 'critical')],
  trackedContainers: () => 0,
});

function appDeps() {
  const logLines: Array<{ msg: string; sink?: string }> = [];
  const deps = {
    logger: createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line)) }),
    metrics: createMetrics(),
    clock: { now: () => Date.now() },
    node: 'node-a',
  };
  return { deps, logLines };
}

const sinkErrors = async (metrics: Metrics, sink: string) =>
  (await metrics.componentErrors.get()).values.find((v) => v.labels.component === `sink:${sink}`)?.value ?? 0;

/** Resolves with how long `stopping` took, or with null if it is still running after `limitMs`. */
async function stopTook(stopping: Promise<void>, limitMs: number): Promise<number | null> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), limitMs);
  });
  const took = await Promise.race([stopping.then(() => Date.now() - started), gaveUp]);
  clearTimeout(timer);
  return took;
}

const closeNotEnded = /sink did not close by the shutdown timeout/;

describe('stop with a sink whose close never ends', () => {
  it('gives the close up at the shutdown timeout, counted and logged, and still closes the other sinks', async () => {
    const hung: AlertSink = {
      name: 'hung',
      start: async () => undefined,
      send: async () => ({ status: 'ok' }),
      flush: async () => undefined,
      close: () => new Promise<void>(() => undefined),
    };
    let healthyClosed = false;
    const healthy: AlertSink = {
      name: 'stdout',
      start: async () => undefined,
      send: async () => ({ status: 'ok' }),
      flush: async () => undefined,
      close: async () => {
        healthyClosed = true;
      },
    };
    const { deps, logLines } = appDeps();
    const config = parseConfig({ pipeline: { shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS } });
    const app = createApp(config, deps, {
      sources: [idleSource],
      correlator: flushOneAlert(),
      extraSinks: [hung, healthy],
    });
    await app.start();
    const took = await stopTook(app.stop(), SHUTDOWN_TIMEOUT_MS * 5);
    expect(took).not.toBeNull();
    expect(took).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 1000);
    expect(healthyClosed).toBe(true);
    expect(await sinkErrors(deps.metrics, 'hung')).toBe(1);
    expect(await sinkErrors(deps.metrics, 'stdout')).toBe(0);
    expect(logLines.filter((l) => closeNotEnded.test(l.msg)).map((l) => l.sink)).toEqual(['hung']);
  });

  it('ends by the shutdown timeout when the NATS spool fsync hangs (a hung disk), with no broker to flush to', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-'));
    cleanups.push(() => rmSync(spoolDir, { recursive: true, force: true }));
    // No broker listens there: the sink spools, and its flush has nothing to wait for.
    const config = parseConfig({
      sinks: { nats: { servers: [`nats://127.0.0.1:${await freePort()}`], spool: { dir: spoolDir } } },
      pipeline: { shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS },
    });
    const { deps, logLines } = appDeps();
    const app = createApp(config, deps, { sources: [idleSource], correlator: flushOneAlert() });
    await app.start();
    // From now on the disk hangs: an fdatasync never returns (the stop's alert is being spooled then).
    const probe = await open(join(spoolDir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    vi.spyOn(proto, 'datasync').mockImplementation(() => new Promise<void>(() => undefined));
    const took = await stopTook(app.stop(), SHUTDOWN_TIMEOUT_MS * 5);
    expect(took).not.toBeNull();
    expect(took).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 1000);
    expect(await sinkErrors(deps.metrics, 'nats')).toBe(1);
    expect(logLines.filter((l) => closeNotEnded.test(l.msg)).map((l) => l.sink)).toEqual(['nats']);
  });
});
