/**
 * What the correlator's first sight of a container and of a process costs, against a repeat event:
 * `correlator.ingest` over the first events of the bench workload (5,000 containers met at once, as in the
 * paced run's first second), each event timed on its own and put in one of five classes by the correlator's
 * tables around it: a new container (and its first process), a new process of a known container, a repeat
 * (both known), an unseen container or process the event made no state for (a noise path's read, a write:
 * passed over), other (no container); each class also by event kind ("newContainer:file"). The code
 * is warmed first on two throwaway correlators over a later part of the same stream, so what is left is the
 * state's cost, not cold code.
 *
 *   node --max-old-space-size=144 --max-semi-space-size=8 --import tsx bench/children/first-sight.ts \
 *     [--events 20000] [--passes 5] [--alloc] [--profile heap|live|cpu FILE]
 *
 * Time: per event wall time (hrtime) around the event alone; the median per class over passes is reported (a
 * descheduled event is an outlier a median drops), and the per-class sum of process CPU (process.cpuUsage,
 * GC threads included) over the same events. --alloc: bytes allocated per event, from the heap's used size
 * before and after each event (the probe's own allocation makes the absolute figures unreliable: compare
 * classes), and windowBytes, the whole window's allocation fed as ingest is, with no probe (exact); both valid
 * only when no scavenge ran in between: run it with a young generation that holds the whole window
 * (`--max-old-space-size=300 --min-semi-space-size=128 --max-semi-space-size=128`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { compileAllowlist } from '../../src/correlate/allowlist.js';
import { CorrelationEngine } from '../../src/correlate/engine.js';
import { normalizeTetragonBytes } from '../../src/formats/tetragon/from-wire.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { median } from '../lib/stats.js';
import { BENCH_NODE, buildWorkload } from '../workload/build.js';

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a non-negative integer`);
  return v;
}

type Class = 'newContainer' | 'newProcess' | 'repeat' | 'unseenNoState' | 'other';

/** The engine's tables, read (not written) to classify an event before it is ingested. */
interface Peek {
  tables: { containers: Map<string, unknown>; execs: Map<string, unknown> };
  one(e: NormalizedEvent): void;
  ingest(batch: readonly NormalizedEvent[]): unknown[];
}

function decode(frames: Buffer, from: number, count: number): NormalizedEvent[] {
  const out: NormalizedEvent[] = [];
  let pos = 0;
  let i = 0;
  while (pos + 5 <= frames.length && out.length < count) {
    const len = frames.readUInt32BE(pos + 1);
    if (i++ >= from) {
      const e = normalizeTetragonBytes(frames.subarray(pos + 5, pos + 5 + len), { node: BENCH_NODE });
      if (e !== null) out.push(e);
    }
    pos += 5 + len;
  }
  return out;
}

function keyOf(e: NormalizedEvent): string | null {
  if (e.kind === 'gap' || e.container === null) return null;
  const id = e.container.id;
  return id.length > 12 ? id.slice(0, 12) : id;
}

/** The event's class by the tables just before it (`peek`): what it would be if it makes its state. */
function classOf(peek: Peek, e: NormalizedEvent): Class {
  const key = keyOf(e);
  if (key === null || e.kind === 'gap') return 'other';
  if (!peek.tables.containers.has(key)) return 'newContainer';
  const x = e.process.execId;
  return x !== null && !peek.tables.execs.has(x) ? 'newProcess' : 'repeat';
}

/**
 * The class once the event is in: a first sight only if the correlator made the container or process (a
 * write, a read of a noise path, an exit of one never seen make none: passed over early, as cheap as a repeat;
 * 893 of the window's 1,623 reads by an unseen process were).
 */
function madeState(peek: Peek, e: NormalizedEvent, k: Class): Class {
  if (k === 'newContainer' && !peek.tables.containers.has(keyOf(e)!)) return 'unseenNoState';
  if (k === 'newProcess' && e.kind !== 'gap' && !peek.tables.execs.has(e.process.execId!)) return 'unseenNoState';
  return k;
}

const fresh = (): Peek => {
  const config = benchConfig();
  const deps = benchDeps();
  const c = new CorrelationEngine(config.correlator, compileAllowlist(config.allowlist), deps.logger, deps.metrics);
  return c as unknown as Peek;
};

const events = flag('events', 20_000);
const passes = flag('passes', 5);
const alloc = process.argv.includes('--alloc');
const w = buildWorkload({ seed: 1, events: 200_000, containers: 5_000, falcoEvents: 50_000 }, (s) =>
  process.stderr.write(`${s}\n`),
);
const frames = readFileSync(w.grpc);
// Warm the code on a later part of the stream, twice, each on a fresh correlator (its first sights too), decoded
// a batch at a time: resident, those events made every mark-compact of the measured window dearer.
for (let r = 0; r < 2; r++) {
  const c = fresh();
  for (let from = 100_000; from < 160_000; from += 512) c.ingest(decode(frames, from, 512));
}
const head = decode(frames, 0, events);

/**
 * --profile heap|cpu FILE: one fresh correlator over the window under the inspector's sampling heap profiler
 * (every allocation, those a scavenge freed included) or CPU profiler (50 µs), written to FILE; no timing.
 */
const profileAt = process.argv.indexOf('--profile');
if (profileAt >= 0) {
  const kind = process.argv[profileAt + 1];
  const file = process.argv[profileAt + 2] ?? 'first-sight.profile';
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): unknown => {
    let out: unknown;
    session.post(method, params ?? {}, (err, res) => {
      if (err) throw err;
      out = res;
    });
    return out;
  };
  const c = fresh();
  // heap: every allocation; live: what is still held after the window (the state the scavenges copied).
  if (kind === 'heap' || kind === 'live')
    post('HeapProfiler.startSampling', {
      samplingInterval: 512,
      includeObjectsCollectedByMajorGC: kind === 'heap',
      includeObjectsCollectedByMinorGC: kind === 'heap',
    });
  else {
    post('Profiler.enable');
    post('Profiler.setSamplingInterval', { interval: 50 });
    post('Profiler.start');
  }
  for (let i = 0; i < head.length; i += 512) c.ingest(head.slice(i, i + 512));
  if (kind === 'live') post('HeapProfiler.collectGarbage');
  const res = (kind !== 'cpu' ? post('HeapProfiler.stopSampling') : post('Profiler.stop')) as {
    profile: unknown;
  };
  writeFileSync(file, JSON.stringify(res.profile));
  process.stderr.write(`${kind} profile of ${head.length} events: ${file}\n`);
  process.exit(0);
}

/** Per class and event kind ("newContainer" and "newContainer:file"): samples, CPU sums, counts. */
interface Tally {
  ns: number[];
  bytes: number[];
  cpuUs: number;
  n: number;
}
const tallies = new Map<string, Tally>();
const tally = (key: string): Tally => {
  let t = tallies.get(key);
  if (t === undefined) {
    t = { ns: [], bytes: [], cpuUs: 0, n: 0 };
    tallies.set(key, t);
  }
  return t;
};
let skipped = 0;
// The fixed cost of the probes themselves (empty pairs, after their code warmed up), subtracted.
const probe = (() => {
  const t: number[] = [];
  const b: number[] = [];
  let cpuUs = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const u0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    t.push(Number(process.hrtime.bigint() - t0));
    const u = process.cpuUsage(u0);
    cpuUs += u.user + u.system;
    const a = getHeapStatistics().used_heap_size;
    b.push(getHeapStatistics().used_heap_size - a);
  }
  return { ns: median(t), bytes: median(b), cpuUs: cpuUs / n };
})();

/** --alloc: the window's whole allocation on a fresh correlator, fed as ingest is (no probes; valid with no scavenge). */
const windowBytes: number[] = [];
if (alloc)
  for (let pass = 0; pass < passes; pass++) {
    const c = fresh();
    const newSpace = (): number => getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')!.space_used_size;
    const n0 = newSpace();
    const a = getHeapStatistics().used_heap_size;
    for (let i = 0; i < head.length; i += 512) c.ingest(head.slice(i, i + 512));
    const b = getHeapStatistics().used_heap_size;
    // New space only grows until a scavenge: a window it shrank in does not count.
    if (newSpace() >= n0) windowBytes.push(b - a);
  }

for (let pass = 0; pass < passes; pass++) {
  const c = fresh();
  for (let i = 0; i < head.length; i++) {
    const e = head[i]!;
    const predicted = classOf(c, e);
    if (alloc) {
      const a = getHeapStatistics();
      c.one(e);
      const b = getHeapStatistics();
      const k = madeState(c, e, predicted);
      const both = [tally(k), tally(`${k}:${e.kind}`)];
      if (pass === 0) for (const t of both) t.n++;
      // A scavenge in between makes the difference meaningless: skipped.
      if (b.total_heap_size === a.total_heap_size && b.used_heap_size >= a.used_heap_size)
        for (const t of both) t.bytes.push(b.used_heap_size - a.used_heap_size - probe.bytes);
      else skipped++;
    } else {
      const u0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      c.one(e);
      const ns = Number(process.hrtime.bigint() - t0) - probe.ns;
      const u = process.cpuUsage(u0);
      const k = madeState(c, e, predicted);
      const both = [tally(k), tally(`${k}:${e.kind}`)];
      if (pass === 0) for (const t of both) t.n++;
      for (const t of both) {
        t.ns.push(ns);
        t.cpuUs += u.user + u.system - probe.cpuUs;
      }
    }
    // The sweep's share, as ingest gives it (outside the samples).
    if (i % 512 === 511) c.ingest([]);
  }
}

const out: Record<string, unknown> = { events: head.length, passes, probe };
const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / (xs.length || 1);
for (const [k, t] of [...tallies].sort(([a], [b]) => (a < b ? -1 : 1))) {
  out[k] = alloc
    ? { n: t.n, medianBytes: median(t.bytes), meanBytes: Math.round(mean(t.bytes)) }
    : {
        n: t.n,
        medianUs: Number((median(t.ns) / 1e3).toFixed(2)),
        cpuUsPerEvent: Number((t.cpuUs / (t.n * passes || 1)).toFixed(2)),
      };
}
if (alloc) {
  out.skippedByGc = skipped;
  out.windowBytes = windowBytes;
}
process.stdout.write(`${JSON.stringify(out)}\n`);
