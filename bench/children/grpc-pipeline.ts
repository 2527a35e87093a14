/**
 * The path under test: exfilwatch's own pipeline (createApp) with a `tetragon-grpc` source on the bench
 * agent's socket → normalize → event queue → the real correlator → alert queue → a collecting sink.
 *
 *   --address unix:///… --count N [--worker true|false] [--rate R]
 *
 * With --rate (paced server), it waits for the server's write log (relayed by the orchestrator) and
 * reports per-event latency: correlated-at minus the time the server wrote the message.
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
  let writes: number[] | null = null;
  process.on('message', (m: { type: string; writes?: number[] }) => {
    if (m.type === 'writes') writes = m.writes ?? [];
  });
  const source = createTetragonGrpcSource(tetragonGrpcConfigSchema.parse(sourceConfig), deps);
  const app = createApp(config, deps, {
    sources: [probe.source(source)],
    extraSinks: [probe.sink],
    correlator: probe.correlator(createCorrelator(config.correlator, config.allowlist, deps)),
  });
  const cpu0 = cpuMs();
  await app.start();
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
  const cpu = cpuMs() - cpu0;
  const elapsedMs = probe.doneAt() - probe.firstAt();
  const tracked = app.stats().trackedContainers;
  await app.stop();

  let latency: Record<string, number> | null = null;
  let alertLatency: Record<string, number> | null = null;
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
    const al = probe.alertTimes.filter((a) => a.releasedBySeq >= 0).map((a) => a.atMs - sentAt[a.releasedBySeq]!);
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
