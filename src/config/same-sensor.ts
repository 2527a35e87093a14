/**
 * Two source types that read one sensor's stream: Tetragon's gRPC API and its JSON export, or Falco's
 * http_output and its gRPC outputs. If both are one agent's, every event enters the pipeline twice and its
 * bytes are summed: both readers say `source: tetragon` (or `falco`), so the both-sensors counting
 * (correlate/dual-sensor.ts, one Tetragon beside one Falco) does not tell them apart, and a push after 40 MiB
 * of reads is judged on 80 (bulk). Not an error: they may be different agents (another node's export file).
 * A warning in `run`'s log and on `check-config`'s stderr. No zod here: `run` imports it into the daemon.
 */
import type { ExfilwatchConfig } from './schema.js';

const SAME_SENSOR_PAIRS = [
  { sensor: 'Tetragon', keys: ['tetragonGrpc', 'tetragonFile'] },
  { sensor: 'Falco', keys: ['falcoHttp', 'falcoGrpc'] },
] as const;

export function sameSensorTwiceWarnings(config: Pick<ExfilwatchConfig, 'sources'>): string[] {
  const sources = config.sources as Record<string, unknown[] | undefined>;
  const warnings: string[] = [];
  for (const { sensor, keys } of SAME_SENSOR_PAIRS) {
    const [a, b] = keys;
    if ((sources[a]?.length ?? 0) === 0 || (sources[b]?.length ?? 0) === 0) continue;
    warnings.push(
      `sources.${a} and sources.${b} both read ${sensor} events: if they are one ${sensor} agent's, every ` +
        'event counts twice (reads summed, so a push is judged on twice the bytes): keep one of them',
    );
  }
  return warnings;
}
