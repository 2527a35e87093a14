/**
 * The configured sinks, built from a validated `sinks` section through the daemon's registry (index.ts),
 * each with the bound of its delivery queue in the pipeline (src/pipeline/sink-delivery.ts). Free of zod.
 */
import { isSinkOn } from './enabled.js';
import { sinkDefinitions } from './index.js';
import { type AlertSink, DEFAULT_SINK_QUEUE_CAPACITY, type SinkDeps } from './types.js';

/** A sink and the bound of its delivery queue (its section's `queueCapacity`). */
export interface QueuedSink {
  sink: AlertSink;
  queueCapacity: number;
}

export function buildSinks(sinks: Record<string, unknown>, deps: SinkDeps): QueuedSink[] {
  const built: QueuedSink[] = [];
  for (const def of sinkDefinitions) {
    const sinkConfig = sinks[def.configKey];
    // The config is validated (src/config/): a section carries its defaults; an enabled-by-default sink's is
    // never absent. A section may carry `enabled: false` to keep its settings but switch it off.
    if (!isSinkOn(sinkConfig)) continue;
    const queueCapacity = (sinkConfig as { queueCapacity?: number }).queueCapacity ?? DEFAULT_SINK_QUEUE_CAPACITY;
    built.push({ sink: def.create(sinkConfig, deps), queueCapacity });
  }
  return built;
}
