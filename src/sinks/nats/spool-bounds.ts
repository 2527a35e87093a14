/**
 * How large the NATS spool may be: its alerts are held in memory as well as on disk, so its byte bound
 * has to fit the daemon's capped V8 heap. Kept apart from config.ts, which the daemon does not load (the
 * config is validated in a child process: docs/memory.md).
 */

/** ~13k alerts of 2.5 kB: a long broker outage on a busy node, and a quarter of the image's 144 MB heap. */
export const DEFAULT_SPOOL_MAX_BYTES = 32 * 1024 * 1024;
/**
 * Share of the heap limit the spool's bound may take. The spooled alerts live in memory as strings, and
 * compaction and recovery briefly hold about as much again; the correlator and the rest of the daemon need
 * the remainder (docs/memory.md).
 */
export const SPOOL_HEAP_SHARE = 0.25;

/** Why `maxBytes` cannot be held by a heap of `heapLimitBytes` (null when it fits). */
export function spoolHeapProblem(maxBytes: number, heapLimitBytes: number): string | null {
  const most = Math.floor(heapLimitBytes * SPOOL_HEAP_SHARE);
  if (maxBytes <= most) return null;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return (
    `${mb(maxBytes)} of spooled alerts would not fit this process's heap: spooled alerts are held in memory, ` +
    `and the heap limit is ${mb(heapLimitBytes)} (--max-old-space-size). Set it to at most ${mb(most)} ` +
    `(${most}), or raise the heap limit and the container's memory limit with it`
  );
}
