/**
 * The path under test: `exfilwatch scan FILE` itself (src/cli/scan.ts `scan()`: the JSON-lines source —
 * read, split, JSON.parse, detect the format, normalize — → event queue → the real correlator → alerts
 * as JSON lines on stdout), to the end of the file and the final flush. Alerts are read back from its
 * stdout.
 *
 *   --file F --count N [--threads auto|N]
 */
import { Writable } from 'node:stream';
import { parseThreads, scan } from '../../src/cli/scan.js';
import type { Alert } from '../../src/model/alert.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { childArgs, childMain, cpuMs, peakRssMb, tell } from '../lib/child.js';
import type { BenchAlert } from '../lib/pipeline-probe.js';

childMain(async () => {
  const args = childArgs();
  const count = Number(args.count);
  let text = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString('utf8');
      cb();
    },
  });
  const stderr = new Writable({ write: (_chunk, _enc, cb) => cb() });
  // Set-up, not scanning: benchConfig() validates its config in a child process, as `exfilwatch run` does
  // (~0.3 s of wall time on the main thread; `exfilwatch scan` loads its config before scanning too).
  const config = benchConfig();
  const deps = benchDeps();
  const t0 = performance.now();
  const cpu0 = cpuMs();
  const summary = await scan(config, deps, {
    paths: [args.file!],
    format: 'auto',
    stdout,
    stderr,
    progressIntervalMs: 0,
    threads: args.threads === undefined ? 'auto' : parseThreads(args.threads),
  });
  const elapsedMs = performance.now() - t0;
  const alerts: BenchAlert[] = text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Alert)
    .map((a) => ({
      rule: a.rule,
      severity: a.severity,
      containerId: a.container?.id ?? null,
      tool: a.push?.tool ?? null,
      destination: a.push?.destination ?? null,
    }));
  tell({
    type: 'result',
    events: count,
    eventsPerSec: (count * 1000) / elapsedMs,
    cpuPerEventUs: ((cpuMs() - cpu0) * 1000) / count,
    scanned: summary.events,
    ignored: summary.ignored,
    decodeErrors: summary.decodeErrors,
    dropped: count - summary.events - summary.ignored - summary.decodeErrors,
    alerts,
    peakRssMb: peakRssMb(),
  });
});
