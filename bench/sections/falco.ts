/**
 * Falco http_output receiver: one event per POST over keep-alive connections from a load generator in
 * another process; the rate is events per CPU-second of the receiving process (its own process.cpuUsage).
 * A bare node:http server (falco-bare: read the body, answer a constant 200) runs under the same load in the
 * same run, alternated with the receiver, so the table shows what the transport itself allows on this box.
 * The pass criterion stays the absolute one (≥ 20k events/s per core), not the ratio.
 *
 * Both are measured after the load's first o.falcoWarmSeconds, which are reported apart ("first N s"): the
 * target is a rate a node's daemon sustains, and a fresh process spends its first seconds compiling its hot
 * path and seeing every container and process of the stream for the first time (docs/falco-receiver.md).
 *
 * The receiver runs as shipped: plain-HTTP requests of Falco's shape on the fast path (fast-path.ts);
 * BENCH_FALCO_FAST_PATH=0 runs it with node:http for every request instead (what it was before).
 *
 * BENCH_FALCO_WORKER=1 adds an experiment to each rep: the same pipeline fed by node:http in a worker thread
 * (falco-receiver-worker.ts), logged with its main thread's CPU per event next to the receiver's.
 */
import { type ChildMessage, type SpawnOptions, spawnChild } from '../lib/child.js';
import type { BenchOptions } from '../lib/options.js';
import { fmtMb, fmtRate, type Row } from '../lib/report.js';
import { shippedNodeOptions } from '../lib/shipped-node-options.js';
import { median } from '../lib/stats.js';
import type { WindowFigures } from '../lib/window-meter.js';
import type { Workload } from '../workload/build.js';

interface ServerResult extends ChildMessage, WindowFigures {
  /** The load's first o.falcoWarmSeconds (V8 compiling, first sight of every container and process). */
  cold: WindowFigures | null;
  peakRssMb: number;
}

interface ReceiverResult extends ServerResult {
  dropped: number;
  decodeErrors: number;
  alerts: number;
}

interface LoadResult extends ChildMessage {
  sent: number;
  ok: number;
  failed: number;
}

/**
 * One measured run: `child` listens, the load generator posts for o.falcoWarmSeconds + o.falcoSeconds, `child`
 * reports the last o.falcoSeconds (the steady state a node's long-running daemon is in) and the first ones apart.
 */
async function underLoad<T extends ServerResult>(
  child: string,
  w: Workload,
  o: BenchOptions,
  prof: SpawnOptions,
): Promise<{ server: T; load: LoadResult }> {
  // Under the image's V8 flags (heap caps), as the daemon runs; the bare server too, so both pay the same GC.
  const nodeFlags = [...shippedNodeOptions(), ...(prof.nodeFlags ?? [])];
  const server = spawnChild(child, [], { timeoutMs: 120_000, nodeFlags });
  try {
    const { port } = await server.next<ChildMessage & { port: number }>('ready');
    const load = spawnChild(
      'falco-load',
      [
        '--port',
        String(port),
        '--file',
        w.falco,
        '--connections',
        String(o.falcoConnections),
        '--seconds',
        String(o.falcoSeconds),
        '--warm-seconds',
        String(o.falcoWarmSeconds),
      ],
      { timeoutMs: 120_000 },
    );
    await load.next('started');
    server.send({ type: 'start' });
    await load.next('measuring');
    server.send({ type: 'mark' });
    const l = await load.next<LoadResult>('result');
    server.send({ type: 'stop' });
    const r = await server.next<T>('result');
    await load.exited;
    return { server: r, load: l };
  } finally {
    await server.exited.catch(() => undefined);
    await server.stop();
  }
}

const coldRate = (s: ServerResult) =>
  s.cold === null ? 'not measured' : `${fmtRate(s.cold.eventsPerCpuSec)}/CPU-s, ${s.cold.cpuPerEventUs.toFixed(1)} µs`;

export async function falcoSection(
  w: Workload,
  o: BenchOptions,
  prof: SpawnOptions,
  log: (s: string) => void,
): Promise<{ rows: Row[]; details: unknown }> {
  const withWorker = process.env.BENCH_FALCO_WORKER === '1';
  const workerRuns: Array<{ server: ReceiverResult; load: LoadResult }> = [];
  const bare: Array<{ server: ServerResult; load: LoadResult }> = [];
  const receiver: Array<{ server: ReceiverResult; load: LoadResult }> = [];
  for (let rep = 0; rep < o.reps; rep++) {
    const b = await underLoad<ServerResult>('falco-bare', w, o, prof);
    bare.push(b);
    log(
      `  bare node:http        ${fmtRate(b.server.eventsPerCpuSec)} req/CPU-s (${b.server.cpuPerEventUs.toFixed(1)} µs/req, ${fmtRate(b.server.wallEventsPerSec)}/s wall, ${b.load.ok} ok; first ${o.falcoWarmSeconds} s ${coldRate(b.server)})`,
    );
    const r = await underLoad<ReceiverResult>('falco-receiver', w, o, prof);
    receiver.push(r);
    log(
      `  falco receiver        ${fmtRate(r.server.eventsPerCpuSec)} events/CPU-s (${r.server.cpuPerEventUs.toFixed(1)} µs/event, main thread ${r.server.mainThreadCpuPerEventUs.toFixed(1)}; ${fmtRate(r.server.wallEventsPerSec)}/s wall, ${r.load.ok} ok, ${r.load.failed} refused, ${r.server.decodeErrors} undecodable; first ${o.falcoWarmSeconds} s ${coldRate(r.server)}) = ${(r.server.eventsPerCpuSec / b.server.eventsPerCpuSec).toFixed(2)}× bare`,
    );
    if (withWorker) {
      const x = await underLoad<ReceiverResult>('falco-receiver-worker', w, o, prof);
      workerRuns.push(x);
      log(
        `  (experiment) HTTP in a worker  ${fmtRate(x.server.eventsPerCpuSec)} events/CPU-s (${x.server.cpuPerEventUs.toFixed(1)} µs/event, main thread ${x.server.mainThreadCpuPerEventUs.toFixed(1)}; ${fmtRate(x.server.wallEventsPerSec)}/s wall, ${x.load.ok} ok, ${x.load.failed} refused)`,
      );
    }
  }
  const rate = median(receiver.map((r) => r.server.eventsPerCpuSec));
  const bareRate = median(bare.map((b) => b.server.eventsPerCpuSec));
  const clean = receiver.every((r) => r.load.failed === 0 && r.server.decodeErrors === 0 && r.server.dropped === 0);
  const pass = rate >= 20_000 && clean;
  return {
    rows: [
      {
        path: `Falco http_output receiver (1 event/POST, keep-alive, ${o.falcoConnections} conns)`,
        rate: `${fmtRate(rate)}/core`,
        baseline: `${fmtRate(bareRate)}/core bare node:http`,
        ratio: `${(rate / bareRate).toFixed(2)}×`,
        target: '≥ 20k/s per core',
        pass,
        latency: '',
        peakRss: fmtMb(median(receiver.map((r) => r.server.peakRssMb))),
        alerts: String(receiver[receiver.length - 1]?.server.alerts ?? 0),
      },
    ],
    details: { bare, receiver, ...(withWorker ? { workerExperiment: workerRuns } : {}) },
  };
}
