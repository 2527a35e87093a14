/** Injected time, so tests control it (STYLE: deps are explicit). */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
