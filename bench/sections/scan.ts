/** `scan` of the Tetragon JSON export (file → alerts) against a bare JSON.parse loop over the same file. */

import { type AlertCheck, checkAlerts } from '../lib/check.js';
import { type ChildMessage, runToResult, type SpawnOptions } from '../lib/child.js';
import type { BenchOptions } from '../lib/options.js';
import type { BenchAlert } from '../lib/pipeline-probe.js';
import { fmtMb, fmtRate, type Row } from '../lib/report.js';
import { median } from '../lib/stats.js';
import type { Workload } from '../workload/build.js';

interface Result extends ChildMessage {
  eventsPerSec: number;
  cpuPerEventUs: number;
  peakRssMb: number;
  alerts?: BenchAlert[];
  dropped?: number;
}

export async function scanSection(
  w: Workload,
  o: BenchOptions,
  prof: SpawnOptions,
  log: (s: string) => void,
): Promise<{ rows: Row[]; checks: Array<{ what: string; check: AlertCheck; dropped: number }>; details: unknown }> {
  const base: Result[] = [];
  const scans: Result[] = [];
  const checks: Array<{ what: string; check: AlertCheck; dropped: number }> = [];
  for (let rep = 0; rep < o.reps; rep++) {
    const b = await runToResult<Result>('json-parse', ['--file', w.jsonl], { timeoutMs: 120_000 });
    base.push(b);
    log(`  JSON.parse loop       ${fmtRate(b.eventsPerSec)} lines/s (${b.cpuPerEventUs.toFixed(1)} µs CPU/line)`);
    const s = await runToResult<Result>('scan', ['--file', w.jsonl, '--count', String(w.meta.total)], {
      timeoutMs: 180_000,
      ...prof,
    });
    scans.push(s);
    checks.push({
      what: `scan run ${rep + 1}`,
      check: checkAlerts(s.alerts ?? [], w.meta.expected),
      dropped: s.dropped ?? 0,
    });
    log(
      `  scan                  ${fmtRate(s.eventsPerSec)} lines/s (${s.cpuPerEventUs.toFixed(1)} µs CPU/line, ${s.alerts?.length} alerts)`,
    );
  }
  const baseRate = median(base.map((r) => r.eventsPerSec));
  const rate = median(scans.map((r) => r.eventsPerSec));
  const ratio = rate / baseRate;
  return {
    rows: [
      {
        path: 'scan of Tetragon JSON lines (file → alerts)',
        rate: fmtRate(rate),
        baseline: `${fmtRate(baseRate)} JSON.parse`,
        ratio: `${ratio.toFixed(2)}×`,
        target: '≥ 0.70×',
        pass: ratio >= 0.7,
        latency: '',
        peakRss: fmtMb(Math.max(...scans.map((r) => r.peakRssMb))),
        alerts: `${scans.at(-1)!.alerts?.length ?? 0}/${w.meta.expected.length}`,
      },
    ],
    checks,
    details: { baseline: base, scan: scans },
  };
}
