/**
 * The log line of a source that cannot reach its sensor and retries: the first failure is a warning at
 * once (detection is blind meanwhile), the same failure again is a warning at most once a minute and debug
 * in between, so a sensor that stays away for hours does not flood the log. Shared by the gRPC sources.
 */
import type { Clock } from '../model/clock.js';
import type { Logger } from '../telemetry/logger.js';

/** The same failure is logged at warn again at most this often (at debug in between). */
export const REPEAT_LOG_MS = 60_000;

/** `log(problem, retryMs)` writes `<id>: <problem>; retrying` with `{ source: id, retryInMs }`. */
export function createRetryLog(
  id: string,
  deps: { logger: Logger; clock: Clock },
): (problem: string, retryMs: number) => void {
  let lastProblem = '';
  let lastProblemAt = Number.NEGATIVE_INFINITY;
  return (problem, retryMs) => {
    const now = deps.clock.now();
    const fields = { source: id, retryInMs: Math.round(retryMs) };
    if (problem !== lastProblem || now - lastProblemAt >= REPEAT_LOG_MS) {
      deps.logger.warn(fields, `${id}: ${problem}; retrying`);
      lastProblem = problem;
      lastProblemAt = now;
    } else {
      deps.logger.debug(fields, `${id}: ${problem}; retrying`);
    }
  };
}
