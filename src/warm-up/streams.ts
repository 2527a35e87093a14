/** Which synthetic streams a daemon's sources call for (kept apart from index.ts, which loads only when on). */
import type { EventSource } from '../sources/types.js';

/** The wire formats a warm-up can feed: Tetragon's (gRPC messages) and Falco's (alert JSON). */
export type WarmUpStream = 'tetragon' | 'falco';

/**
 * The streaming sources' formats: tetragon-grpc reads Tetragon's; falco-http and falco-grpc share the Falco
 * normalizer (and falco-http its body parsing too). File sources are read offline, judged by throughput.
 */
export function warmUpStreamsFor(sources: readonly Pick<EventSource, 'type'>[]): WarmUpStream[] {
  const streams: WarmUpStream[] = [];
  if (sources.some((s) => s.type === 'tetragon-grpc')) streams.push('tetragon');
  if (sources.some((s) => s.type === 'falco-http' || s.type === 'falco-grpc')) streams.push('falco');
  return streams;
}
