/**
 * Alerts the live pipeline's wall-clock ticker judged (windows closed with no event to close them) have
 * left the correlator when they wait for room in a full alert queue: a stop at that moment must still
 * deliver them, not close the queue under them.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import type { Correlator } from '../../../src/correlate/types.js';
import type { AlertSink } from '../../../src/sinks/types.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { idleSource } from '../../helpers/idle-source.js';
import { makeAlert } from '../../unit/sinks/make-alert.js';

/** Takes each alert only once `open()` was called: a sink that is slow until the stop. */
function gatedSink(): AlertSink & { got: string[]; open(): void } {
  const got: string[] = [];
  let opened: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    opened = resolve;
  });
  return {
    name: 'stdout',
    got,
    open: () => opened(),
    start: async () => undefined,
    async send(alert) {
      await gate;
      got.push(alert.id);
      return { status: 'ok' };
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
}

describe('live pipeline stop with the alert queue full', () => {
  it("delivers the ticker's alerts still waiting for room in the queue, and the stop's flush after them", async () => {
    const config = parseConfig({ pipeline: { alertQueueCapacity: 2 } });
    const logLines: string[] = [];
    const deps = {
      logger: createLogger('info', { write: (line: string) => void logLines.push(line) }),
      metrics: createMetrics(),
      clock: { now: () => Date.now() },
      node: 'node-a',
    };
    // The first tick (at start) judges ten pushes at once; the stop's flush one more.
    const judgedByTicker = Array.from({ length: 10 }, (_, i) => makeAlert(i));
    let ticks = 0;
    const correlator: Correlator = {
      ingest: () => [],
      advance: () => (ticks++ === 0 ? judgedByTicker : []),
      flush: () => [makeAlert(100, 'critical')],
      trackedContainers: () => 0,
    };
    const sink = gatedSink();
    const app = createApp(config, deps, { sources: [idleSource], correlator, live: true, extraSinks: [sink] });
    await app.start();
    // One alert is in the sink, two in the queue, and the rest of the ticker's wait for room.
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.got).toEqual([]);
    const stopping = app.stop();
    sink.open();
    await stopping;
    expect(sink.got).toEqual([...judgedByTicker.map((a) => a.id), 'alert-000100']);
    expect(logLines.filter((l) => l.includes('lost'))).toEqual([]);
  });
});
