/**
 * Experiment (BENCH_FALCO_WORKER=1): falco-receiver.ts's pipeline (createApp → normalize → queue → the real
 * correlator), fed by falco-worker-http.ts's HTTP server in a worker thread. Reports the process's CPU
 * per event (comparable with the receiver row) and the main thread's alone (/proc/self/task/<pid>/stat).
 */
import { Worker } from 'node:worker_threads';
import { createApp } from '../../src/app.js';
import { createCorrelator } from '../../src/correlate/index.js';
import { ingestBody } from '../../src/sources/falco-http/ingest.js';
import type { EventSource, SourceOutput } from '../../src/sources/types.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { childMain, cpuMs, peakRssMb, tell } from '../lib/child.js';
import { createProbe } from '../lib/pipeline-probe.js';
import { mainThreadCpuMs } from './falco-main-thread-cpu.js';

childMain(async () => {
  const config = benchConfig();
  const deps = benchDeps();
  const probe = createProbe(Number.POSITIVE_INFINITY);
  const worker = new Worker(new URL('./falco-worker-http.js', import.meta.url));
  const port = await new Promise<number>((resolve) => worker.once('message', (m: { port: number }) => resolve(m.port)));
  const defaults = { node: deps.node };
  const source: EventSource = {
    id: 'falco-http (worker experiment)',
    type: 'falco-http',
    async run(out: SourceOutput, signal: AbortSignal) {
      worker.on('message', (m: { ids: number[]; bodies: string[] }) => {
        const codes = m.bodies.map((body) => {
          const r = ingestBody(body, 'json', out, defaults);
          return r.rejected > 0 ? 400 : r.dropped > 0 ? 503 : 200;
        });
        worker.postMessage({ ids: m.ids, codes });
      });
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    },
  };
  const app = createApp(config, deps, {
    sources: [probe.source(source)],
    extraSinks: [probe.sink],
    correlator: probe.correlator(createCorrelator(config.correlator, config.allowlist, deps)),
  });
  await app.start();
  let cpu0 = 0;
  let main0 = 0;
  let t0 = 0;
  let events0 = 0;
  const events = () => probe.accepted() + probe.ignored() + probe.decodeErrors();
  process.on('message', (m: { type: string }) => {
    if (m.type === 'start') {
      cpu0 = cpuMs();
      main0 = mainThreadCpuMs();
      t0 = performance.now();
      events0 = events();
    } else if (m.type === 'stop') {
      const cpu = cpuMs() - cpu0;
      const main = mainThreadCpuMs() - main0;
      const n = events() - events0;
      tell({
        type: 'result',
        events: n,
        wallEventsPerSec: (n * 1000) / (performance.now() - t0),
        eventsPerCpuSec: (n * 1000) / cpu,
        cpuPerEventUs: (cpu * 1000) / n,
        mainThreadCpuPerEventUs: (main * 1000) / n,
        dropped: probe.dropped(),
        decodeErrors: probe.decodeErrors(),
        alerts: probe.alerts.length,
        peakRssMb: peakRssMb(),
      });
      void app.stop().then(() => worker.terminate().then(() => process.exit(0)));
    }
  });
  tell({ type: 'ready', port });
  await new Promise(() => undefined);
});
