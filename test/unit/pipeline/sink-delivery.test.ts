/**
 * A sink's own delivery queue (pipeline/sink-delivery.ts) and its `whenFull`. `block` (NATS by default, every
 * sink in scan): a full queue makes the producer wait and drops nothing; at the shutdown deadline a stalled
 * sink is given up, the producer waiting for room is released, and what was queued is counted as dropped.
 * `drop` (stdout by default): a full queue drops for that sink only, counted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import type { Alert } from '../../../src/model/alert.js';
import { createSinkDelivery, finishDeliveries } from '../../../src/pipeline/sink-delivery.js';
import { buildSinks } from '../../../src/sinks/build.js';
import type { AlertSink, SinkWhenFull } from '../../../src/sinks/types.js';
import { createLogger, silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';
import { makeAlert } from '../sinks/make-alert.js';

/** A sink whose sends wait until `open()` (a reader that has stopped reading, until it reads again). */
function gatedSink(name = 'stdout') {
  const got: string[] = [];
  let opened!: () => void;
  const gate = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const sink: AlertSink = {
    name,
    start: async () => undefined,
    async send(alert: Alert) {
      await gate;
      got.push(alert.id);
      return { status: 'ok' };
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
  return { sink, got, open: () => opened() };
}

async function dropped(metrics: Metrics, reason: string, sink = 'stdout'): Promise<number> {
  const values = (await metrics.alertsDropped.get()).values;
  return values.find((v) => v.labels.sink === sink && v.labels.reason === reason)?.value ?? 0;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** The `whenFull` each sink gets from a config naming both, with their defaults, as the daemon builds them. */
function configuredWhenFull(): Record<string, SinkWhenFull | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = parseConfig({ sinks: { nats: { spool: { dir } }, stdout: {} } });
  const deps = { logger: silentLogger(), metrics: createMetrics(), clock: { now: () => Date.now() } };
  return Object.fromEntries(buildSinks(config.sinks, deps).map((q) => [q.sink.name, q.whenFull]));
}

describe('sink delivery queue, the defaults', () => {
  it('NATS blocks (its spool is its buffer: no alert dropped for it), stdout drops (it must not blind NATS)', () => {
    expect(configuredWhenFull()).toEqual({ nats: 'block', stdout: 'drop' });
  });

  it('a full NATS queue makes the producer wait for the slow sink, and every alert reaches it in order', async () => {
    const metrics = createMetrics();
    const nats = gatedSink('nats');
    const whenFull = configuredWhenFull().nats!;
    const d = createSinkDelivery(nats.sink, { capacity: 4, whenFull }, { logger: silentLogger(), metrics });
    const alerts = Array.from({ length: 20 }, (_, i) => makeAlert(i));
    let offered = 0;
    const producing = (async () => {
      for (const a of alerts) {
        await d.offer(a);
        offered++;
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    // One in the stalled send, four queued: the sixth waits for room instead of being dropped.
    expect(offered).toBe(5);
    expect(await dropped(metrics, 'queue_full', 'nats')).toBe(0);
    nats.open();
    await producing;
    await finishDeliveries([d], Date.now() + 1000, silentLogger());
    expect(nats.got).toEqual(alerts.map((a) => a.id));
    expect(await dropped(metrics, 'queue_full', 'nats')).toBe(0);
  });

  it('a full stdout queue drops for stdout only, counted, and never makes the producer wait', async () => {
    const metrics = createMetrics();
    const stdout = gatedSink('stdout');
    const whenFull = configuredWhenFull().stdout!;
    const d = createSinkDelivery(stdout.sink, { capacity: 4, whenFull }, { logger: silentLogger(), metrics });
    const alerts = Array.from({ length: 20 }, (_, i) => makeAlert(i));
    for (const a of alerts) await d.offer(a);
    await new Promise((r) => setTimeout(r, 10));
    // One in the stalled send (taken off the queue at once), four queued, the other fifteen dropped.
    expect(await dropped(metrics, 'queue_full')).toBe(15);
    stdout.open();
    await finishDeliveries([d], Date.now() + 1000, silentLogger());
    expect(stdout.got).toEqual(alerts.slice(0, 5).map((a) => a.id));
  });
});

describe('sink delivery queue, `block` policy', () => {
  it('gives a stalled sink up at the deadline: the waiting producer is released, the queued alerts counted', async () => {
    const metrics = createMetrics();
    const g = gatedSink();
    const d = createSinkDelivery(g.sink, { capacity: 2, whenFull: 'block' }, { logger: silentLogger(), metrics });
    const waiting = (async () => {
      for (let i = 0; i < 4; i++) await d.offer(makeAlert(i));
    })();
    await new Promise((r) => setTimeout(r, 30));
    d.abandon('shutdown');
    await waiting;
    await finishDeliveries([d], Date.now() + 1000, silentLogger());
    // Two were queued and the fourth was waiting for room; the first is in the send that never returns.
    expect(await dropped(metrics, 'shutdown')).toBe(3);
    expect(g.got).toEqual([]);
  });
});

describe('sink delivery order', () => {
  it('keeps the order when a send fails and is retried: the next alert waits for the retry', async () => {
    const metrics = createMetrics();
    const accepted: string[] = [];
    let failedOnce = false;
    const sink: AlertSink = {
      name: 'nats',
      start: async () => undefined,
      async send(alert: Alert) {
        // The first append fails (a disk hiccup); deliver() retries it after a short backoff.
        if (!failedOnce) {
          failedOnce = true;
          return { status: 'retryable', error: new Error('spool write failed'), delayMs: 20 };
        }
        accepted.push(alert.id);
        return { status: 'ok' };
      },
      flush: async () => undefined,
      close: async () => undefined,
    };
    const d = createSinkDelivery(sink, { capacity: 16, whenFull: 'block' }, { logger: silentLogger(), metrics });
    const alerts = Array.from({ length: 8 }, (_, i) => makeAlert(i));
    for (const a of alerts) await d.offer(a);
    await finishDeliveries([d], Date.now() + 2000, silentLogger());
    expect(accepted).toEqual(alerts.map((a) => a.id));
  });
});

describe('sink delivery abandoned during a retry', () => {
  it('sends no more after the shutdown gives the sink up mid-backoff, and counts the alert it never took', async () => {
    const metrics = createMetrics();
    let sends = 0;
    const sink: AlertSink = {
      name: 'nats',
      start: async () => undefined,
      async send() {
        sends++;
        // A disk that does not take the append: retried after a backoff longer than the shutdown's deadline.
        return { status: 'retryable', error: new Error('spool write failed'), delayMs: 60_000 };
      },
      flush: async () => undefined,
      close: async () => undefined,
    };
    const d = createSinkDelivery(sink, { capacity: 4, whenFull: 'block' }, { logger: silentLogger(), metrics });
    await d.offer(makeAlert(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(sends).toBe(1);
    await finishDeliveries([d], Date.now() + 20, silentLogger());
    // Let the loop run past the backoff it was woken from.
    await new Promise((r) => setTimeout(r, 20));
    expect(sends).toBe(1);
    expect(await dropped(metrics, 'shutdown', 'nats')).toBe(1);
  });
});

describe('sink delivery abandoned while stalled', () => {
  it('does not log that the stalled sink caught up when the shutdown gives it up', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const stdout = gatedSink('stdout');
    const d = createSinkDelivery(stdout.sink, { capacity: 2, whenFull: 'drop' }, { logger, metrics: createMetrics() });
    for (let i = 0; i < 6; i++) await d.offer(makeAlert(i));
    await finishDeliveries([d], Date.now() + 20, logger);
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages.filter((m) => m.startsWith('sink queue full'))).toHaveLength(1);
    expect(messages.filter((m) => m.includes('caught up'))).toEqual([]);
    expect(messages.filter((m) => m.startsWith('sink did not take its queued alerts'))).toHaveLength(1);
  });
});

describe('alerts offered after the shutdown gave the sink up', () => {
  it('are counted and logged, once, not dropped without a word', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const metrics = createMetrics();
    const nats = gatedSink('nats');
    const d = createSinkDelivery(nats.sink, { capacity: 2, whenFull: 'block' }, { logger, metrics });
    d.abandon('shutdown');
    // The correlator's last pushes, judged at the stop, reach the fan-out after the deadline.
    for (let i = 0; i < 3; i++) await d.offer(makeAlert(i));
    expect(await dropped(metrics, 'shutdown', 'nats')).toBe(3);
    const said = lines.filter((l) => l.includes('"sink":"nats"') && l.includes('after the shutdown timeout'));
    expect(said).toHaveLength(1);
  });
});

describe('a sink whose sends fail (stdout whose reader went away: `scan … | head -1`)', () => {
  it('logs a run of failed alerts once when it starts and once when it ends, not once per alert', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const metrics = createMetrics();
    // Fails five alerts, takes one, then fails the last three (until the end).
    const verdicts = ['x', 'x', 'x', 'x', 'x', 'ok', 'x', 'x', 'x'];
    let n = 0;
    const sink: AlertSink = {
      name: 'stdout',
      start: async () => undefined,
      async send() {
        return verdicts[n++] === 'ok'
          ? { status: 'ok' }
          : { status: 'failed', error: new Error('stdout is closed: write EPIPE') };
      },
      flush: async () => undefined,
      close: async () => undefined,
    };
    const d = createSinkDelivery(sink, { capacity: 16, whenFull: 'drop' }, { logger, metrics });
    for (let i = 0; i < verdicts.length; i++) await d.offer(makeAlert(i));
    await finishDeliveries([d], Date.now() + 1000, logger);
    const messages = lines.map((l) => JSON.parse(l) as { msg: string; failed?: number });
    expect(messages.filter((m) => m.msg.startsWith('alert delivery failed'))).toHaveLength(2);
    // Every failed alert is still said, in the lines that end the runs, and counted.
    expect(messages.filter((m) => m.failed !== undefined).map((m) => m.failed)).toEqual([5, 3]);
    const failures = (await metrics.alertPublishFailures.get()).values.find((v) => v.labels.sink === 'stdout');
    expect(failures?.value).toBe(8);
  });
});
