/**
 * The path under test: exfilwatch's own pipeline (createApp) with a `tetragon-grpc` source on the bench
 * agent's socket → normalize → event queue → the real correlator → alert queue → a collecting sink.
 *
 *   --address unix:///… --count N [--worker true|false] [--rate R]
 *
 * With --rate (paced server), it waits for the orchestrator's `t0` (the server's send schedule start)
 * and reports per-event latency: correlated-at minus the message's scheduled send time.
 */
import { createApp } from '../../src/app.js';
import { createCorrelator } from '../../src/correlate/index.js';
import { createTetragonGrpcSource, tetragonGrpcConfigSchema } from '../../src/sources/tetragon-grpc/index.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { childArgs, childMain, cpuMs, peakRssMb, tell } from '../lib/child.js';
import { createProbe } from '../lib/pipeline-probe.js';
import { percentiles } from '../lib/stats.js';

childMain(async () => {
  const args = childArgs();
  const count = Number(args.count);
  const rate = Number(args.rate ?? 0);
  const sourceConfig: Record<string, unknown> = { address: args.address };
  if (args.worker !== undefined) sourceConfig.worker = args.worker === 'true';
  const config = benchConfig();
  const deps = benchDeps();
  const probe = createProbe(count, rate > 0);
  let t0Ms = Number.NaN;
  process.on('message', (m: { type: string; t0?: number }) => {
    if (m.type === 't0') t0Ms = Number(m.t0);
  });
  const source = createTetragonGrpcSource(tetragonGrpcConfigSchema.parse(sourceConfig), deps);
  const app = createApp(config, deps, {
    sources: [probe.source(source)],
    extraSinks: [probe.sink],
    correlator: probe.correlator(createCorrelator(config.correlator, config.allowlist, deps)),
  });
  const cpu0 = cpuMs();
  await app.start();
  await probe.done;
  const cpu = cpuMs() - cpu0;
  const elapsedMs = probe.doneAt() - probe.firstAt();
  const tracked = app.stats().trackedContainers;
  await app.stop();

  let latency: Record<string, number> | null = null;
  let alertLatency: Record<string, number> | null = null;
  if (rate > 0) {
    while (Number.isNaN(t0Ms)) await new Promise((r) => setTimeout(r, 10));
    const sched = (i: number) => t0Ms + (i * 1000) / rate;
    const lat: number[] = [];
    probe.correlatedAt.forEach((at, i) => {
      if (!Number.isNaN(at)) lat.push(at - sched(i));
    });
    latency = percentiles(lat);
    const al = probe.alertTimes.filter((a) => a.releasedBySeq >= 0).map((a) => a.atMs - sched(a.releasedBySeq));
    alertLatency = al.length > 0 ? percentiles(al) : null;
  }
  tell({
    type: 'result',
    events: count,
    eventsPerSec: ((count - 1) * 1000) / elapsedMs,
    cpuPerEventUs: (cpu * 1000) / count,
    accepted: probe.accepted(),
    dropped: probe.dropped(),
    ignored: probe.ignored(),
    decodeErrors: probe.decodeErrors(),
    trackedContainers: tracked,
    alerts: probe.alerts,
    latency,
    alertLatency,
    peakRssMb: peakRssMb(),
  });
});
