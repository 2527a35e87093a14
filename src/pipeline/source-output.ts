/**
 * The bookkeeping every source gets for free: counts events by sensor and kind, drops, decode errors,
 * connection state and reconnect gaps. Sources only call `offer`, `decodeError`, `ignored`, `connection`.
 */
import type { DecodeError } from '../errors.js';
import type { Clock } from '../model/clock.js';
import type { NormalizedEvent, SensorSource } from '../model/normalized-event.js';
import { msToRfc3339 } from '../model/time.js';
import type { SourceOutput } from '../sources/types.js';
import type { Logger } from '../telemetry/logger.js';
import { type Metrics, type SourceTypeLabel, sourceComponent } from '../telemetry/metrics.js';
import type { DropNewestQueue } from './drop-newest-queue.js';

export interface SourceOutputOptions {
  /** Component id for logs (`tetragon-grpc unix:///…`). */
  id: string;
  type: SourceTypeLabel;
  sensor: SensorSource;
  node: string;
  queue: Pick<DropNewestQueue<NormalizedEvent>, 'offer' | 'waitForRoom'>;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /** At most one decode-error log line per this many ms (the counter still counts every one). */
  logEveryMs?: number;
}

export function createSourceOutput(
  o: SourceOutputOptions,
): SourceOutput & { isUp(): boolean; status(): { up: boolean; detail?: string } } {
  const logEveryMs = o.logEveryMs ?? 10_000;
  let lastDecodeLog = Number.NEGATIVE_INFINITY;
  let suppressedDecodeLogs = 0;
  let up = false;
  let everUp = false;
  let downSinceMs: number | null = null;
  // Why the source is down, as it last said (the file error, the connect failure): /readyz's reason.
  let downDetail: string | null = null;
  // Logs name the source by its id (type plus address); metric labels only by its type: an address can be a
  // socket or file path, and no label may ever hold one (INTERFACES.md).
  const component = o.id;
  const dropped = o.metrics.eventsDropped.labels('queue_full');
  const received = o.metrics.componentReceived.labels(sourceComponent(o.type));
  const ignored = o.metrics.eventsDropped.labels('ignored');
  const upChanged = o.metrics.trackSourceUp(o.type);

  // Per-event counts are summed in plain numbers and handed to prom-client when the counters are read: each
  // labelled inc() hashes its labels (~0.5 µs), and that was twice per event on the hot path.
  const kindCounts = new Map<string, { counter: { inc(n: number): void }; pending: number }>();
  let pendingReceived = 0;
  o.metrics.flushBeforeCollect(() => {
    if (pendingReceived > 0) received.inc(pendingReceived);
    pendingReceived = 0;
    for (const k of kindCounts.values()) {
      if (k.pending > 0) k.counter.inc(k.pending);
      k.pending = 0;
    }
  });

  return {
    offer(event) {
      pendingReceived++;
      const key = event.source === o.sensor ? event.kind : `${event.source}:${event.kind}`;
      let k = kindCounts.get(key);
      if (!k) {
        k = { counter: o.metrics.eventsTotal.labels(event.source, event.kind), pending: 0 };
        kindCounts.set(key, k);
      }
      k.pending++;
      if (event.kind === 'gap' && event.gap.reason !== 'queue_full') {
        o.metrics.sensorDroppedEvents.labels(event.source, event.gap.reason).inc(event.gap.dropped);
      }
      const accepted = o.queue.offer(event);
      if (!accepted) dropped.inc();
      return accepted;
    },
    decodeError(error: DecodeError, sensor?: SensorSource) {
      o.metrics.decodeErrors.labels(sensor ?? o.sensor).inc();
      o.metrics.eventsDropped.labels('malformed').inc();
      const now = o.clock.now();
      if (now - lastDecodeLog >= logEveryMs) {
        o.logger.warn(
          { source: component, err: error.message, similarSinceLastLog: suppressedDecodeLogs },
          'skipped an event that could not be decoded',
        );
        lastDecodeLog = now;
        suppressedDecodeLogs = 0;
      } else {
        suppressedDecodeLogs++;
      }
    },
    ignored() {
      ignored.inc();
    },
    connection(nowUp, detail) {
      // Kept while down from the start too: a source never up says why on each try, and that is news.
      downDetail = nowUp ? null : (detail ?? downDetail);
      if (nowUp === up) return;
      up = nowUp;
      upChanged(nowUp);
      const now = o.clock.now();
      if (!nowUp) {
        downSinceMs = now;
        o.logger.warn({ source: component, detail }, 'source disconnected; reconnecting');
        return;
      }
      if (everUp && downSinceMs !== null) {
        o.metrics.sourceReconnects.labels(o.type).inc();
        o.logger.info({ source: component, downMs: Math.round(now - downSinceMs) }, 'source reconnected');
        // Whatever the sensor emitted while we were away is gone (Tetragon keeps no cursor): mark it.
        o.queue.offer({
          kind: 'gap',
          time: msToRfc3339(now),
          timeMs: now,
          source: o.sensor,
          node: o.node,
          gap: { dropped: 0, reason: 'disconnected', fromMs: downSinceMs },
        });
      } else {
        o.logger.info({ source: component, detail }, 'source connected');
      }
      everUp = true;
      downSinceMs = null;
    },
    waitForRoom: () => o.queue.waitForRoom(),
    isUp: () => up,
    status: () => (up || downDetail === null ? { up } : { up, detail: downDetail }),
  };
}
