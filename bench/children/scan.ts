/**
 * The path under test: what `exfilwatch scan FILE` runs — the JSON-lines source (read, split, JSON.parse,
 * detect the format, normalize) → event queue → the real correlator → alerts — through createApp, to the
 * end of the file and the final flush.
 *
 *   --file F --count N
 */
import { createApp } from '../../src/app.js';
import { createCorrelator } from '../../src/correlate/index.js';
import { createJsonLinesSource } from '../../src/sources/tetragon-file/index.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { childArgs, childMain, cpuMs, peakRssMb, tell } from '../lib/child.js';
import { createProbe } from '../lib/pipeline-probe.js';

childMain(async () => {
  const args = childArgs();
  const count = Number(args.count);
  const config = benchConfig();
  const deps = benchDeps();
  const probe = createProbe(count);
  const source = createJsonLinesSource({ paths: [args.file!], format: 'auto', follow: false }, deps);
  const app = createApp(config, deps, {
    sources: [probe.source(source)],
    extraSinks: [probe.sink],
    correlator: probe.correlator(createCorrelator(config.correlator, config.allowlist, deps)),
  });
  const t0 = performance.now();
  const cpu0 = cpuMs();
  await app.start();
  await app.finished;
  const elapsedMs = performance.now() - t0;
  tell({
    type: 'result',
    events: count,
    eventsPerSec: (count * 1000) / elapsedMs,
    cpuPerEventUs: ((cpuMs() - cpu0) * 1000) / count,
    accepted: probe.accepted(),
    dropped: probe.dropped(),
    ignored: probe.ignored(),
    decodeErrors: probe.decodeErrors(),
    trackedContainers: app.stats().trackedContainers,
    alerts: probe.alerts,
    peakRssMb: peakRssMb(),
  });
});
