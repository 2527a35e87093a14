/**
 * A sink's own delivery queue (pipeline/sink-delivery.ts) with its `wait` policy (scan): a full queue makes
 * the producer wait and drops nothing; at the shutdown deadline a stalled sink is given up, the producer
 * waiting for room is released, and what was queued is counted as dropped.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import { createSinkDelivery, finishDeliveries } from '../../../src/pipeline/sink-delivery.js';
import type { AlertSink } from '../../../src/sinks/types.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';
import { makeAlert } from '../sinks/make-alert.js';

/** A sink whose sends wait until `open()` (a reader that has stopped reading, until it reads again). */
function gatedSink() {
  const got: string[] = [];
  let opened!: () => void;
  const gate = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const sink: AlertSink = {
    name: 'stdout',
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

async function dropped(metrics: Metrics, reason: string): Promise<number> {
  const values = (await metrics.alertsDropped.get()).values;
  return values.find((v) => v.labels.sink === 'stdout' && v.labels.reason === reason)?.value ?? 0;
}

describe('sink delivery queue, `wait` policy', () => {
  it('makes the producer wait while full and delivers every alert, in order, once the sink reads again', async () => {
    const metrics = createMetrics();
    const g = gatedSink();
    const d = createSinkDelivery(g.sink, { capacity: 2, whenFull: 'wait' }, { logger: silentLogger(), metrics });
    const alerts = Array.from({ length: 6 }, (_, i) => makeAlert(i));
    let offered = 0;
    const producing = (async () => {
      for (const a of alerts) {
        await d.offer(a);
        offered++;
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    // One in the stalled send, two queued: the fourth waits for room.
    expect(offered).toBe(3);
    g.open();
    await producing;
    await finishDeliveries([d], Date.now() + 1000, silentLogger());
    expect(g.got).toEqual(alerts.map((a) => a.id));
    expect(await dropped(metrics, 'queue_full')).toBe(0);
  });

  it('gives a stalled sink up at the deadline: the waiting producer is released, the queued alerts counted', async () => {
    const metrics = createMetrics();
    const g = gatedSink();
    const d = createSinkDelivery(g.sink, { capacity: 2, whenFull: 'wait' }, { logger: silentLogger(), metrics });
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
