/**
 * The configured sinks, built from a validated `sinks` section through the daemon's registry (index.ts),
 * each with its delivery queue's settings in the pipeline (src/pipeline/sink-delivery.ts). Free of zod.
 */
import { isSinkOn } from './enabled.js';
import { sinkDefinitions } from './index.js';
import { type AlertSink, DEFAULT_SINK_QUEUE_CAPACITY, type SinkDeps, type SinkWhenFull } from './types.js';

/** A sink and its delivery queue's settings (its section's `queueCapacity` and `whenFull`). */
export interface QueuedSink {
  sink: AlertSink;
  queueCapacity: number;
  /** Absent: `drop` (sinks built without config: demo's printer, tests). */
  whenFull?: SinkWhenFull;
}

export function buildSinks(sinks: Record<string, unknown>, deps: SinkDeps): QueuedSink[] {
  const built: QueuedSink[] = [];
  for (const def of sinkDefinitions) {
    const sinkConfig = sinks[def.configKey];
    // The config is validated (src/config/): a section carries its defaults; an enabled-by-default sink's is
    // never absent. A section may carry `enabled: false` to keep its settings but switch it off.
    if (!isSinkOn(sinkConfig)) continue;
    const queue = sinkConfig as { queueCapacity?: number; whenFull?: SinkWhenFull };
    built.push({
      sink: def.create(sinkConfig, deps),
      queueCapacity: queue.queueCapacity ?? DEFAULT_SINK_QUEUE_CAPACITY,
      // A validated section always has it; should one not, the side where no alert is lost.
      whenFull: queue.whenFull ?? 'block',
    });
  }
  return built;
}
