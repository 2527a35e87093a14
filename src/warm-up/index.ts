/**
 * Start-up warm-up: before the sources connect, a small synthetic Tetragon stream runs through the code
 * every real event runs through (wire normalizer, source bookkeeping, event queue, a throwaway correlator),
 * so V8 has compiled it when the first real events arrive.
 *
 * Why: a restarted daemon on a busy node meets a full stream at once. Cold, the main thread costs 2-3x
 * its steady CPU per event over the first thousands of events (interpreter and baseline code, compile
 * work on V8's helper threads competing for the same 2 cores), falls behind, and the events of the first
 * second wait in transit for hundreds of ms (docs/latency.md).
 *
 * Nothing leaks out: the correlator, queue, source bookkeeping and metrics registry are built for the
 * warm-up alone and dropped after it, with a logger that writes nothing and no DNS resolution; no alert,
 * metric or state of the real pipeline is touched. It is bounded by a time budget and an event count.
 *
 * On by default in a live app with a source that declares a stream (EventSource.warmUpStream; AppOptions.warmUp,
 * `pipeline.warmUpMs`). It needs V8's allocation-site pretenuring off (pipeline/pretenuring.ts, set by
 * createApp): its events, alive together across scavenges while the heap is young, made V8 send the real
 * stream's short-lived objects straight to old space, and the mark-compacts that followed cost more than the
 * warm-up saved (docs/latency.md).
 */
import type { ExfilwatchConfig } from '../config/schema.js';
import { createCorrelator } from '../correlate/index.js';
import type { Clock } from '../model/clock.js';
import type { NormalizedEvent } from '../model/normalized-event.js';
import { DropNewestQueue } from '../pipeline/drop-newest-queue.js';
import { createSourceOutput } from '../pipeline/source-output.js';
import { ingestBody } from '../sources/falco-http/ingest.js';
import { createRangeHandler } from '../sources/tetragon-grpc/message.js';
import type { SourceOutput } from '../sources/types.js';
import { silentLogger } from '../telemetry/logger.js';
import { createMetrics } from '../telemetry/metrics.js';
import { syntheticFalcoStream, WARM_UP_FALCO_ALERTS } from './falco-stream.js';
import type { WarmUpStream } from './streams.js';
import { WARM_UP_STREAM_MESSAGES as MESSAGES, sharedTetragonWarmUpStream } from './synthetic-stream.js';

export type { WarmUpStream } from './streams.js';

export interface WarmUpOptions {
  /**
   * The streams to run, batch by batch in turn, through one throwaway correlator (default: Tetragon's): those
   * of the daemon's sources, so only their code is compiled.
   */
  streams?: readonly WarmUpStream[];
  /** Stop starting new batches after this long (ms, from when its streams and correlator are set up). */
  budgetMs?: number;
  /** Stop starting new batches once aborted (the app stopped during its start-up warm-up). */
  signal?: AbortSignal;
  /** Stop after this many events. */
  maxEvents?: number;
}

export interface WarmUpResult {
  /** Events correlated, by kind. */
  events: number;
  byKind: Record<string, number>;
  /** Synthetic messages that did not normalize (0 unless the normalizer and this stream disagree). */
  decodeErrors: number;
  ignored: number;
  /** Alerts the throwaway correlator produced (discarded). */
  alerts: number;
  ms: number;
  /** What ended it: the time budget, the event cap, or the app stopping meanwhile. */
  stoppedBy: 'budget' | 'maxEvents' | 'aborted';
}

/**
 * Defaults: the correlator's CPU per event nears its steady level after ~40k events. In paced bench runs
 * (35k events/s, 2 alternated pairs, load 2-3) 60k events took the whole-stream p99 from 121-135 ms (no
 * warm-up) and 161-169 ms (20k events) to 35-51 ms; 150k events did no better (66-104 ms). The daemon's
 * budget is `pipeline.warmUpMs` (default 1 s); the budget is checked before each batch (32 events), so it
 * is overrun by at most one.
 */
export const WARM_UP_BUDGET_MS = 1000;
export const WARM_UP_MAX_EVENTS = 60_000;
/**
 * Events normalized and correlated per turn, as a stream that keeps up hands them over (the ingest
 * worker's batches at the paced bench rate are ~25-50 messages); also the budget's granularity. (Batches
 * of 256 or of 32 made no difference to the pretenuring effect described in docs/latency.md.)
 */
const BATCH = 32;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One synthetic stream, fed by message index into its own source bookkeeping. */
interface Feeder {
  messages: number;
  spanMs: number;
  feed(first: number, end: number): void;
}

export async function warmUp(
  config: Pick<ExfilwatchConfig, 'correlator' | 'allowlist'>,
  deps: { clock: Clock },
  options: WarmUpOptions = {},
): Promise<WarmUpResult> {
  const startedAt = performance.now();
  const budgetMs = options.budgetMs ?? WARM_UP_BUDGET_MS;
  const maxEvents = options.maxEvents ?? WARM_UP_MAX_EVENTS;
  const logger = silentLogger();
  const metrics = createMetrics();
  const clock = deps.clock;
  const queue = new DropNewestQueue<NormalizedEvent>({ capacity: Math.max(MESSAGES, WARM_UP_FALCO_ALERTS) });
  const result: WarmUpResult = {
    events: 0,
    byKind: {},
    decodeErrors: 0,
    ignored: 0,
    alerts: 0,
    ms: 0,
    stoppedBy: 'budget',
  };
  /** The source bookkeeping a source of this type runs, counting into `result` as well. */
  const outputFor = (type: 'tetragon-grpc' | 'falco-http', sensor: 'tetragon' | 'falco'): SourceOutput => {
    const bookkeeping = createSourceOutput({
      id: 'warm-up',
      type,
      sensor,
      node: 'warm-up',
      queue,
      metrics,
      logger,
      clock,
    });
    const out: SourceOutput = {
      offer: (event) => bookkeeping.offer(event),
      decodeError: (error, s) => {
        result.decodeErrors++;
        bookkeeping.decodeError(error, s);
      },
      ignored: () => {
        result.ignored++;
        bookkeeping.ignored();
      },
      connection: (up, detail) => bookkeeping.connection(up, detail),
      waitForRoom: () => bookkeeping.waitForRoom(),
    };
    out.connection(true, 'warm-up');
    return out;
  };
  // Their event times are fixed, not the clock's: the throwaway correlator judges by event time only, and an
  // injected clock may be a replay's (the demo's reads NaN before its replay starts).
  const feeders: Feeder[] = [];
  for (const kind of new Set(options.streams ?? ['tetragon'])) {
    if (kind === 'tetragon') {
      const { bytes, ranges, spanMs } = sharedTetragonWarmUpStream();
      const handle = createRangeHandler('warm-up', { node: 'warm-up' }, outputFor('tetragon-grpc', 'tetragon'));
      feeders.push({
        messages: MESSAGES,
        spanMs,
        feed(first, end) {
          for (let i = first; i < end; i++) handle(bytes, ranges[i * 2]!, ranges[i * 2 + 1]!);
        },
      });
    } else {
      // The receiver's own body → events step (parse, detect, normalize, offer), from bytes as a request's.
      const { bodies, spanMs } = warmUpFalcoStream();
      const out = outputFor('falco-http', 'falco');
      const defaults = { node: 'warm-up' };
      feeders.push({
        messages: bodies.length,
        spanMs,
        feed(first, end) {
          for (let i = first; i < end; i++) ingestBody(bodies[i]!.toString('utf8'), 'json', out, defaults);
        },
      });
    }
  }
  const correlator = createCorrelator(config.correlator, config.allowlist, {
    logger,
    metrics,
    clock,
    resolveHost: null,
  });
  const spanMs = Math.max(...feeders.map((f) => f.spanMs));
  const messages = Math.max(...feeders.map((f) => f.messages));
  let lastMs = 0;
  // The budget counts from here: setting up (the streams, the correlator) takes longer than a small budget on a
  // loaded node, which would end the warm-up before its first batch.
  const feedingFrom = performance.now();
  try {
    for (let round = 0; ; round++) {
      // Each round replays the messages later in event time, as a stream that goes on would be.
      const shiftMs = round * (spanMs + 1);
      for (let first = 0; first < messages; first += BATCH) {
        for (const feeder of feeders) {
          if (first >= feeder.messages) continue;
          const stop = options.signal?.aborted
            ? 'aborted'
            : result.events >= maxEvents
              ? 'maxEvents'
              : performance.now() - feedingFrom >= budgetMs
                ? 'budget'
                : null;
          if (stop !== null) {
            result.stoppedBy = stop;
            return result;
          }
          feeder.feed(first, Math.min(feeder.messages, first + BATCH));
          const batch = (await queue.take(BATCH)) ?? [];
          for (const event of batch) {
            // Moved in place: a copy would have another hidden class than the normalizer's objects, and
            // the correlator's code would be compiled for a shape real events do not have.
            event.timeMs += shiftMs;
            if (event.timeMs > lastMs) lastMs = event.timeMs;
            result.byKind[event.kind] = (result.byKind[event.kind] ?? 0) + 1;
          }
          result.alerts += correlator.ingest(batch).length;
          result.events += batch.length;
          await nextTurn();
        }
      }
    }
  } finally {
    result.alerts += correlator.advance(lastMs + 600_000).length;
    result.alerts += correlator.flush().length;
    correlator.close();
    queue.close();
    result.ms = performance.now() - startedAt;
  }
}

/** The Falco stream as request bodies arrive (bytes); built per warm-up and dropped after it. */
function warmUpFalcoStream(): { bodies: Buffer[]; spanMs: number } {
  const { bodies, spanMs } = syntheticFalcoStream(WARM_UP_FALCO_ALERTS, WARM_UP_FALCO_CONTAINERS, WARM_UP_START_MS);
  return { bodies: bodies.map((b) => Buffer.from(b, 'utf8')), spanMs };
}
const WARM_UP_FALCO_CONTAINERS = 64;
/** 2023-11-14T22:13:20Z, as the Tetragon stream's. */
const WARM_UP_START_MS = 1_700_000_000_000;
