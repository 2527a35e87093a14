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
import { childMain, tell } from '../lib/child.js';
import { createProbe } from '../lib/pipeline-probe.js';
import { measureBetweenStartAndStop } from '../lib/receiver-measure.js';

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
  measureBetweenStartAndStop(probe, () => app.stop().then(() => worker.terminate()));
  tell({ type: 'ready', port });
  await new Promise(() => undefined);
});
