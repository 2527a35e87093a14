/**
 * Baseline: the bare minimum any JSON-lines consumer pays: read the file in 1 MiB chunks, cut lines at
 * '\n', decode UTF-8 and JSON.parse each line. Nothing else.
 *
 *   --file F
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { childArgs, childMain, cpuMs, peakRssMb, tell } from '../lib/child.js';

childMain(async () => {
  const args = childArgs();
  const fd = openSync(args.file!, 'r');
  const chunk = Buffer.allocUnsafe(1024 * 1024);
  let carry: Buffer = Buffer.alloc(0);
  let lines = 0;
  let touched = 0;
  const t0 = performance.now();
  const cpu0 = cpuMs();
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      const obj = JSON.parse(buf.toString('utf8', start, nl)) as Record<string, unknown>;
      if (obj.time !== undefined) touched++;
      lines++;
      start = nl + 1;
    }
    carry = Buffer.from(buf.subarray(start));
  }
  closeSync(fd);
  const elapsedMs = performance.now() - t0;
  tell({
    type: 'result',
    events: lines,
    eventsPerSec: (lines * 1000) / elapsedMs,
    cpuPerEventUs: ((cpuMs() - cpu0) * 1000) / lines,
    peakRssMb: peakRssMb(),
    touched,
  });
});
