/**
 * The path under test: exfilwatch's pipeline (createApp) with a `falco-http` receiver on loopback →
 * normalize → event queue → the real correlator. Measures its own CPU time between the orchestrator's
 * `start` and `stop`, so the load generator (another process) is not billed to it.
 */
import { createApp } from '../../src/app.js';
import { createCorrelator } from '../../src/correlate/index.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../src/sources/falco-http/index.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { childMain, cpuMs, peakRssMb, tell } from '../lib/child.js';
import { createProbe } from '../lib/pipeline-probe.js';
import { mainThreadCpuMs } from './falco-main-thread-cpu.js';

childMain(async () => {
  const config = benchConfig();
  const deps = benchDeps();
  const probe = createProbe(Number.POSITIVE_INFINITY);
  const source = createFalcoHttpSource(falcoHttpConfigSchema.parse({ listen: '127.0.0.1:0' }), deps);
  const app = createApp(config, deps, {
    sources: [probe.source(source)],
    extraSinks: [probe.sink],
    correlator: probe.correlator(createCorrelator(config.correlator, config.allowlist, deps)),
  });
  await app.start();
  const { port } = await source.listening;
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
      void app.stop().then(() => process.exit(0));
    }
  });
  tell({ type: 'ready', port });
  await new Promise(() => undefined);
});
