/**
 * Falco http_output receiver: one event per POST over keep-alive connections from a load generator in
 * another process; the rate is events per CPU-second of the receiver process (its own process.cpuUsage).
 */
import { type ChildMessage, type SpawnOptions, spawnChild } from '../lib/child.js';
import type { BenchOptions } from '../lib/options.js';
import { fmtMb, fmtRate, type Row } from '../lib/report.js';
import type { Workload } from '../workload/build.js';

interface ReceiverResult extends ChildMessage {
  events: number;
  wallEventsPerSec: number;
  eventsPerCpuSec: number;
  cpuPerEventUs: number;
  dropped: number;
  decodeErrors: number;
  alerts: number;
  peakRssMb: number;
}

interface LoadResult extends ChildMessage {
  sent: number;
  ok: number;
  failed: number;
}

export async function falcoSection(
  w: Workload,
  o: BenchOptions,
  prof: SpawnOptions,
  log: (s: string) => void,
): Promise<{ rows: Row[]; details: unknown }> {
  const receiver = spawnChild('falco-receiver', [], { timeoutMs: 120_000, ...prof });
  try {
    const { port } = await receiver.next<ChildMessage & { port: number }>('ready');
    const load = spawnChild(
      'falco-load',
      [
        '--port',
        String(port),
        '--file',
        w.falco,
        '--connections',
        String(o.falcoConnections),
        '--seconds',
        String(o.falcoSeconds),
      ],
      { timeoutMs: 120_000 },
    );
    await load.next('started');
    receiver.send({ type: 'start' });
    const l = await load.next<LoadResult>('result');
    receiver.send({ type: 'stop' });
    const r = await receiver.next<ReceiverResult>('result');
    await load.exited;
    log(
      `  falco receiver        ${fmtRate(r.eventsPerCpuSec)} events/CPU-s (${fmtRate(r.wallEventsPerSec)}/s wall, ${l.ok} ok, ${l.failed} refused, ${r.decodeErrors} undecodable)`,
    );
    const pass = r.eventsPerCpuSec >= 20_000 && l.failed === 0 && r.decodeErrors === 0;
    return {
      rows: [
        {
          path: `Falco http_output receiver (1 event/POST, keep-alive, ${o.falcoConnections} conns)`,
          rate: `${fmtRate(r.eventsPerCpuSec)}/core`,
          baseline: `${fmtRate(r.wallEventsPerSec)}/s wall`,
          ratio: '',
          target: '≥ 20k/s per core',
          pass,
          latency: '',
          peakRss: fmtMb(r.peakRssMb),
          alerts: String(r.alerts),
        },
      ],
      details: { receiver: r, load: l },
    };
  } finally {
    await receiver.exited.catch(() => undefined);
    await receiver.stop();
  }
}
