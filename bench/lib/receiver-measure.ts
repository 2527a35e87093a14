/**
 * The measurement both Falco receiver children run (falco-receiver.ts and the worker experiment): on the
 * orchestrator's `start`, note CPU (whole process and main thread), time and events handled; on `stop`,
 * report the deltas per event, then stop the pipeline and exit.
 */
import { mainThreadCpuMs } from '../children/falco-main-thread-cpu.js';
import { cpuMs, peakRssMb, tell } from './child.js';
import type { Probe } from './pipeline-probe.js';

export function measureBetweenStartAndStop(probe: Probe, stop: () => Promise<unknown>): void {
  let cpu0 = 0;
  let main0 = 0;
  let t0 = 0;
  let events0 = 0;
  const events = () => probe.accepted() + probe.ignored() + probe.decodeErrors();
  process.on('message', (m: { type: string }) => {
    if (m.type === 'start') {
      cpu0 = cpuMs();
      main0 = mainThreadCpuMs();
      t0 = performance.now();
      events0 = events();
    } else if (m.type === 'stop') {
      const cpu = cpuMs() - cpu0;
      const main = mainThreadCpuMs() - main0;
      const n = events() - events0;
      tell({
        type: 'result',
        events: n,
        wallEventsPerSec: (n * 1000) / (performance.now() - t0),
        eventsPerCpuSec: (n * 1000) / cpu,
        cpuPerEventUs: (cpu * 1000) / n,
        mainThreadCpuPerEventUs: (main * 1000) / n,
        dropped: probe.dropped(),
        decodeErrors: probe.decodeErrors(),
        alerts: probe.alerts.length,
        peakRssMb: peakRssMb(),
      });
      void stop().then(() => process.exit(0));
    }
  });
}
