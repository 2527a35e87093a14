/**
 * The path under test: exfilwatch's pipeline (createApp) with a `falco-http` receiver on loopback →
 * normalize → event queue → the real correlator. Measures its own CPU time between the orchestrator's
 * `start` and `stop`, so the load generator (another process) is not billed to it.
 */
import { createApp } from '../../src/app.js';
import { createCorrelator } from '../../src/correlate/index.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../src/sources/falco-http/index.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { childMain, tell } from '../lib/child.js';
import { createProbe } from '../lib/pipeline-probe.js';
import { measureBetweenStartAndStop } from '../lib/receiver-measure.js';

childMain(async () => {
  const config = benchConfig();
  const deps = benchDeps();
  const probe = createProbe(Number.POSITIVE_INFINITY);
  // BENCH_FALCO_FAST_PATH=0: the same receiver with node:http for every request (the before/after of the fast path).
  const fastPath = process.env.BENCH_FALCO_FAST_PATH !== '0';
  const source = createFalcoHttpSource(falcoHttpConfigSchema.parse({ listen: '127.0.0.1:0', fastPath }), deps);
  const app = createApp(config, deps, {
    sources: [probe.source(source)],
    extraSinks: [probe.sink],
    correlator: probe.correlator(createCorrelator(config.correlator, config.allowlist, deps)),
    // As `run` starts it (live: its start-up warm-up, V8 helper threads niced, the wall-clock ticker), so the
    // bench measures what ships. BENCH_WARM_UP=0: the same without the warm-up (its before/after).
    live: true,
    ...(process.env.BENCH_WARM_UP === '0' ? { warmUp: false } : {}),
  });
  await app.start();
  const { port } = await source.listening;
  measureBetweenStartAndStop(probe, () => app.stop());
  tell({ type: 'ready', port });
  await new Promise(() => undefined);
});
