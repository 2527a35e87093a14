/**
 * Exponential backoff with full jitter, written once for every reconnect and retry loop (sensor sources,
 * sink delivery, the NATS pump): many nodes restarting the same agent or broker must not retry in step.
 * The floor (a quarter of the minimum) keeps an unlucky draw from becoming a hot loop.
 */
export function backoffDelayMs(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.max(minMs / 4, random() * ceiling);
}
