/**
 * The app's start-up warm-up (src/warm-up/index.ts, loaded only when it runs): which of a daemon's sources
 * call for one, and running it before they connect, beside the sources' own transport warm-ups.
 */
import type { AppDeps } from '../app.js';
import type { ExfilwatchConfig } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { EventSource } from '../sources/types.js';
import type { Logger } from '../telemetry/logger.js';
import { warmUpStreamsFor } from './streams.js';

/** A live app warms up by default when it has a streaming source (Tetragon's wire format, Falco's alert JSON). */
export function warmsUp(sources: readonly Pick<EventSource, 'warmUpStream'>[]): boolean {
  return warmUpStreamsFor(sources).length > 0;
}

/** Only an optimisation: a warm-up that fails is logged and the start goes on. */
export async function warmUpAtStart(
  config: ExfilwatchConfig,
  deps: AppDeps,
  sources: readonly EventSource[],
  budgetMs: number,
  logger: Logger,
  signal?: AbortSignal,
): Promise<void> {
  if (budgetMs <= 0) return; // pipeline.warmUpMs: 0 turns it off
  // Turned on for sources that declare no stream (AppOptions.warmUp: a bench's stand-in): Tetragon's, as ever.
  const declared = warmUpStreamsFor(sources);
  const streams = declared.length > 0 ? declared : (['tetragon'] as const);
  try {
    // Loaded only when on: a daemon that does not warm up holds none of it.
    const { warmUp } = await import('./index.js');
    // Sources warm their own transports meanwhile (the ingest worker, on the other core).
    const sourcesWarm = Promise.all(sources.map((s) => s.warmUp?.(budgetMs)));
    const warmed = await warmUp(config, deps, {
      budgetMs,
      signal,
      streams,
    });
    await sourcesWarm;
    logger.info(
      { events: warmed.events, ms: Math.round(warmed.ms), stoppedBy: warmed.stoppedBy, streams },
      'hot code warmed up before the sources connect',
    );
  } catch (err) {
    logger.warn({ err: errorMessage(err) }, 'start-up warm-up failed; starting cold');
  }
}
