/**
 * Tetragon gRPC over a unix socket: the raw grpc-js drain of the stream (with deserialize) against
 * exfilwatch's pipeline on the same stream, alternated in the same run; then the pipeline at half its
 * measured rate on a paced stream, for latency.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AlertCheck, checkAlerts } from '../lib/check.js';
import { type ChildMessage, runToResult, type SpawnOptions, spawnChild } from '../lib/child.js';
import {
  formatStallReport,
  type GcPauses,
  type LatencySeries,
  sampleThreads,
  stallReport,
} from '../lib/latency-series.js';
import type { BenchOptions } from '../lib/options.js';
import type { BenchAlert } from '../lib/pipeline-probe.js';
import { fmtMb, fmtMs, fmtRate, type Row } from '../lib/report.js';
import { shippedNodeOptions } from '../lib/shipped-node-options.js';
import { median, type Percentiles } from '../lib/stats.js';
import type { Workload } from '../workload/build.js';

interface RawResult extends ChildMessage {
  eventsPerSec: number;
  cpuPerEventUs: number;
  peakRssMb: number;
}

interface RunEvidence {
  wallMs: number;
  processCpuMs: number;
  mainThreadCpuMs: number | null;
  mainThreadWaitingForCpuMs: number | null;
  threadCpuMs: { main: number; busiestOther: number; rest: number } | null;
  gcPauses: Record<string, { count: number; totalMs: number; maxMs: number }> | null;
}

interface PipelineResult extends RawResult {
  accepted: number;
  dropped: number;
  ignored: number;
  decodeErrors: number;
  trackedContainers: number;
  alerts: BenchAlert[];
  latency: Percentiles | null;
  /** The same, without the stream's first 5,000 messages (a fresh process warming up). */
  latencyAfterWarmup: Percentiles | null;
  /** The same, without the events sent in the paced run's first second (first sight of every container). */
  latencyAfterFirstSecond?: Percentiles | null;
  alertLatency: Percentiles | null;
  /** Paced runs: agent write → offered on the main thread, and offered → correlated. */
  latencySplit: { transit: Percentiles; queue: Percentiles } | null;
  latencySeries: LatencySeries | null;
  gcPauseList: GcPauses | null;
  run: RunEvidence;
}

export interface GrpcOutcome {
  rows: Row[];
  checks: Array<{ what: string; check: AlertCheck; dropped: number }>;
  details: Record<string, unknown>;
}

async function withServer<T>(
  w: Workload,
  outDir: string,
  mode: 'full' | 'paced',
  rate: number,
  fn: (address: string, server: ReturnType<typeof spawnChild>) => Promise<T>,
): Promise<T> {
  const server = spawnChild('grpc-server', [
    '--file',
    w.grpc,
    '--socket',
    // In the temp dir: a unix socket path must stay under 108 bytes wherever the repo is cloned.
    join(tmpdir(), `exfilwatch-bench-${process.pid}-${outDir.length}.sock`),
    '--mode',
    mode,
    '--rate',
    String(rate),
  ]);
  try {
    const ready = await server.next<ChildMessage & { address: string }>('ready');
    return await fn(ready.address, server);
  } finally {
    await server.stop();
  }
}

export async function grpcSection(
  w: Workload,
  o: BenchOptions,
  outDir: string,
  workerModes: boolean[],
  prof: SpawnOptions,
  log: (s: string) => void,
): Promise<GrpcOutcome> {
  const count = String(w.meta.total);
  // The measured clients run under the image's V8 heap caps, as the daemon does (GC pauses included).
  const flags = [...shippedNodeOptions(), ...(prof.nodeFlags ?? [])];
  const measured: SpawnOptions = { ...prof, nodeFlags: flags };
  const raw: RawResult[] = [];
  const piped = new Map<boolean, PipelineResult[]>(workerModes.map((m) => [m, []]));
  const checks: GrpcOutcome['checks'] = [];
  const timeoutMs = 300_000;
  // Experiments on the latency row: BENCH_PACED_RATE=<events/s> skips the throughput runs and paces the
  // ingest-worker path at that rate; BENCH_PACED_NODE_FLAGS adds node flags to the paced client only
  // (`--trace-gc`, heap sizing). Neither is set by the bench itself.
  const fixedRate = Number(process.env.BENCH_PACED_RATE ?? 0);
  const pacedFlags = (process.env.BENCH_PACED_NODE_FLAGS ?? '').split(/\s+/).filter((f) => f !== '');
  await withServer(w, outDir, 'full', 0, async (address) => {
    for (let rep = 0; rep < (fixedRate > 0 ? 0 : o.reps); rep++) {
      const r = await runToResult<RawResult>('grpc-raw', ['--address', address, '--count', count], {
        timeoutMs,
        nodeFlags: flags,
      });
      raw.push(r);
      log(`  grpc raw drain        ${fmtRate(r.eventsPerSec)} events/s (${r.cpuPerEventUs.toFixed(1)} µs CPU/event)`);
      for (const worker of workerModes) {
        const args = [
          '--address',
          address,
          '--count',
          count,
          ...(workerModes.length > 1 ? ['--worker', String(worker)] : []),
        ];
        const p = await runToResult<PipelineResult>('grpc-pipeline', args, { timeoutMs, ...measured });
        piped.get(worker)!.push(p);
        checks.push({
          what: `gRPC pipeline${worker ? ' (worker)' : ''} run ${rep + 1}`,
          check: checkAlerts(p.alerts, w.meta.expected),
          dropped: p.dropped,
        });
        const t = p.run.threadCpuMs;
        const us = (ms: number) => ((ms * 1000) / w.meta.total).toFixed(1);
        log(
          `  grpc pipeline${worker ? ' worker' : '       '}  ${fmtRate(p.eventsPerSec)} events/s (${p.cpuPerEventUs.toFixed(1)} µs CPU/event, ${p.alerts.length} alerts, ${p.dropped} dropped)` +
            (t
              ? `; per thread: main ${us(t.main)}, ${worker ? 'worker' : 'busiest other'} ${us(t.busiestOther)}, rest ${us(t.rest)} µs/event`
              : ''),
        );
      }
    }
  });
  const rawRate = median(raw.map((r) => r.eventsPerSec));
  const rows: Row[] = [];
  let best = { rate: fixedRate * 2, worker: true };
  for (const worker of fixedRate > 0 ? [] : workerModes) {
    const runs = piped.get(worker)!;
    const rate = median(runs.map((r) => r.eventsPerSec));
    if (rate > best.rate) best = { rate, worker };
    const ratio = rate / rawRate;
    const last = runs.at(-1)!;
    rows.push({
      path: `Tetragon gRPC → normalize → correlate (unix${workerModes.length > 1 ? (worker ? ', ingest worker' : ', main thread') : ''})`,
      rate: fmtRate(rate),
      baseline: `${fmtRate(rawRate)} raw grpc-js`,
      ratio: `${ratio.toFixed(2)}×`,
      target: '≥ 0.90×',
      pass: ratio >= 0.9,
      latency: '',
      peakRss: fmtMb(Math.max(...runs.map((r) => r.peakRssMb))),
      alerts: `${last.alerts.length}/${w.meta.expected.length}`,
    });
  }

  // Latency at half the best measured ingest rate, on a paced stream.
  const paced = Math.round(best.rate / 2);
  const lat = await withServer(w, outDir, 'paced', paced, async (address, server) => {
    const args = ['--address', address, '--count', count, '--rate', String(paced)];
    if (workerModes.length > 1) args.push('--worker', String(best.worker));
    const client = spawnChild('grpc-pipeline', args, {
      timeoutMs: timeoutMs * 2,
      nodeFlags: [...shippedNodeOptions(), ...pacedFlags],
    });
    // From outside the measured process: which of its threads ran or waited for a CPU, over time. Only when
    // asked: on 2 cores the sampling's own CPU (200 reads of /proc a second) lengthened the tail it explains.
    const sampler =
      client.proc.pid !== undefined && process.env.BENCH_THREAD_SAMPLES === '1' ? sampleThreads(client.proc.pid) : null;
    // A client that fails before the server's log arrives must not leave us waiting for the log.
    const clientFailed = client.next('never').then(() => undefined);
    const log = await Promise.race([server.next<ChildMessage & { writes: number[] }>('writes'), clientFailed]);
    if (!log) throw new Error('grpc-pipeline ended before the paced stream was written');
    client.send({ type: 'writes', writes: log.writes });
    try {
      const result = await client.next<PipelineResult>('result');
      const samples = sampler?.stop() ?? [];
      return { ...result, samples, pid: client.proc.pid ?? -1 };
    } finally {
      sampler?.stop();
      await client.exited;
    }
  });
  checks.push({ what: 'gRPC pipeline (paced)', check: checkAlerts(lat.alerts, w.meta.expected), dropped: lat.dropped });
  const l = lat.latency!;
  const al = lat.alertLatency;
  log(
    `  latency at ${fmtRate(paced)} events/s: p50 ${fmtMs(l.p50)} ms, p99 ${fmtMs(l.p99)} ms, max ${fmtMs(l.max)} ms; alerts p99 ${al ? fmtMs(al.p99) : '—'} ms`,
  );
  const warm = lat.latencyAfterWarmup;
  if (warm) {
    log(
      `  latency after the first 5,000 messages (warm-up): p50 ${fmtMs(warm.p50)} ms, p99 ${fmtMs(warm.p99)} ms, max ${fmtMs(warm.max)} ms`,
    );
  }
  const steady = lat.latencyAfterFirstSecond;
  if (steady) {
    log(
      `  latency after the first second (not judged): p50 ${fmtMs(steady.p50)} ms, p99 ${fmtMs(steady.p99)} ms, max ${fmtMs(steady.max)} ms`,
    );
  }
  const split = lat.latencySplit;
  if (split) {
    log(
      `  latency split: agent write → offered on the main thread p50 ${fmtMs(split.transit.p50)} / p99 ${fmtMs(split.transit.p99)} ms; ` +
        `offered → correlated p50 ${fmtMs(split.queue.p50)} / p99 ${fmtMs(split.queue.p99)} ms`,
    );
  }
  const stalls =
    lat.latencySeries && lat.gcPauseList ? stallReport(lat.latencySeries, lat.gcPauseList, lat.samples, lat.pid) : null;
  if (stalls) for (const line of formatStallReport(stalls)) log(`  ${line}`);
  const r = lat.run;
  if (r.mainThreadCpuMs !== null && r.mainThreadWaitingForCpuMs !== null) {
    log(
      `  paced run: ${r.wallMs.toFixed(0)} ms wall; main thread on a CPU ${r.mainThreadCpuMs.toFixed(0)} ms, ` +
        `runnable but waiting for one (descheduled) ${r.mainThreadWaitingForCpuMs.toFixed(0)} ms; process CPU ${r.processCpuMs.toFixed(0)} ms`,
    );
  }
  if (r.gcPauses) {
    log(
      `  paced run GC pauses: ${Object.entries(r.gcPauses)
        .map(([k, v]) => `${k} ${v.count}× (max ${fmtMs(v.maxMs)} ms, total ${fmtMs(v.totalMs)} ms)`)
        .join(', ')}`,
    );
  }
  const latencyPass = l.p99 < 5 && (al === null || al.max < 5);
  rows.push({
    path: `event → correlated / → alert at 50% of max (${fmtRate(paced)}/s)`,
    rate: fmtRate(paced),
    baseline: '',
    ratio: '',
    target: 'p99 < 5 ms',
    pass: latencyPass,
    latency: `${fmtMs(l.p50)}/${fmtMs(l.p99)} ms${warm ? ` (warm ${fmtMs(warm.p50)}/${fmtMs(warm.p99)})` : ''}; alerts ${al ? `${fmtMs(al.p50)}/${fmtMs(al.max)}` : '—'} ms`,
    peakRss: fmtMb(lat.peakRssMb),
    alerts: `${lat.alerts.length}/${w.meta.expected.length}`,
  });
  return {
    rows,
    checks,
    details: {
      raw,
      pipeline: Object.fromEntries([...piped].map(([k, v]) => [k ? 'worker' : 'main', v])),
      // The thread samples are summarized in `stalls`; the rest of the paced result is kept whole.
      latency: { ...lat, samples: undefined },
      stalls,
      pacedRate: paced,
    },
  };
}
