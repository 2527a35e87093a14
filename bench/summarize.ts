/**
 * `node --import tsx bench/summarize.ts [N] [mode]`: the median of the last N (default 3) saved runs of
 * `npm run bench` (.tmp/bench/results-<mode>-*.json), row by row, as the Markdown table docs/performance.md
 * carries. Each run's own ratio is computed first (path and baseline from the same run), then the median
 * of those ratios is taken: ratios are what the targets are about.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/compile.js';
import { type BenchMode, isStandardRun } from './lib/options.js';
import { fmtMb, fmtMs, fmtRate, markdownTable, type Row } from './lib/report.js';
import { median } from './lib/stats.js';

interface Saved {
  at: string;
  rows: Row[];
  details: {
    grpc: {
      raw: Array<{ eventsPerSec: number }>;
      pipeline: Record<string, Array<{ eventsPerSec: number; peakRssMb: number }>>;
      latency: {
        latency: { p50: number; p99: number };
        latencyAfterFirstSecond?: { p99: number } | null;
        alertLatency: { p50: number; max: number } | null;
        peakRssMb: number;
      };
      pacedRate: number;
    };
    scan: { baseline: Array<{ eventsPerSec: number }>; scan: Array<{ eventsPerSec: number; peakRssMb: number }> };
    falco: Record<
      'receiver' | 'bare',
      Array<{ server: { eventsPerCpuSec: number; peakRssMb: number; cold?: { eventsPerCpuSec: number } | null } }>
    >;
    memory: { points: Array<{ events: number; rssMb: number; trackedContainers: number }>; peakRssMb: number };
  };
}

const n = Number(process.argv[2] ?? 3);
const mode = (process.argv[3] ?? 'default') as BenchMode;
const dir = join(repoRoot, '.tmp', 'bench');
const files = readdirSync(dir)
  .filter((f) => isStandardRun(f, mode))
  .sort()
  .slice(-n);
if (files.length === 0) {
  process.stderr.write(`no saved ${mode} runs in ${dir}: run npm run bench first\n`);
  process.exit(2);
}
const runs = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Saved);
const med = (f: (r: Saved) => number) => median(runs.map(f));
const rows: Row[] = [];

const rawOf = (r: Saved) => median(r.details.grpc.raw.map((x) => x.eventsPerSec));
for (const key of Object.keys(runs[0]!.details.grpc.pipeline)) {
  const rateOf = (r: Saved) => median(r.details.grpc.pipeline[key]!.map((x) => x.eventsPerSec));
  const ratio = med((r) => rateOf(r) / rawOf(r));
  rows.push({
    path: `Tetragon gRPC → normalize → correlate (unix, ${key === 'worker' ? 'ingest worker' : 'main thread'})`,
    rate: fmtRate(med(rateOf)),
    baseline: `${fmtRate(med(rawOf))} raw grpc-js`,
    ratio: `${ratio.toFixed(2)}×`,
    target: '≥ 0.90×',
    pass: ratio >= 0.9,
    latency: '',
    peakRss: fmtMb(med((r) => Math.max(...r.details.grpc.pipeline[key]!.map((x) => x.peakRssMb)))),
    alerts: '3/3',
  });
}
const p99 = med((r) => r.details.grpc.latency.latency.p99);
const alertMax = med((r) => r.details.grpc.latency.alertLatency?.max ?? Number.NaN);
rows.push({
  path: 'event → correlated / → alert at 50% of max',
  rate: fmtRate(med((r) => r.details.grpc.pacedRate)),
  baseline: '',
  ratio: '',
  target: 'p99 < 5 ms',
  pass: p99 < 5 && !(alertMax >= 5),
  latency: `${fmtMs(med((r) => r.details.grpc.latency.latency.p50))}/${fmtMs(p99)} ms; alerts max ${fmtMs(alertMax)} ms`,
  peakRss: fmtMb(med((r) => r.details.grpc.latency.peakRssMb)),
  alerts: '3/3',
});
const scanRatio = med(
  (r) =>
    median(r.details.scan.scan.map((x) => x.eventsPerSec)) / median(r.details.scan.baseline.map((x) => x.eventsPerSec)),
);
rows.push({
  path: 'scan of Tetragon JSON lines (file → alerts)',
  rate: fmtRate(med((r) => median(r.details.scan.scan.map((x) => x.eventsPerSec)))),
  baseline: `${fmtRate(med((r) => median(r.details.scan.baseline.map((x) => x.eventsPerSec))))} JSON.parse`,
  ratio: `${scanRatio.toFixed(2)}×`,
  target: '≥ 0.70×',
  pass: scanRatio >= 0.7,
  latency: '',
  peakRss: fmtMb(med((r) => Math.max(...r.details.scan.scan.map((x) => x.peakRssMb)))),
  alerts: '3/3',
});
// Per run: the median of its alternated receiver and bare node:http reps (bench/sections/falco.ts).
const falcoRate = (r: Saved, side: 'receiver' | 'bare') =>
  median(r.details.falco[side].map((x) => x.server.eventsPerCpuSec));
const perCore = med((r) => falcoRate(r, 'receiver'));
rows.push({
  path: 'Falco http_output receiver (1 event/POST, keep-alive)',
  rate: `${fmtRate(perCore)}/core`,
  baseline: `${fmtRate(med((r) => falcoRate(r, 'bare')))}/core bare node:http`,
  ratio: `${med((r) => falcoRate(r, 'receiver') / falcoRate(r, 'bare')).toFixed(2)}×`,
  target: '≥ 20k/s per core',
  pass: perCore >= 20_000,
  latency: '',
  peakRss: fmtMb(med((r) => Math.max(...r.details.falco.receiver.map((x) => x.server.peakRssMb)))),
  alerts: '0',
});
const first = (r: Saved) => r.details.memory.points[0]!;
const last = (r: Saved) => r.details.memory.points.at(-1)!;
const rss1 = med((r) => first(r).rssMb);
const rssN = med((r) => last(r).rssMb);
rows.push({
  path: `memory: ${first(runs[0]!).trackedContainers} tracked containers (after ${first(runs[0]!).events / 1e6}M events)`,
  rate: '',
  baseline: '',
  ratio: '',
  target: 'RSS ≤ 150 MB',
  pass: Math.max(rss1, rssN) <= 150,
  latency: '',
  peakRss: fmtMb(rss1),
  alerts: '0',
});
const drift = med((r) => last(r).rssMb / first(r).rssMb - 1);
rows.push({
  path: `memory: flat from ${first(runs[0]!).events / 1e6}M to ${last(runs[0]!).events / 1e6}M events`,
  rate: '',
  baseline: `${fmtMb(rss1)} → ${fmtMb(rssN)}`,
  ratio: `${drift >= 0 ? '+' : ''}${(drift * 100).toFixed(0)}%`,
  target: '±10%',
  pass: Math.abs(drift) <= 0.1,
  latency: '',
  peakRss: fmtMb(med((r) => r.details.memory.peakRssMb)),
  alerts: '0',
});
// The Falco row is the steady state after the load's first seconds; those are printed apart (runs saved before
// the cold window was measured have none).
const coldRate = (r: Saved, side: 'receiver' | 'bare') =>
  median(r.details.falco[side].map((x) => x.server.cold?.eventsPerCpuSec ?? Number.NaN));
const coldNote = runs.every((r) => Number.isFinite(coldRate(r, 'receiver')))
  ? `Falco receiver over the load's first seconds (cold start, not judged): ${fmtRate(med((r) => coldRate(r, 'receiver')))}/CPU-s, bare node:http ${fmtRate(med((r) => coldRate(r, 'bare')))}/CPU-s.\n`
  : '';
const steadyP99 = (r: Saved) => r.details.grpc.latency.latencyAfterFirstSecond?.p99 ?? Number.NaN;
const steadyNote = runs.every((r) => Number.isFinite(steadyP99(r)))
  ? `Latency p99 over the events sent after the paced run's first second (not judged): ${fmtMs(med(steadyP99))} ms (${runs.map((r) => fmtMs(steadyP99(r))).join(', ')}).\n`
  : '';
process.stdout.write(
  `Median of ${runs.length} ${mode} runs (${runs.map((r) => r.at).join(', ')}):\n\n${markdownTable(rows)}\n${coldNote}${steadyNote}`,
);
