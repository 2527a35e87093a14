/**
 * One sink's own delivery loop, fed by its own bounded queue (Vector gives every sink its own buffer and
 * `when_full`). The fan-out in app.ts offers every alert to every sink's queue, so a sink that stalls (a
 * stdout pipe whose reader stopped reading, a hung log shipper) holds back only itself: NATS, the
 * responders' channel, keeps delivering.
 *
 * When a sink's queue is full, its `whenFull` (src/sinks/types.ts) decides:
 * - `block` (NATS, and every sink in `scan`): the fan-out waits for room, and through it the correlator;
 *   nothing is dropped here. In the daemon the sensor-side event queue then drops events, counted and marked
 *   (alerts say `degraded`); offline input loses nothing by being read later.
 * - `drop` (stdout): the alert is dropped for that sink only, counted in
 *   exfilwatch_alerts_dropped_total{sink, reason="queue_full"} and exfilwatch_alert_publish_failures_total{sink}.
 * Either way the episode is logged once: a warning when the queue is first found full, and one line (with the
 * count dropped or waited for) when the sink has caught up (its queue empty again).
 *
 * Shutdown gives every sink the same deadline: what a sink has not taken from its queue by then is dropped
 * (counted, reason `shutdown`, and logged) and its loop is abandoned, so a stalled sink never holds up the
 * stop.
 */
import { errorMessage } from '../errors.js';
import type { Alert } from '../model/alert.js';
import { type AlertSink, DEFAULT_SINK_QUEUE_CAPACITY, type SinkWhenFull } from '../sinks/types.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { BlockingQueue } from './blocking-queue.js';
import { deliver } from './deliver.js';

export { DEFAULT_SINK_QUEUE_CAPACITY };

export interface SinkDeliveryOptions {
  capacity: number;
  whenFull: SinkWhenFull;
}

export interface SinkDelivery {
  readonly sink: AlertSink;
  /** Hands the alert to this sink's queue; waits only with `block` and a full queue. Never throws. */
  offer(alert: Alert): Promise<void>;
  /** No more alerts: the loop delivers what is queued, then `done` resolves. */
  close(): void;
  /** Resolves once the loop has delivered (or given up on) everything queued after close(), or was abandoned. */
  readonly done: Promise<void>;
  /**
   * Stops waiting for the sink: what its queue still holds is dropped (counted with `reason`, logged),
   * a retry's backoff is cut short and the loop ends after the send in progress, if that ever returns.
   */
  abandon(reason: 'shutdown'): void;
}

export function createSinkDelivery(
  sink: AlertSink,
  options: SinkDeliveryOptions,
  deps: { logger: Logger; metrics: Metrics },
): SinkDelivery {
  const { logger, metrics } = deps;
  const queue = new BlockingQueue<Alert>(options.capacity);
  const depth = metrics.queueDepth.labels(`sink:${sink.name}`);
  const publishFailures = metrics.alertPublishFailures.labels(sink.name);
  const abandoned = new AbortController();
  /** Alerts dropped (`drop`) or made to wait (`block`) for a full queue in the current episode; 0 = not in one. */
  let fullInEpisode = 0;

  function dropped(alerts: number, reason: 'queue_full' | 'shutdown'): void {
    metrics.alertsDropped.labels(sink.name, reason).inc(alerts);
    publishFailures.inc(alerts);
  }

  let saidLate = false;
  /** An alert that reached this sink's queue after abandon(): counted, and said once (the give-up line counted only what was queued). */
  function droppedLate(): void {
    dropped(1, 'shutdown');
    if (saidLate) return;
    saidLate = true;
    logger.error(
      { sink: sink.name },
      'alerts reaching this sink after the shutdown timeout are dropped for it (counted in exfilwatch_alerts_dropped_total{reason="shutdown"})',
    );
  }

  /** Alerts this sink failed in a row (counted per attempt in exfilwatch_alert_publish_failures_total by deliver). */
  let failedInRow = 0;
  /** The first of a run is logged with its reason; the rest only counted, and said when the run ends. */
  function failed(alert: Alert, err: string): void {
    if (failedInRow++ === 0)
      logger.error(
        { sink: sink.name, alertId: alert.id, err },
        'alert delivery failed; until this sink delivers again its failed alerts are only counted, then said in one line',
      );
    else logger.debug({ sink: sink.name, alertId: alert.id, err }, 'alert delivery failed');
  }
  function endFailures(msg: string): void {
    if (failedInRow === 0) return;
    logger.error({ sink: sink.name, failed: failedInRow }, msg);
    failedInRow = 0;
  }

  function queueFull(): void {
    if (fullInEpisode++ > 0) return;
    logger.warn(
      { sink: sink.name, capacity: options.capacity, whenFull: options.whenFull },
      options.whenFull === 'block'
        ? 'sink queue full: the pipeline waits for this sink (no alert is dropped; the sensor-side event queue may drop events, counted)'
        : 'sink queue full: alerts are dropped for this sink (counted) until it catches up; the other sinks still get them',
    );
  }

  function endEpisode(): void {
    if (fullInEpisode === 0) return;
    if (options.whenFull === 'block')
      logger.warn({ sink: sink.name, waited: fullInEpisode }, 'sink caught up; the pipeline no longer waits for it');
    else
      logger.warn(
        { sink: sink.name, dropped: fullInEpisode },
        'sink caught up; the alerts dropped for it while its queue was full are lost to it (the other sinks had them)',
      );
    fullInEpisode = 0;
  }

  // One send at a time, each delivered (retries included) before the next starts: that is what keeps a sink's
  // alerts in order. Sends started together (NATS's 256 spool appends sharing one fdatasync) got their place
  // at the call, so an alert whose append failed and was retried by deliver() landed after later ones.
  async function loop(): Promise<void> {
    try {
      for await (const alert of queue) {
        depth.set(queue.size);
        const outcome = await deliver(sink, alert, deps, undefined, abandoned.signal);
        if (outcome.status === 'failed') failed(alert, outcome.error);
        else if (outcome.status === 'delivered') endFailures('sink delivers alerts again');
        if (outcome.status === 'abandoned') {
          // Given up between retries: the sink never took it (one stuck in a send may still land: not counted).
          dropped(1, 'shutdown');
          logger.error(
            { sink: sink.name, alertId: alert.id },
            'sink was still being retried at the shutdown timeout; the alert is dropped for it',
          );
          return;
        }
        if (abandoned.signal.aborted) return;
        if (queue.size === 0) endEpisode();
      }
    } finally {
      endFailures('sink failed to deliver its last alerts');
    }
  }

  const whenAbandoned = new Promise<void>((resolve) => abandoned.signal.addEventListener('abort', () => resolve()));
  const looping = loop().catch((err) => {
    // deliver() never throws; this is a bug's way out, and it must not leave the stop waiting.
    logger.error({ sink: sink.name, err: errorMessage(err) }, 'sink delivery loop failed');
  });
  // Abandoned, the loop may be stuck for good in a send (a stdout write that never completes): nobody waits for it.
  const done = Promise.race([looping, whenAbandoned]);

  return {
    sink,
    done,
    async offer(alert) {
      if (abandoned.signal.aborted) {
        droppedLate();
        return;
      }
      if (!queue.offer(alert)) {
        queueFull();
        if (options.whenFull === 'drop') {
          dropped(1, 'queue_full');
          return;
        }
        try {
          await queue.push(alert);
        } catch {
          // Closed by abandon() while waiting for room: the shutdown's deadline passed.
          droppedLate();
          return;
        }
      }
      depth.set(queue.size);
    },
    close: () => queue.close(),
    abandon(reason) {
      if (abandoned.signal.aborted) return;
      abandoned.abort();
      const left = queue.closeAndTakeAll().length;
      depth.set(0);
      // A full-queue episode ends here without the sink having caught up: saying it had would be a lie.
      const inEpisode = fullInEpisode;
      fullInEpisode = 0;
      const stalled =
        inEpisode > 0 ? { [options.whenFull === 'block' ? 'waited' : 'droppedWhileFull']: inEpisode } : {};
      if (left > 0) {
        dropped(left, reason);
        logger.error(
          { sink: sink.name, dropped: left, ...stalled },
          'sink did not take its queued alerts before the shutdown timeout; they are dropped for it',
        );
      } else if (inEpisode > 0)
        logger.warn({ sink: sink.name, ...stalled }, 'sink was still stalled at the shutdown timeout');
    },
  };
}

/** Resolves with `work` or at the deadline, whichever comes first; the timer is cleared either way. */
async function until(work: Promise<void>, deadlineMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadlineMs - Date.now()));
  });
  await Promise.race([work, deadline]);
  clearTimeout(timer);
}

/**
 * Ends every sink's delivery by `deadlineMs` (Date.now() time), then flushes each with the time left, and
 * closes it with `close` when given (the stop; a sink's own flush done, its close does not wait for another's
 * stall). The sinks run side by side: one sink's stall costs the others none of their time.
 */
export async function finishDeliveries(
  deliveries: readonly SinkDelivery[],
  deadlineMs: number,
  logger: Logger,
  close?: SinkCloser,
): Promise<void> {
  await Promise.all(
    deliveries.map(async (d) => {
      d.close();
      await until(d.done, deadlineMs);
      d.abandon('shutdown');
      await d.sink
        .flush(Math.max(0, deadlineMs - Date.now()))
        .catch((err) => logger.error({ sink: d.sink.name, err: errorMessage(err) }, 'flush failed'));
      await close?.(d.sink, deadlineMs);
    }),
  );
}

/** Closes a sink by a deadline; once per sink, however often asked. */
export type SinkCloser = (sink: AlertSink, deadlineMs: number) => Promise<void>;

/**
 * A close still running at the deadline (the NATS spool's waits for the fsync in progress, which a hung disk
 * never ends) is given up: counted in exfilwatch_component_errors_total{component="sink:<name>"} and logged,
 * so no sink holds the stop past the shutdown timeout. What the sink had not yet made durable is lost with it.
 */
export function createSinkCloser(deps: { logger: Logger; metrics: Metrics }): SinkCloser {
  const closing = new Map<AlertSink, Promise<void>>();
  return (sink, deadlineMs) => {
    let done = closing.get(sink);
    if (done === undefined) {
      done = closeBy(sink, deadlineMs, deps);
      closing.set(sink, done);
    }
    return done;
  };
}

async function closeBy(sink: AlertSink, deadlineMs: number, deps: { logger: Logger; metrics: Metrics }): Promise<void> {
  let settled = false;
  const closing = Promise.resolve()
    .then(() => sink.close())
    .catch((err) => deps.logger.error({ sink: sink.name, err: errorMessage(err) }, 'sink close failed'))
    .finally(() => {
      settled = true;
    });
  await until(closing, deadlineMs);
  if (settled) return;
  deps.metrics.componentErrors.labels(`sink:${sink.name}`).inc();
  deps.logger.error(
    { sink: sink.name },
    'sink did not close by the shutdown timeout (a hung disk or connection?); the stop goes on without it, and what it had not made durable yet is lost',
  );
}
