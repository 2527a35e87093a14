/**
 * CPU time of this process's main thread alone (process.cpuUsage counts every thread: V8's GC helpers and
 * any worker). Linux only: /proc/self/task/<pid>/stat, where the main thread's id is the pid; utime and
 * stime are in clock ticks (USER_HZ, 100 on Linux), so runs of a few CPU-seconds resolve to ~1%.
 * NaN elsewhere.
 */
import { readFileSync } from 'node:fs';

export function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state; utime, stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
