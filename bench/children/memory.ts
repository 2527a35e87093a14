/**
 * Memory of the correlator on a long benign stream across many containers. The stream is generated in
 * another process (./correlate-feed.ts: the background generator, the normalizer shortcut and its check
 * against the real Tetragon normalizer) and read here from a pipe in a compact binary form
 * (bench/workload/event-codec.ts), decoded into fresh NormalizedEvents and fed to the real correlator in
 * queue-sized batches: this process holds what exfilwatch holds, not the generator's simulated cluster.
 * RSS is read after a full GC at each checkpoint (what the process holds) and as the peak (what the
 * kubelet sees).
 *
 *   --containers N --checkpoints 1000000,3000000 [--step-us 200]
 */
import { spawn } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';
import { createCorrelator } from '../../src/correlate/index.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import { turnOffAllocationSitePretenuring } from '../../src/pipeline/pretenuring.js';
import { warmUp } from '../../src/warm-up/index.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { childArgs, childMain, peakRssMb, tell } from '../lib/child.js';
import { EventDecoder } from '../workload/event-codec.js';

const BATCH = 1024;

const cpuUs = (u: NodeJS.CpuUsage) => u.user + u.system;

childMain(async () => {
  const args = childArgs();
  const containers = Number(args.containers);
  const checkpoints = args.checkpoints!.split(',').map(Number);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const config = benchConfig();
  // As createApp does in the daemon: the correlator is measured under the same V8 settings, after the
  // same start-up warm-up (`run` warms up for pipeline.warmUpMs before its sources connect).
  turnOffAllocationSitePretenuring();
  const deps = benchDeps();
  await warmUp(config, deps, { budgetMs: config.pipeline.warmUpMs });
  const correlator = createCorrelator(config.correlator, config.allowlist, deps);
  gc();
  const baseRssMb = process.memoryUsage().rss / 1048576;

  // The feed runs with node's default flags (it is not what is measured); as TypeScript under tsx too.
  const ext = extname(fileURLToPath(import.meta.url));
  const feed = spawn(
    process.execPath,
    [
      ...(ext === '.ts' ? ['--import', 'tsx'] : []),
      fileURLToPath(new URL(`./correlate-feed${ext}`, import.meta.url)),
      '--events',
      String(checkpoints.at(-1)),
      '--containers',
      String(containers),
      '--step-us',
      args['step-us'] ?? '200',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const feedExit = new Promise<number | null>((resolve) => feed.on('exit', (code) => resolve(code)));

  const decoder = new EventDecoder();
  const decoded: NormalizedEvent[] = [];
  let next = 0;
  const points: Array<Record<string, number>> = [];
  let fed = 0;
  let alerts = 0;
  let checkpoint = 0;
  let busyMs = 0;
  // CPU of this process (decoding, correlating and V8's GC threads; the feed is another process): what a
  // V8 flag that trades memory for GC work costs, read as time on a loaded box cannot be.
  const cpu0 = process.cpuUsage();
  try {
    for await (const chunk of feed.stdout) {
      let t0 = performance.now();
      decoder.push(chunk as Buffer, decoded);
      while (next < decoded.length) {
        const target = checkpoints[checkpoint]!;
        const n = Math.min(BATCH, decoded.length - next, target - fed);
        alerts += correlator.ingest(decoded.slice(next, next + n)).length;
        next += n;
        fed += n;
        if (fed === target) {
          busyMs += performance.now() - t0;
          await measure(fed);
          t0 = performance.now();
          if (++checkpoint === checkpoints.length) break;
        }
      }
      busyMs += performance.now() - t0;
      decoded.length = 0;
      next = 0;
      if (checkpoint === checkpoints.length) break;
    }
  } finally {
    feed.kill();
  }
  const code = await feedExit;
  if (checkpoint < checkpoints.length) {
    throw new Error(`the event feed ended (exit code ${code}) after ${fed} of ${checkpoints.at(-1)} events`);
  }

  async function measure(events: number): Promise<void> {
    // A full GC, then time for V8 to hand freed pages back to the OS (its unmapper runs in the background).
    gc!();
    await new Promise((r) => setTimeout(r, 500));
    gc!();
    const m = process.memoryUsage();
    points.push({
      events,
      rssMb: m.rss / 1048576,
      heapUsedMb: m.heapUsed / 1048576,
      heapTotalMb: m.heapTotal / 1048576,
      externalMb: m.external / 1048576,
      arrayBuffersMb: m.arrayBuffers / 1048576,
      trackedContainers: correlator.trackedContainers(),
      // Where the committed heap is: the young generation's semi-spaces stay committed at the size they
      // grew to (up to 3 × --max-semi-space-size), whatever is live in them after a full GC.
      ...spaceMb(),
    });
    tell({ type: 'progress', events, rssMb: m.rss / 1048576 });
  }

  function spaceMb(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of getHeapSpaceStatistics()) {
      const name = s.space_name.replace(/_space$/, '').replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
      if (s.space_size > 0) out[`${name}CommittedMb`] = s.space_size / 1048576;
    }
    return out;
  }

  tell({
    type: 'result',
    baseRssMb,
    points,
    alerts,
    peakRssMb: peakRssMb(),
    // Decoding and correlating only (the feed runs alongside on the other core).
    eventsPerSec: (fed * 1000) / busyMs,
    // Includes the checkpoints' forced GCs (a few ms each, negligible over millions of events).
    cpuUsPerEvent: cpuUs(process.cpuUsage(cpu0)) / fed,
  });
});
