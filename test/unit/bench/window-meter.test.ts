import { describe, expect, it } from 'vitest';
import { WindowMeter } from '../../../bench/lib/window-meter.js';

/** Burns CPU until `ms` of process CPU time have passed, so a window has CPU to divide by. */
function burn(ms: number): void {
  const until = process.cpuUsage().user / 1000 + ms;
  let x = 0;
  while (process.cpuUsage().user / 1000 < until) x += Math.sqrt(x + 1);
  expect(x).toBeGreaterThan(0);
}

describe('WindowMeter (the Falco row: a cold window, then the measured one)', () => {
  it('counts only the events of its own window, and divides by its own CPU', () => {
    let events = 0;
    let main = 0;
    const meter = new WindowMeter(
      () => events,
      () => main,
    );
    meter.begin();
    events += 100;
    main += 5;
    burn(20);
    const cold = meter.end();
    meter.begin();
    events += 300;
    main += 3;
    burn(20);
    const warm = meter.end();
    expect(cold.events).toBe(100);
    expect(warm.events).toBe(300);
    expect(cold.mainThreadCpuPerEventUs).toBeCloseTo((5 * 1000) / 100);
    expect(warm.mainThreadCpuPerEventUs).toBeCloseTo((3 * 1000) / 300);
    for (const w of [cold, warm]) {
      expect(w.cpuPerEventUs).toBeGreaterThan(0);
      expect(w.eventsPerCpuSec).toBeCloseTo((w.events * 1e6) / (w.cpuPerEventUs * w.events), 3);
    }
  });

  it('says NaN for the main thread when it is not measured', () => {
    const meter = new WindowMeter(() => 1);
    meter.begin();
    expect(Number.isNaN(meter.end().mainThreadCpuPerEventUs)).toBe(true);
  });
});
