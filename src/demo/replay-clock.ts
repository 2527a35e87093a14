/**
 * The demo's clock follows the replay, not the wall. The replay compresses hours of event time into
 * seconds, and the pipeline runs in live mode exactly as `run` does: once a second it advances the
 * correlator to "now", closing windows and judging pushes whose lateness has passed. "Now" must therefore
 * be a time the pipeline has already caught up with — the event time of the newest event the correlator
 * has taken in — or events still in flight would count as late. Before the first event it reads 0, which
 * advances nothing.
 */
import type { Clock } from '../model/clock.js';

export interface ReplayClock extends Clock {
  /** The pipeline has taken in events up to this event time (epoch ms). Never moves the clock backwards. */
  observe(eventMs: number): void;
}

export function createReplayClock(): ReplayClock {
  let eventMs = 0;
  return {
    now: () => eventMs,
    observe(ms) {
      if (ms > eventMs) eventMs = ms;
    },
  };
}
