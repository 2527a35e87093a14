/**
 * Where the paced run's latency tail comes from, over time. The child bins its events by send time
 * (10 ms): per bin the worst latency, split into transit (agent write → normalized and offered on the main
 * thread: socket, HTTP/2, the ingest worker, the hand-over) and queue (offered → correlated). The
 * orchestrator can sample the child's threads from outside (Linux schedstat of /proc/<pid>/task/*: time on
 * a CPU and time runnable without one; nothing runs inside the measured process) and put both side by side
 * with the child's GC pauses, so each stall says whether the main thread was busy, starved of a CPU, in a
 * GC pause, or idle while the events waited elsewhere. The sampling is a diagnosis, asked for with
 * `BENCH_THREAD_SAMPLES=1`: on 2 cores its own CPU competes with the run it describes (docs/latency.md).
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

export interface LatencySeries {
  /** Epoch ms of bin 0 (the first message's write). */
  t0: number;
  binMs: number;
  count: number[];
  /** Per bin, ms: worst agent-write → correlated, and its two legs' worst values. */
  maxMs: number[];
  maxTransitMs: number[];
  maxQueueMs: number[];
}

/** Flattened [start epoch ms, duration ms, kind] of each GC pause (kind: perf_hooks NODE_PERFORMANCE_GC_*). */
export type GcPauses = number[];

const GC_MAJOR = 4;
const GC_INCREMENTAL = 8;

export function binLatency(
  sentAt: Float64Array,
  offeredAt: Float64Array,
  correlatedAt: Float64Array,
  binMs = 10,
): LatencySeries {
  const t0 = sentAt[0] ?? 0;
  const bins = Math.max(1, Math.floor(((sentAt.at(-1) ?? t0) - t0) / binMs) + 1);
  const s: LatencySeries = {
    t0,
    binMs,
    count: new Array(bins).fill(0),
    maxMs: new Array(bins).fill(0),
    maxTransitMs: new Array(bins).fill(0),
    maxQueueMs: new Array(bins).fill(0),
  };
  for (let i = 0; i < sentAt.length; i++) {
    const c = correlatedAt[i]!;
    if (Number.isNaN(c)) continue;
    const b = Math.min(bins - 1, Math.floor((sentAt[i]! - t0) / binMs));
    const o = offeredAt[i]!;
    s.count[b]!++;
    s.maxMs[b] = Math.max(s.maxMs[b]!, c - sentAt[i]!);
    s.maxTransitMs[b] = Math.max(s.maxTransitMs[b]!, o - sentAt[i]!);
    s.maxQueueMs[b] = Math.max(s.maxQueueMs[b]!, c - o);
  }
  return s;
}

/** One sample: epoch ms, then [tid, on-CPU ms, runnable-waiting ms] per thread. */
type Sample = number[];

/**
 * Samples another process's threads every `everyMs` from this process (the orchestrator, idle meanwhile).
 * Each thread's schedstat file stays open and is re-read in place (one pread per thread and sample, not an
 * open/read/close). Linux only; elsewhere it collects nothing.
 */
export function sampleThreads(pid: number, everyMs = 5): { stop(): Sample[] } {
  const samples: Sample[] = [];
  const fds = new Map<string, number>();
  const buf = Buffer.alloc(256);
  let n = 0;
  const relist = () => {
    const tids = new Set(readdirSync(`/proc/${pid}/task`));
    for (const [tid, fd] of fds) {
      if (tids.has(tid)) continue;
      closeSync(fd);
      fds.delete(tid);
    }
    for (const tid of tids) {
      if (fds.has(tid)) continue;
      try {
        fds.set(tid, openSync(`/proc/${pid}/task/${tid}/schedstat`, 'r'));
      } catch {
        // The thread ended between the listing and the open.
      }
    }
  };
  const take = () => {
    try {
      if (n++ % 20 === 0) relist();
    } catch {
      return;
    }
    const row: Sample = [performance.timeOrigin + performance.now()];
    for (const [tid, fd] of fds) {
      try {
        const [run, wait] = buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0)).split(' ');
        row.push(Number(tid), Number(run) / 1e6, Number(wait) / 1e6);
      } catch {
        // The thread ended since the listing.
      }
    }
    samples.push(row);
  };
  const timer = setInterval(take, everyMs);
  take();
  let stopped = false;
  return {
    stop() {
      if (stopped) return samples;
      stopped = true;
      clearInterval(timer);
      take();
      for (const fd of fds.values()) closeSync(fd);
      fds.clear();
      return samples;
    },
  };
}

interface ThreadTime {
  run: number;
  wait: number;
}

/** Per-thread [run, wait] ms between the last sample at or before `from` and the first at or after `to`. */
function threadTimes(samples: Sample[], from: number, to: number): Map<number, ThreadTime> {
  const out = new Map<number, ThreadTime>();
  if (samples.length === 0) return out;
  let i = 0;
  while (i + 1 < samples.length && samples[i + 1]![0]! <= from) i++;
  let j = i;
  while (j + 1 < samples.length && samples[j]![0]! < to) j++;
  const a = new Map<number, ThreadTime>();
  const ra = samples[i]!;
  for (let k = 1; k < ra.length; k += 3) a.set(ra[k]!, { run: ra[k + 1]!, wait: ra[k + 2]! });
  const rb = samples[j]!;
  for (let k = 1; k < rb.length; k += 3) {
    // A thread missing from the earlier sample started after it.
    const before = a.get(rb[k]!) ?? { run: 0, wait: 0 };
    out.set(rb[k]!, { run: rb[k + 1]! - before.run, wait: rb[k + 2]! - before.wait });
  }
  return out;
}

export interface StallEpisode {
  /** ms since the first write: the span of send times whose events waited over the threshold. */
  fromMs: number;
  toMs: number;
  events: number;
  maxMs: number;
  maxTransitMs: number;
  maxQueueMs: number;
  /** Over [from, to + maxMs]: ms on a CPU / runnable without one, by thread; null when not sampled. */
  main: ThreadTime | null;
  worker: ThreadTime | null;
  /** All other threads of the process (V8's GC and compiler helpers, libuv). */
  others: ThreadTime | null;
  /** Main-thread GC pauses in that span: total ms, and whether a major GC (incremental marking / mark-compact) ran. */
  gcMs: number;
  majorGc: boolean;
}

export interface StallReport {
  thresholdMs: number;
  /** Events over the threshold, and how many of them were sent in the first `warmupMs`. */
  eventsOver: number;
  eventsOverInWarmup: number;
  warmupMs: number;
  /** Events over the threshold whose episode overlaps a major GC cycle. */
  eventsOverWithMajorGc: number;
  episodes: StallEpisode[];
}

/**
 * Groups bins whose worst event waited over `thresholdMs` into episodes (bins at most 2 apart merge) and
 * attributes each one. The worker thread is the busiest thread after the main one.
 */
export function stallReport(
  s: LatencySeries,
  gc: GcPauses,
  samples: Sample[],
  pid: number,
  thresholdMs = 5,
  warmupMs = 1_000,
): StallReport {
  const sampled = samples.length > 0;
  const total = threadTimes(samples, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  let workerTid = -1;
  for (const [tid, t] of total)
    if (tid !== pid && (workerTid < 0 || t.run > total.get(workerTid)!.run)) workerTid = tid;

  const spans: Array<[number, number]> = [];
  for (let b = 0; b < s.maxMs.length; b++) {
    if (s.maxMs[b]! <= thresholdMs) continue;
    const last = spans.at(-1);
    if (last && b - last[1] <= 2) last[1] = b;
    else spans.push([b, b]);
  }
  const report: StallReport = {
    thresholdMs,
    eventsOver: 0,
    eventsOverInWarmup: 0,
    warmupMs,
    eventsOverWithMajorGc: 0,
    episodes: [],
  };
  for (const [b0, b1] of spans) {
    let events = 0;
    let maxMs = 0;
    let maxTransitMs = 0;
    let maxQueueMs = 0;
    for (let b = b0; b <= b1; b++) {
      if (s.maxMs[b]! > thresholdMs) events += s.count[b]!;
      maxMs = Math.max(maxMs, s.maxMs[b]!);
      maxTransitMs = Math.max(maxTransitMs, s.maxTransitMs[b]!);
      maxQueueMs = Math.max(maxQueueMs, s.maxQueueMs[b]!);
    }
    const from = s.t0 + b0 * s.binMs;
    const to = s.t0 + (b1 + 1) * s.binMs + maxMs;
    const times = threadTimes(samples, from, to);
    const zero = { run: 0, wait: 0 };
    const others = { run: 0, wait: 0 };
    for (const [tid, t] of times) {
      if (tid === pid || tid === workerTid) continue;
      others.run += t.run;
      others.wait += t.wait;
    }
    let gcMs = 0;
    let majorGc = false;
    for (let k = 0; k < gc.length; k += 3) {
      const start = gc[k]!;
      const end = start + gc[k + 1]!;
      if (end < from || start > to) continue;
      gcMs += Math.min(end, to) - Math.max(start, from);
      if (gc[k + 2] === GC_MAJOR || gc[k + 2] === GC_INCREMENTAL) majorGc = true;
    }
    const episode: StallEpisode = {
      fromMs: b0 * s.binMs,
      toMs: (b1 + 1) * s.binMs,
      events,
      maxMs,
      maxTransitMs,
      maxQueueMs,
      main: sampled ? (times.get(pid) ?? zero) : null,
      worker: sampled ? (times.get(workerTid) ?? zero) : null,
      others: sampled ? others : null,
      gcMs,
      majorGc,
    };
    report.episodes.push(episode);
    report.eventsOver += events;
    if (episode.fromMs < warmupMs) report.eventsOverInWarmup += events;
    if (majorGc) report.eventsOverWithMajorGc += events;
  }
  return report;
}

/** A few lines for the bench log: the totals and the worst episodes. */
export function formatStallReport(r: StallReport, worst = 5): string[] {
  const f = (ms: number) => ms.toFixed(ms < 10 ? 1 : 0);
  const lines = [
    `stalls (events waiting > ${r.thresholdMs} ms, by 10 ms send-time bins): ${r.episodes.length} episodes, ${r.eventsOver} events; ` +
      `${r.eventsOverInWarmup} of them sent in the first ${r.warmupMs} ms, ${r.eventsOverWithMajorGc} in episodes with a major GC cycle`,
  ];
  const top = [...r.episodes].sort((a, b) => b.maxMs - a.maxMs).slice(0, worst);
  for (const e of top) {
    const threads =
      e.main && e.worker && e.others
        ? `main ran ${f(e.main.run)}/waited ${f(e.main.wait)} ms, worker ${f(e.worker.run)}/${f(e.worker.wait)}, ` +
          `other threads ran ${f(e.others.run)}`
        : 'threads not sampled (BENCH_THREAD_SAMPLES=1)';
    lines.push(
      `  at ${e.fromMs}–${e.toMs} ms: max ${f(e.maxMs)} ms (transit ${f(e.maxTransitMs)}, queue ${f(e.maxQueueMs)}), ${e.events} events; ` +
        `${threads}; GC ${f(e.gcMs)} ms${e.majorGc ? ' (major cycle)' : ''}`,
    );
  }
  return lines;
}
