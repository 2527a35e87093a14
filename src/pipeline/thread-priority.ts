/**
 * Gives the main thread — the one that normalizes and correlates, and so sets the event → alert latency —
 * the CPU before V8's background threads. On a 2-core node the main thread, the ingest worker and up to
 * four V8 helper threads (concurrent marking, parallel scavenges, background compilation) all want a CPU
 * during a major GC cycle; the scheduler shares the cores evenly among them, so the main thread got a
 * fraction of a core for 100–250 ms every major GC, and events waited for it (docs/latency.md). With the
 * helpers at a lower priority (a higher nice value) they take the CPU the main thread leaves; their work
 * is background work that V8 finishes on the main thread when it has to.
 *
 * Only the threads that existed when this module was loaded are lowered: V8's platform threads, started
 * with the process. Threads started later by our own code (the ingest worker, scan's line workers) keep
 * the main thread's priority, as they feed it. Linux only (a thread id is a valid `setpriority` target
 * there); raising a nice value needs no privilege. Elsewhere, or inside a worker thread, this does nothing.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/**
 * How many nice steps below the main thread the helper threads go (capped at 19, the lowest priority);
 * relative, so a daemon started under `nice` still gives its main thread the CPU first. 10 cut the
 * latency tail a little more but, at full ingest speed, left ~2 µs per event of GC work to the main
 * thread, which bounds the ingest rate; at 5 that cost is within the noise (docs/latency.md).
 */
export const HELPER_THREAD_NICE = 5;

function listThreads(): string[] {
  try {
    return readdirSync('/proc/self/task');
  } catch {
    return [];
  }
}

function callingThread(): string | null {
  try {
    // "<pid>/task/<tid>"
    return readlinkSync('/proc/thread-self').split('/').at(-1) ?? null;
  } catch {
    return null;
  }
}

// Taken at load: app.ts imports this module before any of our own threads exist.
const startupThreads = isMainThread && process.platform === 'linux' ? listThreads() : [];
const startupCaller = startupThreads.length > 0 ? callingThread() : null;

export interface HelperPriorityResult {
  /** Threads whose nice value was raised to the main thread's plus `nice` (at most 19). */
  lowered: number;
  /** Threads already at that value or a lower priority, or gone, or refused. */
  skipped: number;
}

/**
 * Raises the nice value of the process's start-up threads other than the main one to the main thread's
 * plus `nice`, at most 19 (never lowers one that is already higher). Idempotent; never throws.
 */
export function lowerHelperThreadPriority(nice = HELPER_THREAD_NICE): HelperPriorityResult {
  const result: HelperPriorityResult = { lowered: 0, skipped: 0 };
  if (startupCaller === null || nice <= 0) return result;
  let target: number;
  try {
    target = Math.min(19, getPriority(Number(startupCaller)) + nice);
  } catch {
    return result;
  }
  const alive = new Set(listThreads());
  for (const tid of startupThreads) {
    if (tid === startupCaller || !alive.has(tid)) continue;
    try {
      const id = Number(tid);
      if (getPriority(id) >= target) {
        result.skipped++;
        continue;
      }
      setPriority(id, target);
      result.lowered++;
    } catch {
      // Gone between the listing and the call, or refused (a seccomp profile): leave it.
      result.skipped++;
    }
  }
  return result;
}
