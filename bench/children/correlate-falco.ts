/**
 * CPU cost of the correlator alone on the Falco workload as the live receiver feeds it: the workload's
 * falco.jsonl normalized as the receiver does (parseFalcoJson → normalizeFalco), handed to one fresh
 * correlator in batches of `--batch` events (the receiver's are 1–4) with live event times (`--rate`
 * events per second of event time from the start, as falco-load rewrites evt.time), advance() once per
 * second of that time (the app's ticker). The same events are sent `--passes` times, so pass 1 is the
 * first sight of every container and process in a cold process, the later ones the steady state.
 *
 * Per pass: CPU µs per event (process.cpuUsage around the pass only; the events are copied before it,
 * fresh as the receiver's), new processes (first sights: exec events, and pids seen first), tracked
 * containers, and old space after a full GC (state kept, not garbage).
 *
 *   node --expose-gc --max-old-space-size=144 --max-semi-space-size=8 --import tsx \
 *     bench/children/correlate-falco.ts [--batch 1] [--passes 6] [--rate 15000] [--times live|recorded]
 *     [--events 20000] [--containers 2000] [--falco-events 10000] [--seed 1]
 * (the defaults are the quick bench's workload; `--times recorded` keeps the workload's own times, shifted
 * by an hour per pass, so every pass expires and rebuilds all state: the churn live times do not cause).
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { createCorrelator } from '../../src/correlate/index.js';
import { ProcessTable } from '../../src/correlate/processes.js';
import { isFalcoEvent, normalizeFalco, parseFalcoJson } from '../../src/formats/falco/index.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { BENCH_NODE, buildWorkload } from '../workload/build.js';

function option(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? '') : def;
}

function flag(name: string, def: number): number {
  const v = Number(option(name, String(def)));
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}

const batchSize = flag('batch', 1);
const passes = flag('passes', 6);
const ratePerMs = flag('rate', 15_000) / 1000;
const times = option('times', 'live');
if (times !== 'live' && times !== 'recorded') throw new Error('--times is live or recorded');
const w = buildWorkload(
  {
    seed: flag('seed', 1),
    events: flag('events', 20_000),
    containers: flag('containers', 2_000),
    falcoEvents: flag('falco-events', 10_000),
  },
  (s) => process.stderr.write(`${s}\n`),
);

const events: NormalizedEvent[] = [];
for (const line of readFileSync(w.falco, 'utf8').split('\n')) {
  if (line.length === 0) continue;
  const obj = parseFalcoJson(line);
  if (!isFalcoEvent(obj)) continue;
  const e = normalizeFalco(obj, { node: BENCH_NODE });
  if (e !== null) events.push(e);
}

// First sights, counted through the table's one entry point for a new process.
let newProcs = 0;
const newProc = ProcessTable.prototype.newProc;
ProcessTable.prototype.newProc = function (this: ProcessTable, ...args: Parameters<ProcessTable['newProc']>) {
  newProcs++;
  return newProc.apply(this, args);
};

const oldSpaceMb = () => {
  (globalThis as { gc?: () => void }).gc?.();
  const old = getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  return Number(((old?.space_used_size ?? 0) / 1e6).toFixed(2));
};

/**
 * A pass's events, each a fresh copy (as the receiver's are) with its time, then cut into batches: the
 * copies are laid out alike whatever the batch size, so sizes compare calls, not memory layout.
 */
function passBatches(pass: number, first: number, t0: number): NormalizedEvent[][] {
  const copies: NormalizedEvent[] = [];
  let n = first;
  for (const e of events) {
    const timeMs = times === 'live' ? t0 + n / ratePerMs : e.timeMs + pass * 3_600_000;
    n++;
    copies.push(e.kind === 'gap' ? { ...e, timeMs } : { ...e, timeMs, process: { ...e.process } });
  }
  const out: NormalizedEvent[][] = [];
  for (let i = 0; i < copies.length; i += batchSize) out.push(copies.slice(i, i + batchSize));
  return out;
}

const config = benchConfig();
const correlator = createCorrelator(config.correlator, config.allowlist, { ...benchDeps(), resolveHost: null });
const t0 = Date.now();
let nextTickMs = t0 + 1000;
let alerts = 0;
const rows: Array<{ cpuUsPerEvent: number; newProcesses: number; containers: number; oldSpaceMb: number }> = [];
const oldSpaceBeforeMb = oldSpaceMb();
for (let pass = 0; pass < passes; pass++) {
  const first = pass * events.length;
  const batches = passBatches(pass, first, t0);
  (globalThis as { gc?: () => void }).gc?.();
  newProcs = 0;
  let sent = first;
  const c0 = process.cpuUsage();
  for (const batch of batches) {
    alerts += correlator.ingest(batch).length;
    sent += batch.length;
    const nowMs = t0 + sent / ratePerMs;
    if (times === 'live' && nowMs >= nextTickMs) {
      nextTickMs += 1000;
      alerts += correlator.advance(nowMs).length;
    }
  }
  const c = process.cpuUsage(c0);
  rows.push({
    cpuUsPerEvent: Number(((c.user + c.system) / events.length).toFixed(2)),
    newProcesses: newProcs,
    containers: correlator.trackedContainers(),
    oldSpaceMb: oldSpaceMb(),
  });
  process.stderr.write(`pass ${pass + 1}: ${JSON.stringify(rows.at(-1))}\n`);
}
process.stdout.write(
  `${JSON.stringify({ events: events.length, batch: batchSize, times, passes: rows, oldSpaceBeforeMb, alerts })}\n`,
);
