/** Memory: RSS with 10,000 containers tracked, and its flatness from the first to the last checkpoint. */
import { type ChildMessage, runToResult } from '../lib/child.js';
import type { BenchOptions } from '../lib/options.js';
import { fmtMb, type Row } from '../lib/report.js';
import { shippedNodeOptions } from '../lib/shipped-node-options.js';

interface MemoryResult extends ChildMessage {
  baseRssMb: number;
  points: Array<{
    events: number;
    rssMb: number;
    heapUsedMb: number;
    heapTotalMb: number;
    arrayBuffersMb: number;
    trackedContainers: number;
  }>;
  alerts: number;
  peakRssMb: number;
  eventsPerSec: number;
  cpuUsPerEvent: number;
}

const fmtEvents = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

export async function memorySection(
  o: BenchOptions,
  log: (s: string) => void,
): Promise<{ rows: Row[]; details: unknown }> {
  const nodeOptions = shippedNodeOptions();
  log(`  node flags as shipped: ${nodeOptions.join(' ') || '(none)'}`);
  const r = await runToResult<MemoryResult>(
    'memory',
    ['--containers', String(o.memoryContainers), '--checkpoints', o.memoryCheckpoints.join(',')],
    // Under the image's heap caps: what the kubelet sees of the shipped daemon depends on them.
    { nodeFlags: ['--expose-gc', ...nodeOptions], timeoutMs: 30 * 60_000 },
  );
  log(`  CPU (decode + correlate + GC): ${r.cpuUsPerEvent.toFixed(2)} µs/event`);
  const first = r.points[0]!;
  const last = r.points.at(-1)!;
  for (const p of r.points) {
    log(
      // Committed heap and typed arrays' backing stores too: RSS follows what V8 keeps, not only what is live.
      `  memory after ${fmtEvents(p.events)} events: RSS ${fmtMb(p.rssMb)}, heap ${fmtMb(p.heapUsedMb)} used of ${fmtMb(p.heapTotalMb)} committed, typed arrays ${fmtMb(p.arrayBuffersMb)}, ${p.trackedContainers} containers`,
    );
  }
  const drift = last.rssMb / first.rssMb - 1;
  const maxRss = Math.max(...r.points.map((p) => p.rssMb));
  return {
    rows: [
      {
        path: `memory: ${first.trackedContainers} tracked containers (after ${fmtEvents(first.events)} events, GC'd)`,
        rate: `${(r.eventsPerSec / 1000).toFixed(1)}k`,
        baseline: `${fmtMb(r.baseRssMb)} at start`,
        ratio: '',
        target: 'RSS ≤ 150 MB',
        pass: maxRss <= 150 && first.trackedContainers >= o.memoryContainers,
        latency: '',
        peakRss: fmtMb(r.peakRssMb),
        alerts: String(r.alerts),
      },
      {
        path: `memory: flat from ${fmtEvents(first.events)} to ${fmtEvents(last.events)} events`,
        rate: '',
        baseline: `${fmtMb(first.rssMb)} → ${fmtMb(last.rssMb)}`,
        ratio: `${drift >= 0 ? '+' : ''}${(drift * 100).toFixed(1)}%`,
        target: '±10%',
        pass: Math.abs(drift) <= 0.1,
        latency: '',
        peakRss: fmtMb(r.peakRssMb),
        alerts: String(r.alerts),
      },
    ],
    details: r,
  };
}
