/** The per-sink delivery queue keys every sink section carries. Config side only (zod): see SinkFactory. */
import { z } from 'zod';
import { DEFAULT_SINK_QUEUE_CAPACITY, type SinkWhenFull } from './types.js';

export const sinkQueueCapacitySchema = z
  .number()
  .int()
  .min(1)
  .max(1_000_000)
  .default(DEFAULT_SINK_QUEUE_CAPACITY)
  .describe(
    'Alerts waiting for this sink in its own delivery queue. Each sink delivers on its own, so one that stalls (a stdout reader that stopped reading) holds back no other as long as its queue has room; what happens when it is full is `whenFull`.',
  );

/** `whenFull` of a sink section; `fallback` is the sink type's default (NATS `block`, stdout `drop`). */
export function sinkWhenFullSchema(fallback: SinkWhenFull) {
  return z
    .enum(['block', 'drop'])
    .default(fallback)
    .describe(
      'What this sink\'s full delivery queue (`queueCapacity`) does with a new alert. `block`: the pipeline waits until the sink takes one, and so holds back every sink and the correlator; the sensor-side event queue then drops the newest events, counted and marked (alerts say `degraded`): no alert is lost. `drop`: the alert is dropped for this sink only, so a stalled sink blinds no other: counted in exfilwatch_alerts_dropped_total{sink, reason="queue_full"} and exfilwatch_alert_publish_failures_total, logged once when the drops start and once when the sink has caught up. Either way a stall is logged once when it starts and once when it ends, and at shutdown what is still queued after pipeline.shutdownTimeoutMs is dropped, counted (reason="shutdown"). `scan` always blocks (offline input loses nothing by waiting).',
    );
}
