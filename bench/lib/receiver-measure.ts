/**
 * The measurement both Falco receiver children run (falco-receiver.ts and the worker experiment): on the
 * orchestrator's `start`, a window opens (CPU of the whole process and of the main thread, time, events
 * handled); on `mark` (the load's warm-up over) it closes as the cold window and the measured one opens;
 * on `stop`, the measured window's deltas per event are reported with the cold one's, then the pipeline
 * stops and the process exits.
 */
import { mainThreadCpuMs } from '../children/falco-main-thread-cpu.js';
import { peakRssMb, tell } from './child.js';
import type { Probe } from './pipeline-probe.js';
import { onWindowMessages, WindowMeter } from './window-meter.js';

export function measureBetweenStartAndStop(probe: Probe, stop: () => Promise<unknown>): void {
  const meter = new WindowMeter(() => probe.accepted() + probe.ignored() + probe.decodeErrors(), mainThreadCpuMs);
  onWindowMessages(meter, (measured, cold) => {
    tell({
      type: 'result',
      ...measured,
      cold,
      dropped: probe.dropped(),
      decodeErrors: probe.decodeErrors(),
      alerts: probe.alerts.length,
      peakRssMb: peakRssMb(),
    });
    void stop().then(() => process.exit(0));
  });
}
