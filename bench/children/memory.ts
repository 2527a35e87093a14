/**
 * Memory of the correlator on a long benign stream across many containers: the background generator's
 * events as the Tetragon normalizer makes them (checked against it on a prefix of the stream), fed to the
 * real correlator in queue-sized batches.
 * RSS is read after a full GC at each checkpoint (what the process holds) and as the peak (what the
 * kubelet sees).
 *
 *   --containers N --checkpoints 1000000,3000000 [--step-us 200]
 */
import { isDeepStrictEqual } from 'node:util';
import { createCorrelator } from '../../src/correlate/index.js';
import { normalizeTetragonJson } from '../../src/formats/tetragon/from-json.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import { tetragonEvent } from '../../src/scenarios/tetragon.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { childArgs, childMain, peakRssMb, tell } from '../lib/child.js';
import { backgroundActivities } from '../workload/background.js';
import { BENCH_NODE, BENCH_START_MS } from '../workload/build.js';
import { activityToEvent } from '../workload/normalized.js';

const BATCH = 1024;

childMain(async () => {
  const args = childArgs();
  const containers = Number(args.containers);
  const checkpoints = args.checkpoints!.split(',').map(Number);
  const stepNs = BigInt(Math.round(Number(args['step-us'] ?? 200) * 1000));
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const config = benchConfig();
  const correlator = createCorrelator(config.correlator, config.allowlist, benchDeps());
  gc();
  const baseRssMb = process.memoryUsage().rss / 1048576;
  const stream = () =>
    backgroundActivities({
      seed: 11,
      containers,
      node: BENCH_NODE,
      startNs: BigInt(BENCH_START_MS) * 1_000_000n,
      stepNs,
    });
  // The shortcut must produce exactly what the real normalizer produces from the export line.
  const check = stream();
  for (let i = 0; i < 5_000; i++) {
    const a = check.next().value!;
    const real = normalizeTetragonJson(JSON.parse(JSON.stringify(tetragonEvent(a))), { node: BENCH_NODE });
    const fast = activityToEvent(a);
    if (!isDeepStrictEqual(fast, real)) {
      throw new Error(
        `bench normalizer shortcut differs from the Tetragon normalizer:\n${JSON.stringify(fast)}\n${JSON.stringify(real)}`,
      );
    }
  }
  const activities = stream();
  const points: Array<Record<string, number>> = [];
  let fed = 0;
  let alerts = 0;
  const t0 = performance.now();
  for (const target of checkpoints) {
    while (fed < target) {
      const batch: NormalizedEvent[] = [];
      for (let i = 0; i < BATCH && fed < target; i++, fed++) {
        batch.push(activityToEvent(activities.next().value!));
      }
      alerts += correlator.ingest(batch).length;
      // Let timers and the like run, as the real loop does between batches.
      if (fed % (BATCH * 64) === 0) await new Promise((r) => setImmediate(r));
    }
    // A full GC, then time for V8 to hand freed pages back to the OS (its unmapper runs in the background).
    gc();
    await new Promise((r) => setTimeout(r, 500));
    gc();
    const m = process.memoryUsage();
    points.push({
      events: fed,
      rssMb: m.rss / 1048576,
      heapUsedMb: m.heapUsed / 1048576,
      heapTotalMb: m.heapTotal / 1048576,
      externalMb: m.external / 1048576,
      trackedContainers: correlator.trackedContainers(),
    });
    tell({ type: 'progress', events: fed, rssMb: m.rss / 1048576 });
  }
  tell({
    type: 'result',
    baseRssMb,
    points,
    alerts,
    peakRssMb: peakRssMb(),
    eventsPerSec: (fed * 1000) / (performance.now() - t0),
  });
});
