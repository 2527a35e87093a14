/**
 * CPU cost of the correlator alone: `correlator.ingest` over the bench workload (background + attack
 * sequences) as the gRPC path's normalizer makes it (normalizeTetragonBytes over the workload's
 * GetEventsResponse frames). Only ingest is measured: events are decoded before. Each run is a fresh
 * correlator over the same events; the report is CPU µs per event (process.cpuUsage, user + system, so
 * GC threads included), median of the runs, plus the alerts (checked against the scenarios' expected
 * alerts) and a digest of their full JSON, so a change that alters any detection result shows.
 *
 * Two ways to have the events ready (--events-in):
 *   batch     (default) each batch of 1,024 is decoded just before it is ingested, outside the measured
 *             time: the events are in cache and young, as the pipeline hands them over
 *   resident  all events decoded before the first run and kept: every event is a cache miss and the
 *             heap holds ~1 KB per event (needs room: not under the shipped heap cap)
 *
 * Standalone (not a section of `npm run bench`: it measures a component, not a path with a target):
 *   node --expose-gc --max-old-space-size=144 --max-semi-space-size=8 --import tsx \
 *     bench/children/correlate-cpu.ts [--events 200000] [--containers 5000] [--runs 5] [--seed 1]
 *     [--falco-events 50000] [--events-in batch|resident] [--gc] [--noop] [--pod-secrets none|mounts]
 * (the defaults reuse the default bench's cached workload; the flags are the image's, so GC behaves as
 * shipped; --expose-gc collects before each run).
 *
 * --gc   writes `#run-start` / `#run-end` on stdout around each run, so that with `--trace-gc-nvp` (also
 *        on stdout) a run's mark-compacts (gc=mc) and its scavenges' promoted= bytes can be summed, and
 *        reports the heap the run's state holds after a full collection (retainedMB, median): bytes
 *        promoted beyond it died in old space, the garbage that brings on mark-compacts.
 * --noop ingest does nothing: what decoding the batches alone promotes (subtract it from a real run's).
 * --pod-secrets  the pod table of kubernetes.podSecrets (src/kubernetes/) is on: `none` knows no mount for any
 *        container (a node whose pods mount no secret), `mounts` gives every container two secret directories
 *        and a subPath file its reads never hit (every read is tested against them). Same alerts either way.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import { createCorrelator, type PodSecretLookup } from '../../src/correlate/index.js';
import { normalizeTetragonBytes } from '../../src/formats/tetragon/from-wire.js';
import type { Alert } from '../../src/model/alert.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import { benchConfig, benchDeps } from '../lib/app-config.js';
import { checkAlerts } from '../lib/check.js';
import { median } from '../lib/stats.js';
import { BENCH_NODE, buildWorkload } from '../workload/build.js';

const BATCH = 1024;

function option(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? '') : def;
}

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a non-negative integer`);
  return v;
}

/** The workload's frames, decoded a batch at a time (the next batch replaces the previous one). */
function* batches(frames: Buffer): Generator<NormalizedEvent[]> {
  let pos = 0;
  while (pos + 5 <= frames.length) {
    const batch: NormalizedEvent[] = [];
    while (batch.length < BATCH && pos + 5 <= frames.length) {
      const len = frames.readUInt32BE(pos + 1);
      const e = normalizeTetragonBytes(frames.subarray(pos + 5, pos + 5 + len), { node: BENCH_NODE });
      if (e !== null) batch.push(e);
      pos += 5 + len;
    }
    yield batch;
  }
}

function podSecretsLookup(): PodSecretLookup | null {
  const mode = option('pod-secrets', '');
  if (mode === '') return null;
  if (mode !== 'none' && mode !== 'mounts') throw new Error('--pod-secrets needs none or mounts');
  const mounts = { dirs: ['/etc/app/secrets/', '/var/secrets/google/'], files: ['/app/config/api-key'] };
  return { generation: 0, mountsOf: () => (mode === 'mounts' ? mounts : null) };
}

const collect = (): void => (globalThis as { gc?: () => void }).gc?.();

function runOnce(source: Iterable<NormalizedEvent[]>): {
  events: number;
  cpuUs: number;
  alerts: Alert[];
  retainedBytes: number | null;
} {
  const config = benchConfig();
  const real = createCorrelator(config.correlator, config.allowlist, {
    ...benchDeps(),
    resolveHost: null,
    podSecrets: podSecretsLookup(),
  });
  const correlator = noop ? { ingest: (_: NormalizedEvent[]): Alert[] => [], flush: (): Alert[] => [] } : real;
  collect();
  const heap0 = process.memoryUsage().heapUsed;
  // Run markers on stdout, where --trace-gc-nvp writes (promoted bytes per scavenge are only there).
  if (withGc) writeSync(1, `#run-start\n`);
  const alerts: Alert[] = [];
  let cpuUs = 0;
  let events = 0;
  for (const batch of source) {
    const c0 = process.cpuUsage();
    const out = correlator.ingest(batch);
    const c = process.cpuUsage(c0);
    cpuUs += c.user + c.system;
    events += batch.length;
    for (const a of out) alerts.push(a);
  }
  const c0 = process.cpuUsage();
  for (const a of correlator.flush()) alerts.push(a);
  const c = process.cpuUsage(c0);
  let retainedBytes: number | null = null;
  if (withGc) {
    writeSync(1, `#run-end\n`);
    collect();
    retainedBytes = process.memoryUsage().heapUsed - heap0;
  }
  // Keeps the correlator's state reachable until the heap was measured.
  real.close();
  return { events, cpuUs: cpuUs + c.user + c.system, alerts, retainedBytes };
}

const spec = {
  seed: flag('seed', 1),
  events: flag('events', 200_000),
  containers: flag('containers', 5_000),
  falcoEvents: flag('falco-events', 50_000),
};
const runs = flag('runs', 5);
const withGc = process.argv.includes('--gc');
const noop = process.argv.includes('--noop');
const eventsIn = option('events-in', 'batch');
if (eventsIn !== 'batch' && eventsIn !== 'resident') throw new Error('--events-in is batch or resident');
const w = buildWorkload(spec, (s) => process.stderr.write(`${s}\n`));
const frames = readFileSync(w.grpc);
const resident = eventsIn === 'resident' ? [...batches(frames)] : null;
process.stderr.write(`${w.meta.total} events (${spec.containers} containers), decoded per ${eventsIn}; ${runs} runs\n`);

const perEvent: number[] = [];
const retained: number[] = [];
let digest = '';
let check: ReturnType<typeof checkAlerts> | null = null;
let total = 0;
for (let r = 0; r < runs; r++) {
  const { events, cpuUs, alerts, retainedBytes } = runOnce(resident ?? batches(frames));
  total = events;
  const us = cpuUs / events;
  perEvent.push(us);
  if (retainedBytes !== null) retained.push(retainedBytes);
  const d = createHash('sha256').update(JSON.stringify(alerts)).digest('hex').slice(0, 16);
  if (digest !== '' && d !== digest) throw new Error(`run ${r + 1}: alerts differ from run 1 (${d} vs ${digest})`);
  digest = d;
  check = checkAlerts(
    alerts.map((a) => ({
      rule: a.rule,
      severity: a.severity,
      containerId: a.container?.id ?? null,
      tool: a.push?.tool ?? null,
      destination: a.push?.destination ?? null,
    })),
    w.meta.expected,
  );
  process.stderr.write(`run ${r + 1}: ${us.toFixed(3)} µs CPU/event, ${alerts.length} alerts\n`);
}
const result = {
  events: total,
  eventsIn,
  runs,
  cpuUsPerEvent: Number(median(perEvent).toFixed(3)),
  allRuns: perEvent.map((x) => Number(x.toFixed(3))),
  alerts: check?.produced ?? 0,
  alertsOk: check?.ok ?? false,
  alertsDigest: digest,
  ...(retained.length > 0 ? { retainedMB: Number((median(retained) / 1e6).toFixed(2)) } : {}),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
if (!result.alertsOk && !noop) {
  process.stderr.write(`alerts differ from the expected: missing ${check?.missing} extra ${check?.extra}\n`);
  process.exitCode = 1;
}
