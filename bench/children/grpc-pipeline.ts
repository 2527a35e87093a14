/**
 * The path under test: exfilwatch's own pipeline (createApp) with a `tetragon-grpc` source on the bench
 * agent's socket → normalize → event queue → the real correlator → alert queue → a collecting sink.
 *
 *   --address unix:///… --count N [--worker true|false] [--rate R]
 *
 * With --rate (paced server), it waits for the server's write log (relayed by the orchestrator) and
 * reports per-event latency: correlated-at minus the time the server wrote the message.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { createApp } from '../../src/app.js';
import { createCorrelator } from '../../src/correlate/index.js';
import { HELPER_THREAD_NICE } from '../../src/pipeline/thread-priority.js';
import { createTetragonGrpcSource, tetragonGrpcConfigSchema } from '../../src/sources/tetragon-grpc/index.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { childArgs, childMain, cpuMs, peakRssMb, tell } from '../lib/child.js';
import { binLatency } from '../lib/latency-series.js';
import { createProbe } from '../lib/pipeline-probe.js';
import { percentiles } from '../lib/stats.js';

const WARMUP_MESSAGES = 5_000;

/** The main thread's [on-CPU ms, ms runnable but waiting for a CPU] (Linux schedstat; null elsewhere). */
function mainThreadSched(): [number, number] | null {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
    return [Number(run) / 1e6, Number(wait) / 1e6];
  } catch {
    return null;
  }
}

/** On-CPU ms of each of this process's threads by thread id (Linux schedstat; empty elsewhere). */
function threadsCpu(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        out.set(tid, Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  } catch {
    // Not Linux.
  }
  return out;
}

/**
 * CPU ms per thread between two snapshots: the main thread, the busiest other thread (the ingest worker,
 * when there is one) and the rest (GC helpers, libuv). Tells which of the two busy threads bounds the rate.
 */
function splitThreadCpu(before: Map<string, number>, after: Map<string, number>): Record<string, number> | null {
  if (after.size === 0) return null;
  const main = String(process.pid);
  const deltas = [...after].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)] as const);
  const others = deltas.filter(([tid]) => tid !== main).sort((a, b) => b[1] - a[1]);
  return {
    main: deltas.find(([tid]) => tid === main)?.[1] ?? 0,
    busiestOther: others[0]?.[1] ?? 0,
    rest: others.slice(1).reduce((sum, [, ms]) => sum + ms, 0),
  };
}

/** GC pauses of the main thread by kind (V8 minor = scavenge, major = mark-compact), ms of wall time. */
function watchGc(): {
  stop(): Record<string, { count: number; totalMs: number; maxMs: number }>;
  /** Flattened [start epoch ms, duration ms, kind code] per pause. */
  pauses: number[];
} {
  const names: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'markCompact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incrementalMarking',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
  };
  const byKind: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const code = (e as { detail?: { kind?: number } }).detail?.kind ?? 0;
      const kind = names[code] ?? 'other';
      pauses.push(performance.timeOrigin + e.startTime, e.duration, code);
      byKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 };
      const k = byKind[kind];
      k.count++;
      k.totalMs += e.duration;
      k.maxMs = Math.max(k.maxMs, e.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    pauses,
    stop() {
      observer.disconnect();
      return byKind;
    },
  };
}

childMain(async () => {
  const args = childArgs();
  const count = Number(args.count);
  const rate = Number(args.rate ?? 0);
  const sourceConfig: Record<string, unknown> = { address: args.address };
  if (args.worker !== undefined) sourceConfig.worker = args.worker === 'true';
  const config = benchConfig();
  const deps = benchDeps();
  let threadsAtFirst = new Map<string, number>();
  const probe = createProbe(count, rate > 0, () => {
    threadsAtFirst = threadsCpu();
  });
  let writes: number[] | null = null;
  process.on('message', (m: { type: string; writes?: number[] }) => {
    if (m.type === 'writes') writes = m.writes ?? [];
  });
  const source = createTetragonGrpcSource(tetragonGrpcConfigSchema.parse(sourceConfig), deps);
  const app = createApp(config, deps, {
    sources: [probe.source(source)],
    extraSinks: [probe.sink],
    correlator: probe.correlator(createCorrelator(config.correlator, config.allowlist, deps)),
    // As `exfilwatch run` (a live app) sets it; not `live` itself, whose wall-clock advance() would judge
    // the workload's synthetic event times. BENCH_HELPER_NICE=0 (experiments) leaves the helpers alone.
    helperThreadNice: process.env.BENCH_HELPER_NICE ? Number(process.env.BENCH_HELPER_NICE) : HELPER_THREAD_NICE,
    // The start-up warm-up is on, as in `run` (it runs before the source connects, so before the agent's
    // first write); BENCH_WARM_UP=0 turns it off (experiments).
    warmUp: process.env.BENCH_WARM_UP !== '0',
  });
  const gc = rate > 0 ? watchGc() : null;
  const sched0 = mainThreadSched();
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  await app.start();
  // Experiments (BENCH_LATENCY_SERIES): every 10 ms, [epoch ms, messages seen, main-thread on-CPU ms], so
  // the CPU each part of the stream cost the main thread can be told apart from time spent waiting.
  const cpuSeries: number[] = [];
  const cpuTimer = process.env.BENCH_LATENCY_SERIES
    ? setInterval(() => cpuSeries.push(Date.now(), probe.messages(), mainThreadSched()?.[0] ?? Number.NaN), 10)
    : null;
  // A run that takes this long is stuck or starved: say where it is, for the timeout's post-mortem.
  const progress = setInterval(() => {
    process.stderr.write(
      `grpc-pipeline: ${probe.messages()}/${count} messages, ${probe.correlated()}/${probe.accepted()} correlated, ` +
        `${probe.dropped()} dropped, source ${app.sources()[0]?.up ? 'up' : 'down'}\n`,
    );
  }, 30_000);
  progress.unref();
  await probe.done;
  clearInterval(progress);
  if (cpuTimer) clearInterval(cpuTimer);
  const cpuAtDone = cpuMs();
  const cpu = cpuAtDone - cpu0;
  const wallMs = performance.now() - wall0;
  const sched1 = mainThreadSched();
  const threadCpu = splitThreadCpu(threadsAtFirst, threadsCpu());
  const gcPauses = gc?.stop() ?? null;
  const elapsedMs = probe.doneAt() - probe.firstAt();
  const tracked = app.stats().trackedContainers;
  await app.stop();

  let latency: Record<string, number> | null = null;
  let latencyAfterWarmup: Record<string, number> | null = null;
  let latencyAfterFirstSecond: Record<string, number> | null = null;
  let alertLatency: Record<string, number> | null = null;
  let split: { transit: Record<string, number>; queue: Record<string, number> } | null = null;
  let series: ReturnType<typeof binLatency> | null = null;
  if (rate > 0) {
    while (writes === null) await new Promise((r) => setTimeout(r, 10));
    const w: number[] = writes;
    // sentAt[i]: when the server wrote message i (the write that covered it).
    const sentAt = new Float64Array(count);
    for (let k = 0; k < w.length; k += 2) {
      const from = w[k]!;
      const to = k + 2 < w.length ? w[k + 2]! : count;
      sentAt.fill(w[k + 1]!, from, to);
    }
    const lat: number[] = [];
    probe.correlatedAt.forEach((at, i) => {
      if (!Number.isNaN(at)) lat.push(at - sentAt[i]!);
    });
    latency = percentiles(lat);
    // The two legs of each event's latency: agent write → offered on the main thread (socket, HTTP/2, the
    // ingest worker, the hand-over, normalizing), and offered → correlated (the event queue).
    const transit: number[] = [];
    const queue: number[] = [];
    for (let i = 0; i < count; i++) {
      const o = probe.offeredAt[i]!;
      const c = probe.correlatedAt[i]!;
      if (Number.isNaN(o) || Number.isNaN(c)) continue;
      transit.push(o - sentAt[i]!);
      queue.push(c - o);
    }
    split = { transit: percentiles(transit), queue: percentiles(queue) };
    series = binLatency(sentAt, probe.offeredAt, probe.correlatedAt);
    // The same stream without its first WARMUP_MESSAGES: a fresh process pays JIT compilation and builds
    // its first containers' state there (the correlator's CPU per event is 2-3x its later cost over the
    // first ~4k events), a once-per-start cost that a 20k-event quick stream is a quarter made of.
    // Reported beside the whole-stream figures, which stay the ones judged.
    if (count >= 2 * WARMUP_MESSAGES) {
      const steady: number[] = [];
      for (let i = WARMUP_MESSAGES; i < count; i++) {
        const at = probe.correlatedAt[i]!;
        if (!Number.isNaN(at)) steady.push(at - sentAt[i]!);
      }
      latencyAfterWarmup = percentiles(steady);
    }
    // And without the whole first second of sending (the first sight of every container: 5,000 at once in
    // the bench's stream, where a node's daemon meets them once per restart), also only reported.
    const steadyFrom = sentAt[0]! + 1000;
    const afterFirstSecond: number[] = [];
    for (let i = 0; i < count; i++) {
      const at = probe.correlatedAt[i]!;
      if (sentAt[i]! >= steadyFrom && !Number.isNaN(at)) afterFirstSecond.push(at - sentAt[i]!);
    }
    if (afterFirstSecond.length >= WARMUP_MESSAGES) latencyAfterFirstSecond = percentiles(afterFirstSecond);
    if (process.env.BENCH_LATENCY_SERIES) {
      // Experiments: every per-message time of the paced run, for offline analysis.
      const g = globalThis as { __benchSeries?: Record<string, unknown> };
      writeFileSync(
        process.env.BENCH_LATENCY_SERIES,
        JSON.stringify({
          sentAt: Array.from(sentAt),
          offeredAt: Array.from(probe.offeredAt),
          correlatedAt: Array.from(probe.correlatedAt),
          ingestSpans: probe.ingestSpans,
          gc: gc?.pauses ?? [],
          cpu: cpuSeries,
          // Experiments may add their own arrays here (globalThis.__benchSeries).
          extra: g.__benchSeries ?? null,
        }),
      );
    }
    const al = probe.alertTimes.filter((a) => a.releasedBySeq >= 0).map((a) => a.atMs - sentAt[a.releasedBySeq]!);
    alertLatency = al.length > 0 ? percentiles(al) : null;
  }
  tell({
    type: 'result',
    events: count,
    eventsPerSec: ((count - 1) * 1000) / elapsedMs,
    // From the first message, as the raw baseline counts: start-up (modules, the ingest worker's isolate
    // and its grpc-js, the connection) is a once-per-process cost, ~5 µs per event of a 20k-event run.
    cpuPerEventUs: ((cpuAtDone - probe.firstCpuMs()) * 1000) / count,
    startupCpuMs: probe.firstCpuMs() - cpu0,
    accepted: probe.accepted(),
    dropped: probe.dropped(),
    ignored: probe.ignored(),
    decodeErrors: probe.decodeErrors(),
    trackedContainers: tracked,
    alerts: probe.alerts,
    latency,
    latencyAfterWarmup,
    latencyAfterFirstSecond,
    latencySplit: split,
    latencySeries: series,
    gcPauseList: gc?.pauses ?? null,
    alertLatency,
    peakRssMb: peakRssMb(),
    // Where the wall time went (latency runs): a tail from descheduling on a loaded box shows as the main
    // thread waiting for a CPU, not running; GC pauses by kind.
    run: {
      wallMs,
      processCpuMs: cpu,
      mainThreadCpuMs: sched0 && sched1 ? sched1[0] - sched0[0] : null,
      mainThreadWaitingForCpuMs: sched0 && sched1 ? sched1[1] - sched0[1] : null,
      // From the first message, as cpuPerEventUs: main thread, busiest other thread, all the others.
      threadCpuMs: threadCpu,
      gcPauses,
    },
  });
});
