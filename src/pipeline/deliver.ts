/**
 * Retry with exponential backoff and full jitter, written once for every sink (OpenTelemetry's exporter
 * base). A sink says ok / retryable / failed; this wrapper counts, logs and retries.
 */
import { sleep as sleepFor } from '../io/sleep.js';
import type { Alert } from '../model/alert.js';
import type { AlertSink } from '../sinks/types.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { backoffDelayMs } from './backoff.js';

export interface DeliveryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const defaultDeliveryOptions: DeliveryOptions = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 10_000 };

/**
 * What became of one alert: `abandoned` when `signal` ended the retries (the shutdown gave the sink up): the
 * sink never took it, and the caller counts it. `failed` (refused, or retries used up) is counted here and
 * logged by the caller, which says a run of them once (a closed stdout fails every alert).
 */
export type DeliveryOutcome = { status: 'delivered' } | { status: 'abandoned' } | { status: 'failed'; error: string };

/** Delivers one alert through one sink. Never throws. */
export async function deliver(
  sink: AlertSink,
  alert: Alert,
  deps: { logger: Logger; metrics: Metrics },
  options: DeliveryOptions = defaultDeliveryOptions,
  signal?: AbortSignal,
): Promise<DeliveryOutcome> {
  const sleep = options.sleep ?? sleepFor;
  let lastError = '';
  for (let attempt = 0; attempt < options.maxAttempts; attempt++) {
    // Aborted during the backoff (which the abort cuts short): sending again would reach a sink being flushed
    // and closed after the shutdown's deadline, and log a give-up for an alert the shutdown already counts.
    if (attempt > 0 && signal?.aborted) return { status: 'abandoned' };
    let result: Awaited<ReturnType<AlertSink['send']>>;
    try {
      result = await sink.send(alert);
    } catch (err) {
      result = { status: 'retryable', error: err instanceof Error ? err : new Error(String(err)) };
    }
    if (result.status === 'ok') {
      deps.metrics.alertsPublished.labels(sink.name).inc();
      deps.metrics.componentSent.labels(`sink:${sink.name}`).inc();
      return { status: 'delivered' };
    }
    deps.metrics.alertPublishFailures.labels(sink.name).inc();
    deps.metrics.componentErrors.labels(`sink:${sink.name}`).inc();
    if (result.status === 'failed') return { status: 'failed', error: result.error.message };
    lastError = result.error.message;
    const delay = result.delayMs ?? backoffDelayMs(attempt, options.baseDelayMs, options.maxDelayMs, options.random);
    deps.logger.warn(
      { sink: sink.name, alertId: alert.id, attempt, delayMs: delay, err: result.error.message },
      'alert delivery will be retried',
    );
    if (signal?.aborted) return { status: 'abandoned' };
    await sleep(delay, signal);
  }
  return { status: 'failed', error: `gave up after ${options.maxAttempts} attempts: ${lastError}` };
}
