/** Which synthetic streams a daemon's sources call for (kept apart from index.ts, which loads only when on). */
import type { EventSource, WarmUpStream } from '../sources/types.js';

export type { WarmUpStream };

/** Each stream the sources declare (`EventSource.warmUpStream`), once, Tetragon's first. */
export function warmUpStreamsFor(sources: readonly Pick<EventSource, 'warmUpStream'>[]): WarmUpStream[] {
  const declared = new Set(sources.map((s) => s.warmUpStream));
  return (['tetragon', 'falco'] as const).filter((stream) => declared.has(stream));
}
