/** The per-sink delivery queue bound every sink section carries. Config side only (zod): see SinkFactory. */
import { z } from 'zod';
import { DEFAULT_SINK_QUEUE_CAPACITY } from './types.js';

export const sinkQueueCapacitySchema = z
  .number()
  .int()
  .min(1)
  .max(1_000_000)
  .default(DEFAULT_SINK_QUEUE_CAPACITY)
  .describe(
    'Alerts waiting for this sink in its own delivery queue. Each sink delivers on its own, so one that stalls (a stdout reader that stopped reading) holds back no other. When full, a new alert is dropped for this sink only: counted in exfilwatch_alerts_dropped_total{sink, reason="queue_full"} and exfilwatch_alert_publish_failures_total, logged once when the drops start and once when the sink has caught up. `scan` waits for room instead (offline input loses nothing by waiting).',
  );
