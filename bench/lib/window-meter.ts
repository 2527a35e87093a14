/**
 * One measured window of a server under load: CPU (whole process, and the main thread where asked), wall
 * time and events handled between `begin` and `end`. The Falco row's children use two in a row: the
 * load's first seconds (cold: V8 compiling the hot path, the correlator's first sight of every container
 * and process) and the steady state after them, which the row is judged on (bench/sections/falco.ts).
 */
import { cpuMs } from './child.js';

export interface WindowFigures {
  events: number;
  wallEventsPerSec: number;
  eventsPerCpuSec: number;
  cpuPerEventUs: number;
  /** The main thread's CPU alone; NaN where it is not measured. */
  mainThreadCpuPerEventUs: number;
}

export class WindowMeter {
  private cpu0 = 0;
  private main0 = 0;
  private t0 = 0;
  private events0 = 0;

  constructor(
    private readonly events: () => number,
    private readonly mainThreadCpuMs: () => number = () => Number.NaN,
  ) {}

  begin(): void {
    this.cpu0 = cpuMs();
    this.main0 = this.mainThreadCpuMs();
    this.t0 = performance.now();
    this.events0 = this.events();
  }

  end(): WindowFigures {
    const cpu = cpuMs() - this.cpu0;
    const main = this.mainThreadCpuMs() - this.main0;
    const n = this.events() - this.events0;
    return {
      events: n,
      wallEventsPerSec: (n * 1000) / (performance.now() - this.t0),
      eventsPerCpuSec: (n * 1000) / cpu,
      cpuPerEventUs: (cpu * 1000) / n,
      mainThreadCpuPerEventUs: (main * 1000) / n,
    };
  }
}

/**
 * The orchestrator's protocol for a measured server (bench/sections/falco.ts): `start` opens the cold window,
 * `mark` closes it and opens the measured one (absent: the whole run is measured, `cold` null), `stop` ends.
 */
export function onWindowMessages(
  meter: WindowMeter,
  stop: (measured: WindowFigures, cold: WindowFigures | null) => void,
): void {
  let cold: WindowFigures | null = null;
  process.on('message', (m: { type: string }) => {
    if (m.type === 'start') meter.begin();
    else if (m.type === 'mark') {
      cold = meter.end();
      meter.begin();
    } else if (m.type === 'stop') stop(meter.end(), cold);
  });
}
