/**
 * What a freshly started daemon pays for the first events of a stream, in main-thread CPU (not wall time,
 * so a loaded box does not decide the figure): the workload's gRPC messages are replayed into createApp
 * as the ingest worker hands them over (batches of 512 raw messages, one per turn, normalized from the
 * batch bytes), and the main thread's CPU is read (Linux schedstat) after every batch.
 *
 * Standalone experiment (not a bench section: a start-up cost, not a path with a target):
 *   node --max-old-space-size=144 --max-semi-space-size=8 --import tsx bench/children/grpc-first-events.ts \
 *     --file /tmp/exfilwatch-bench/<workload>/tetragon.grpc [--events 60000] [--window 5000] [--warm-up true|false]
 * Prints one JSON line: µs of main-thread CPU per event per window, the event index of each mark-compact,
 * and the warm-up's own time. Compare runs with and without `--warm-up` (or other node flags) alternated.
 */
import { readFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { createApp } from '../../src/app.js';
import { createRangeHandler } from '../../src/sources/tetragon-grpc/message.js';
import type { EventSource, SourceOutput } from '../../src/sources/types.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { BENCH_NODE } from '../workload/constants.js';

const BATCH = 512;

function option(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
}

const mainCpuMs = (): number => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;

/** The first `count` messages of a tetragon.grpc file (`[flag][u32 length][message]…`) repacked as worker batches. */
function workerBatches(file: string, count: number): Buffer[] {
  const frames = readFileSync(file);
  const out: Buffer[] = [];
  let pos = 0;
  let n = 0;
  while (n < count && pos + 5 <= frames.length) {
    const parts: Buffer[] = [];
    for (let k = 0; k < BATCH && n < count && pos + 5 <= frames.length; k++, n++) {
      const len = frames.readUInt32BE(pos + 1);
      parts.push(frames.subarray(pos + 1, pos + 5 + len));
      pos += 5 + len;
    }
    out.push(Buffer.concat(parts));
  }
  return out;
}

const file = option('file', '');
if (!file) throw new Error('--file <tetragon.grpc> is required');
const events = Number(option('events', '60000'));
const window = Number(option('window', '5000'));
const warm = option('warm-up', 'true') === 'true';
const batches = workerBatches(file, events);

let seen = 0;
let offered = 0;
let replayed = false;
const cpuAt: number[] = [];
const majorAt: number[] = [];
const gc = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorAt.push(seen);
  }
});
gc.observe({ entryTypes: ['gc'] });

let done!: () => void;
const finished = new Promise<void>((resolve) => {
  done = resolve;
});
const source: EventSource = {
  id: 'first-events',
  type: 'tetragon-grpc',
  async run(out) {
    out.connection(true, 'replay');
    const counted: SourceOutput = {
      ...out,
      offer(event) {
        offered++;
        return out.offer(event);
      },
    };
    const handle = createRangeHandler('first-events', { node: BENCH_NODE }, counted);
    cpuAt.push(mainCpuMs());
    for (const b of batches) {
      let pos = 0;
      while (pos < b.length) {
        const len = b.readUInt32BE(pos);
        handle(b, pos + 4, pos + 4 + len);
        pos += 4 + len;
        seen++;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    replayed = true;
    if (correlated >= offered) done();
  },
};
const config = benchConfig();
const deps = benchDeps();
let correlated = 0;
const { createCorrelator } = await import('../../src/correlate/index.js');
const inner = createCorrelator(config.correlator, config.allowlist, { ...deps, resolveHost: null });
const app = createApp(config, deps, {
  sources: [source],
  warmUp: warm,
  helperThreadNice: 0,
  correlator: {
    ingest(batch) {
      const alerts = inner.ingest(batch);
      const before = correlated;
      correlated += batch.length;
      // One CPU reading per window of correlated events.
      if (Math.floor(before / window) !== Math.floor(correlated / window)) cpuAt.push(mainCpuMs());
      if (replayed && correlated >= offered) done();
      return alerts;
    },
    advance: (now) => inner.advance(now),
    flush: () => inner.flush(),
    trackedContainers: () => inner.trackedContainers(),
  },
});
const t0 = performance.now();
const cpu0 = mainCpuMs();
await app.start();
const warmUpMs = performance.now() - t0;
const warmUpCpuMs = mainCpuMs() - cpu0;
await finished;
gc.disconnect();
const perWindow = cpuAt.slice(1).map((ms, i) => Number((((ms - cpuAt[i]!) * 1000) / window).toFixed(2)));
await app.stop();
process.stdout.write(
  `${JSON.stringify({
    warmUp: warm,
    warmUpMs: Math.round(warmUpMs),
    warmUpCpuMs: Math.round(warmUpCpuMs),
    events: correlated,
    windowEvents: window,
    usPerEventByWindow: perWindow,
    firstCpuMs: Number((cpuAt.at(-1)! - cpuAt[0]!).toFixed(1)),
    majorGcAtEvent: majorAt,
  })}\n`,
);
process.exit(0);
