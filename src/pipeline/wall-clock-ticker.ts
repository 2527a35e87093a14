/**
 * Live mode's wall clock: once a second the correlator is advanced to it, so windows close and pushes are
 * judged even when events stop. What it judges goes out through `emit`, which waits while the alert queue
 * is full; `drained()` lets the pipeline wait for those before it closes the queue at stop (the alerts
 * have left the correlator already: closing the queue under them would lose them).
 */
import type { Correlator } from '../correlate/types.js';
import { errorMessage } from '../errors.js';
import type { Alert } from '../model/alert.js';
import type { Clock } from '../model/clock.js';
import type { Logger } from '../telemetry/logger.js';

export interface WallClockTicker {
  stop(): void;
  /** Resolves once no alert of a tick is waiting for the queue. */
  drained(): Promise<void>;
}

export function startWallClockTicker(
  correlator: Correlator,
  deps: { clock: Clock; logger: Logger },
  emit: (alerts: Alert[]) => Promise<void>,
  afterTick: () => void,
  /** The correlator threw (a bug): counted by the caller; the next tick tries again. */
  onError: (err: unknown) => void = () => undefined,
): WallClockTicker {
  const emitting = new Set<Promise<void>>();
  const tick = () => {
    let alerts: Alert[];
    try {
      alerts = correlator.advance(deps.clock.now());
    } catch (err) {
      // As for a batch that fails (app.ts): thrown from a timer it ended the daemon, and the first tick runs
      // inside start(), so it refused to start at all.
      onError(err);
      deps.logger.error(
        { err: err instanceof Error ? err.message : String(err) },
        'correlator failed to advance on the wall clock; continuing',
      );
      return;
    }
    if (alerts.length > 0) {
      const one: Promise<void> = emit(alerts)
        .catch((err) => deps.logger.error({ err: errorMessage(err), alerts: alerts.length }, 'alerts lost at stop'))
        .finally(() => emitting.delete(one));
      emitting.add(one);
    }
    afterTick();
  };
  // Once now, before the first event: the wall clock tells the correlator which event times are sane (a bogus
  // first timestamp must not become a node's clock).
  tick();
  const timer = setInterval(tick, 1000);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    async drained() {
      while (emitting.size > 0) await Promise.all([...emitting]);
    },
  };
}
