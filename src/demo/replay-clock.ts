/**
 * The demo's clock follows the replay, not the wall: the replay compresses minutes of event time into
 * seconds, so anything in the pipeline that asks "what time is it" must get the replay's answer or it
 * would judge compressed events as hours late. It reads the newest event time delivered so far; before
 * the first event, and after the last one, it runs on at wall speed from there.
 */
import type { Clock } from '../model/clock.js';

export interface ReplayClock extends Clock {
  /** The replay delivered an event with this event time (epoch ms). Never moves the clock backwards. */
  observe(eventMs: number): void;
}

export function createReplayClock(wall: Clock): ReplayClock {
  let eventMs: number | null = null;
  let observedAtWall = wall.now();
  return {
    now() {
      return eventMs === null ? wall.now() : eventMs + (wall.now() - observedAtWall);
    },
    observe(ms) {
      if (eventMs === null || ms > eventMs) {
        eventMs = ms;
        observedAtWall = wall.now();
      }
    },
  };
}
