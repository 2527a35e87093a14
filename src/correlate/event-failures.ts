/**
 * A bug the correlator meets on one event (a shape no test made) must not take the rest of its batch with
 * it: the app catches a throw per batch, so the events after the failing one (up to a batch of 512) were
 * never correlated, and a push among them was never judged. Each such event is counted
 * (`exfilwatch_component_errors_total{component="correlator"}`) and skipped; a log line at most every 10 s
 * says what failed and how many were skipped since the last line, so a bug hit by every event cannot flood
 * the log.
 */
import { errorMessage } from '../errors.js';
import type { NormalizedEvent } from '../model/normalized-event.js';
import type { Logger } from '../telemetry/logger.js';

const LOG_EVERY_MS = 10_000;

export class EventFailures {
  private skippedSinceLog = 0;
  private lastLogMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly counted: { inc(): void },
    private readonly logger: Logger,
  ) {}

  skipped(err: unknown, e: NormalizedEvent): void {
    this.counted.inc();
    this.skippedSinceLog++;
    const now = performance.now();
    if (now - this.lastLogMs < LOG_EVERY_MS) return;
    this.logger.error(
      { err: errorMessage(err), kind: e.kind, node: e.node, skippedSinceLastLog: this.skippedSinceLog },
      'correlator failed on an event: skipped it and went on with its batch',
    );
    this.skippedSinceLog = 0;
    this.lastLogMs = now;
  }
}
