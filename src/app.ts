/**
 * The only file that knows the whole graph: sources → (normalize, inside each source) → event queue →
 * correlator → alert queue → sinks. It builds the graph from config and owns start and stop.
 *
 *   sensor ─▶ source ─offer▶ DropNewestQueue ─batch▶ correlator ─push▶ BlockingQueue ─fan-out▶ one queue
 *            (never blocks: full = drop newest,        (event time)     (full = correlator     and delivery
 *             count, mark a gap)                                         waits)                 loop per sink
 *
 * Each sink has its own bounded queue (pipeline/sink-delivery.ts): a `drop` sink that stalls (stdout) fills
 * only its own, whose new alerts are then dropped for it alone (counted, logged), so NATS keeps delivering;
 * a full `block` queue (NATS, whose spool is its buffer) makes the fan-out and the correlator wait.
 */

import type { ExfilwatchConfig } from './config/schema.js';
import { createCorrelator, type PodSecretLookup } from './correlate/index.js';
import type { Correlator } from './correlate/types.js';
import { ConfigError, errorMessage, SourceFailedError } from './errors.js';
import type { Alert } from './model/alert.js';
import type { NormalizedEvent } from './model/normalized-event.js';
import { msToRfc3339 } from './model/time.js';
import { BlockingQueue } from './pipeline/blocking-queue.js';
import { createEventQueue } from './pipeline/event-queue.js';
import { turnOffAllocationSitePretenuring } from './pipeline/pretenuring.js';
import { createSinkCloser, createSinkDelivery, finishDeliveries, type SinkDelivery } from './pipeline/sink-delivery.js';
import { createSourceOutput } from './pipeline/source-output.js';
import { HELPER_THREAD_NICE, lowerHelperThreadPriority } from './pipeline/thread-priority.js';
import { startWallClockTicker, type WallClockTicker } from './pipeline/wall-clock-ticker.js';
import { buildSinks, type QueuedSink } from './sinks/build.js';
import { type AlertSink, DEFAULT_SINK_QUEUE_CAPACITY, type SinkDeps, type SinkWhenFull } from './sinks/types.js';
import { sourceDefinitions } from './sources/index.js';
import type { EventSource } from './sources/types.js';
import { sourceComponent } from './telemetry/metrics.js';
import { warmsUp, warmUpAtStart } from './warm-up/at-start.js';

export interface AppDeps extends SinkDeps {
  /** Node name (resolveNodeName). */
  node: string;
  /** This node's pods' secret mounts (`run` in a cluster: src/kubernetes/), for the correlator. */
  podSecrets?: PodSecretLookup | null;
}

export interface AppOptions {
  /**
   * `detect`: correlate and deliver alerts (run, scan, demo). `events`: no correlator; every normalized
   * event is handed to `onEvents` (the `events` command).
   */
  mode?: 'detect' | 'events';
  onEvents?: (batch: readonly NormalizedEvent[]) => void;
  /** Sinks built by the caller in addition to the configured ones (demo's human printer, tests). */
  extraSinks?: Array<AlertSink | QueuedSink>;
  /**
   * Overrides every sink's `whenFull` (its section's, else `drop`): scan gives `block`, since offline input
   * loses nothing by waiting and its output must be complete; then the end of the input also waits for
   * every sink to take every alert, however slow its reader.
   */
  sinkQueueWhenFull?: SinkWhenFull;
  /** Sources built by the caller instead of the configured ones (scan's files, demo's replay). */
  sources?: EventSource[];
  /**
   * Live mode advances the correlator on the wall clock once a second, so windows close even when events
   * stop. Offline input (scan) judges by event time only and flushes at the end.
   */
  live?: boolean;
  /** Replaces the correlator (tests). */
  correlator?: Correlator;
  /**
   * Nice value for V8's background threads at start (pipeline/thread-priority.ts), so they do not take the
   * CPU from the main thread during GC cycles: the event → alert latency of a live stream. 0 leaves them
   * alone. Default: HELPER_THREAD_NICE when `live`, else 0 (offline input is throughput-bound, and there
   * the GC work the helpers leave falls to the busy main thread).
   */
  helperThreadNice?: number;
  /**
   * Before the sources connect, run a synthetic stream through the hot code with a throwaway correlator
   * (src/warm-up) for up to `config.pipeline.warmUpMs`, so the first real events meet compiled code: the
   * event → alert latency of a daemon (re)started on a busy node. Default: on when `live` (the daemon)
   * with a streaming source (tetragon-grpc, falco-http, falco-grpc: warm-up/streams.ts), off otherwise
   * (offline input is judged by throughput, not by its first second). It used to make V8 tenure the decoder's
   * allocation sites (22-29 mark-compacts per 200k events); not with pretenuring off (pipeline/pretenuring.ts).
   */
  warmUp?: boolean;
  /** Awaited with the warm-up before correlating (`run`: the first pod list, bounded); ends soon after `signal`. */
  startGate?: (signal: AbortSignal) => Promise<unknown>;
}

export interface SourceStatus {
  id: string;
  type: string;
  up: boolean;
  /** Why it is down, as the source last said (a file error, a refused connect); absent when up or unsaid. */
  detail?: string;
}

export interface AppStats {
  events: number;
  alerts: number;
  alertsBySeverity: Record<string, number>;
  trackedContainers: number;
}

/** Why a source stopped for good: a config problem it found at start (exit 2), or anything else (exit 1). */
export type SourceFailure = ConfigError | SourceFailedError;

export interface App {
  /**
   * Starts sinks (setup errors reject), then the pipeline loops and sources, and waits until every source is
   * past its set-up: a source that fails there (a port in use, a secret it cannot read) rejects start-up.
   */
  start(): Promise<void>;
  /** Graceful stop: intake ends, the correlator flushes pending alerts, sinks flush within the timeout. */
  stop(): Promise<void>;
  /** Resolves when every source has ended (finite input) and everything downstream is delivered. */
  readonly finished: Promise<void>;
  /**
   * Resolves with the first source that stopped with an error (during set-up, start() rejects with it too);
   * never, while none does. Sources reject only for what retrying cannot fix: that source is gone for good.
   */
  readonly sourceFailed: Promise<SourceFailure>;
  sources(): SourceStatus[];
  /**
   * True when every source is connected (or listening): /readyz. False with no source at all: a daemon that
   * can detect nothing must not look healthy to the kubelet (the DaemonSet's rollout shows it instead).
   */
  ready(): boolean;
  stats(): AppStats;
}

export function buildSources(config: ExfilwatchConfig, deps: AppDeps): EventSource[] {
  const built: EventSource[] = [];
  const configured = config.sources as Record<string, unknown[] | undefined>;
  for (const def of sourceDefinitions) {
    (configured[def.configKey] ?? []).forEach((instance, i) => {
      built.push(def.create(instance, { ...deps, keyPath: `sources.${def.configKey}[${i}]` }));
    });
  }
  return built;
}

const sensorOf = (type: string): 'tetragon' | 'falco' => (type.startsWith('falco') ? 'falco' : 'tetragon');

/**
 * At most this many events go to the correlator in one piece, and the loop yields a turn of the event loop
 * between pieces while a backlog lasts. A backlog (after a GC pause, a burst, or a stretch without a CPU)
 * taken whole was one piece of work of up to the queue's 65k events, ~1 s: no alert of it left until all
 * was judged, and no socket, timer or sink ran meanwhile. 512 events are ~5 ms of correlation.
 */
const CORRELATE_BATCH_MAX = 512;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createApp(config: ExfilwatchConfig, deps: AppDeps, options: AppOptions = {}): App {
  const { logger, metrics, clock } = deps;
  // Before any event is decoded: short-lived events must not be tenured by V8 (pipeline/pretenuring.ts).
  turnOffAllocationSitePretenuring();
  const mode = options.mode ?? 'detect';
  const sources = options.sources ?? buildSources(config, deps);
  const queuedSinks = [
    ...(mode === 'detect' ? buildSinks(config.sinks, deps) : []),
    ...(options.extraSinks ?? []).map((s) =>
      'sink' in s ? s : { sink: s, queueCapacity: DEFAULT_SINK_QUEUE_CAPACITY },
    ),
  ];
  const sinks = queuedSinks.map((q) => q.sink);
  let deliveries: SinkDelivery[] = [];
  const correlator =
    mode === 'detect' ? (options.correlator ?? createCorrelator(config.correlator, config.allowlist, deps)) : null;

  const eventQueue = createEventQueue(config.pipeline.eventQueueCapacity);
  const alertQueue = new BlockingQueue<Alert>(config.pipeline.alertQueueCapacity);
  const abort = new AbortController();
  const outputs = sources.map((source) =>
    createSourceOutput({
      id: source.id,
      type: source.type,
      sensor: sensorOf(source.type),
      node: deps.node,
      queue: eventQueue,
      metrics,
      logger,
      clock,
    }),
  );

  let eventCount = 0;
  let alertCount = 0;
  const alertsBySeverity: Record<string, number> = {};
  let started = false;
  let stopping: Promise<void> | null = null;
  let resolveFinished!: () => void;
  const finished = new Promise<void>((resolve) => {
    resolveFinished = resolve;
  });
  let firstFailure: SourceFailure | null = null;
  let resolveSourceFailed!: (failure: SourceFailure) => void;
  const sourceFailed = new Promise<SourceFailure>((resolve) => {
    resolveSourceFailed = resolve;
  });
  function sourceStopped(source: EventSource, err: unknown): void {
    metrics.componentErrors.labels(sourceComponent(source.type)).inc();
    logger.error({ source: source.id, err: errorMessage(err) }, 'source stopped');
    if (firstFailure !== null) return;
    firstFailure =
      err instanceof ConfigError || err instanceof SourceFailedError
        ? err
        : new SourceFailedError(source.id, errorMessage(err), { cause: err });
    resolveSourceFailed(firstFailure);
  }

  async function emit(alerts: Alert[], batchStartedAt: number): Promise<void> {
    for (const alert of alerts) {
      alertCount++;
      alertsBySeverity[alert.severity] = (alertsBySeverity[alert.severity] ?? 0) + 1;
      metrics.alertsTotal.labels(alert.rule, alert.severity).inc();
      if (batchStartedAt > 0) metrics.detectionLatency.observe((performance.now() - batchStartedAt) / 1000);
      await alertQueue.push(alert);
      metrics.componentSent.labels('correlator').inc();
      metrics.queueDepth.labels('alerts').set(alertQueue.size);
    }
  }

  // Per-turn bookkeeping without prom-client's per-call label hashing: children looked up once, the received
  // count summed in a plain number and handed over when the counters are read, gauges set only on change.
  const eventsDepth = metrics.queueDepth.labels('events');
  const correlatorReceived = metrics.componentReceived.labels('correlator');
  let pendingReceived = 0;
  metrics.flushBeforeCollect(() => {
    if (pendingReceived > 0) correlatorReceived.inc(pendingReceived);
    pendingReceived = 0;
  });
  let lastDepth = -1;
  let lastTracked = -1;
  const setTracked = (n: number) => {
    if (n === lastTracked) return;
    lastTracked = n;
    metrics.trackedContainers.set(n);
  };

  async function correlateLoop(): Promise<void> {
    for (;;) {
      const batch = await eventQueue.take(CORRELATE_BATCH_MAX);
      if (batch === null) break;
      eventCount += batch.length;
      const depth = eventQueue.size;
      if (depth !== lastDepth) {
        lastDepth = depth;
        eventsDepth.set(depth);
      }
      if (!correlator) {
        options.onEvents?.(batch);
      } else {
        pendingReceived += batch.length;
        try {
          const alerts = correlator.ingest(batch);
          if (alerts.length > 0) await emit(alerts, eventQueue.lastBatchStartedAt);
        } catch (err) {
          metrics.componentErrors.labels('correlator').inc();
          logger.error({ err: errorMessage(err) }, 'correlator failed on a batch; continuing');
        }
        setTracked(correlator.trackedContainers());
      }
      if (eventQueue.size > 0) await nextTurn();
    }
    // The ticker's alerts (judged before the flush's, so first) may still wait for room in the queue.
    await ticker?.drained();
    if (correlator) {
      let pending: Alert[] = [];
      try {
        pending = correlator.flush();
      } catch (err) {
        // Thrown here it left the alert queue open: the delivery loop, the stop and the exit waited for ever.
        metrics.componentErrors.labels('correlator').inc();
        logger.error({ err: errorMessage(err) }, 'correlator failed to flush at the end; its pending pushes are lost');
      }
      await emit(pending, 0);
    }
    await ticker?.drained();
    alertQueue.close();
  }

  /** Offers every alert to every sink's queue; waits only for a `block` queue that is full. */
  async function fanOutLoop(): Promise<void> {
    for await (const alert of alertQueue) {
      metrics.queueDepth.labels('alerts').set(alertQueue.size);
      for (const delivery of deliveries) await delivery.offer(alert);
    }
  }

  // Whichever end comes first (the sources' own, or stop()) delivers and flushes; the other waits for it.
  let sinksFinished: Promise<void> | null = null;
  const closeSink = createSinkCloser({ logger, metrics });
  const finishSinks = (deadlineMs: number, close = false) => {
    sinksFinished ??= finishDeliveries(deliveries, deadlineMs, logger, close ? closeSink : undefined);
    return sinksFinished;
  };

  let ticker: WallClockTicker | null = null;
  let pipelineDone: Promise<void> = Promise.resolve();
  // Set while start() warms up or waits at startGate: receivers take posts meanwhile, so a stop waits for the pipeline.
  let pipelineStarting: Promise<void> = Promise.resolve();

  return {
    finished,
    sourceFailed,
    async start() {
      if (started) throw new Error('app already started');
      started = true;
      const priority = lowerHelperThreadPriority(options.helperThreadNice ?? (options.live ? HELPER_THREAD_NICE : 0));
      if (priority.lowered > 0) logger.debug({ ...priority }, 'V8 helper threads set to a lower priority');
      for (const sink of sinks) await sink.start();
      deliveries = queuedSinks.map((q) =>
        createSinkDelivery(
          q.sink,
          { capacity: q.queueCapacity, whenFull: options.sinkQueueWhenFull ?? q.whenFull ?? 'drop' },
          { logger, metrics },
        ),
      );
      // A source that failed is recorded at once (the set-up wait below reads it), whenever it was started.
      const running: Array<Promise<void>> = [];
      const runs: Array<Promise<void>> = [];
      const runSource = (i: number) => {
        running[i] = sources[i]!.run(outputs[i]!, abort.signal);
        runs[i] = running[i]!.catch((err) => sourceStopped(sources[i]!, err));
      };
      // Receivers listen before the warm-up (EventSource.pushedTo): what they take waits in the event queue.
      for (const [i, s] of sources.entries()) if (s.pushedTo === true) runSource(i);
      // By default a live app warms up the code its streaming sources run (warm-up/at-start.ts).
      const warmsUpNow = mode === 'detect' && (options.warmUp ?? (options.live === true && warmsUp(sources)));
      const warmUp = warmsUpNow && warmUpAtStart(config, deps, sources, config.pipeline.warmUpMs, logger, abort.signal);
      pipelineStarting = Promise.all([warmUp, options.startGate?.(abort.signal)]).then(() => undefined);
      // Pulled sources connect once warmed up, not after the gate: what they take meanwhile waits in the event
      // queue as the receivers' does, where a sensor's events before a later connect were never asked for.
      await warmUp;
      for (const [i, s] of sources.entries()) if (s.pushedTo !== true) runSource(i);
      await pipelineStarting;
      pipelineDone = Promise.all([correlateLoop(), fanOutLoop()]).then(() => undefined);
      // Stopped during the warm-up: the pipeline drains what the receivers took, with no ticker after the stop.
      if (options.live && correlator && stopping === null)
        ticker = startWallClockTicker(
          correlator,
          deps,
          (alerts) => emit(alerts, 0),
          () => setTracked(correlator.trackedContainers()),
          () => metrics.componentErrors.labels('correlator').inc(),
        );
      void Promise.all(runs).then(async () => {
        eventQueue.close();
        await pipelineDone;
        ticker?.stop();
        correlator?.close?.();
        // Sources end on their own (all failed, or the input ran out): deliver and flush here. Ended by stop():
        // it does. scan delivers every queued alert however slow the reader; the daemon, within the timeout.
        if (stopping === null && options.sinkQueueWhenFull === 'block') {
          for (const d of deliveries) d.close();
          await Promise.all(deliveries.map((d) => d.done));
        }
        if (stopping === null) await finishSinks(Date.now() + config.pipeline.shutdownTimeoutMs);
        resolveFinished();
      });
      // Past set-up: a source's `started`, or else one turn, since the others check what they can before
      // their first await. A source whose run settles first (failed, or stopped) is past it too.
      await Promise.all(
        sources.map((s, i) => Promise.race([s.started ?? nextTurn(), running[i]!]).catch(() => undefined)),
      );
      if (firstFailure !== null) throw firstFailure;
    },
    stop() {
      if (stopping) return stopping;
      stopping = (async () => {
        logger.info({ at: msToRfc3339(clock.now()) }, 'stopping: intake ends, pending alerts are flushed');
        const deadlineMs = Date.now() + config.pipeline.shutdownTimeoutMs;
        // A full `block` queue holds the fan-out, and so the correlator's flush, until its sink takes an alert:
        // at the deadline every delivery is given up (what is queued is dropped, counted), so none holds the stop.
        const giveUp = setTimeout(() => {
          for (const d of deliveries) d.abandon('shutdown');
        }, config.pipeline.shutdownTimeoutMs);
        abort.abort();
        eventQueue.close();
        ticker?.stop();
        // start() awaits it first, so it has set pipelineDone by the time this await returns.
        await pipelineStarting;
        await pipelineDone;
        correlator?.close?.();
        await finishSinks(deadlineMs, true);
        clearTimeout(giveUp);
        // By the same deadline: a close hung on the disk is given up. Each sink is closed once.
        await Promise.all(sinks.map((s) => closeSink(s, deadlineMs)));
        resolveFinished();
      })();
      return stopping;
    },
    sources: () => sources.map((s, i) => ({ id: s.id, type: s.type, ...outputs[i]!.status() })),
    ready: () => outputs.length > 0 && outputs.every((o) => o.isUp()),
    stats: () => ({
      events: eventCount,
      alerts: alertCount,
      alertsBySeverity: { ...alertsBySeverity },
      trackedContainers: correlator?.trackedContainers() ?? 0,
    }),
  };
}
