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

/** Delivers one alert through one sink; returns true when delivered. Never throws. */
export async function deliver(
  sink: AlertSink,
  alert: Alert,
  deps: { logger: Logger; metrics: Metrics },
  options: DeliveryOptions = defaultDeliveryOptions,
  signal?: AbortSignal,
): Promise<boolean> {
  const sleep = options.sleep ?? sleepFor;
  for (let attempt = 0; attempt < options.maxAttempts; attempt++) {
    let result: Awaited<ReturnType<AlertSink['send']>>;
    try {
      result = await sink.send(alert);
    } catch (err) {
      result = { status: 'retryable', error: err instanceof Error ? err : new Error(String(err)) };
    }
    if (result.status === 'ok') {
      deps.metrics.alertsPublished.labels(sink.name).inc();
      deps.metrics.componentSent.labels(`sink:${sink.name}`).inc();
      return true;
    }
    deps.metrics.alertPublishFailures.labels(sink.name).inc();
    deps.metrics.componentErrors.labels(`sink:${sink.name}`).inc();
    if (result.status === 'failed') {
      deps.logger.error({ sink: sink.name, alertId: alert.id, err: result.error.message }, 'alert delivery failed');
      return false;
    }
    const delay = result.delayMs ?? backoffDelayMs(attempt, options.baseDelayMs, options.maxDelayMs, options.random);
    deps.logger.warn(
      { sink: sink.name, alertId: alert.id, attempt, delayMs: delay, err: result.error.message },
      'alert delivery will be retried',
    );
    if (signal?.aborted) break;
    await sleep(delay, signal);
  }
  deps.logger.error({ sink: sink.name, alertId: alert.id }, 'alert delivery gave up after retries');
  return false;
}
