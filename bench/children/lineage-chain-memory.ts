/**
 * What a deep exec chain leaves in the correlator's heap (issue 8: memory bounded and flat): `sh` exec'ing
 * `sh` DEPTH times in one container, each link exiting after its child's exec (or, `--running`, none
 * exiting: the process cap evicts them), one live process at the end. Reports the heap the correlator
 * holds after a full collection once the chain is ingested (its events are built and kept before the first
 * measurement, so they cancel out) and the ProcState records still reachable (v8.queryObjects).
 *
 *   node --expose-gc --import tsx bench/children/lineage-chain-memory.ts [--depth 40000] [--running]
 */
import { queryObjects } from 'node:v8';
import { correlatorConfigSchema } from '../../src/correlate/config.js';
import { createCorrelator } from '../../src/correlate/index.js';
import { ProcState } from '../../src/correlate/proc-state.js';
import type { NormalizedEvent, ProcessRef } from '../../src/model/normalized-event.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';

const at = process.argv.indexOf('--depth');
const DEPTH = at >= 0 ? Number(process.argv[at + 1]) : 40_000;
const running = process.argv.includes('--running');
const T0 = Date.parse('2025-03-01T10:00:00Z');
const container = { id: 'ab12cd34'.repeat(8), name: 'chain', image: 'alpine:3' };
const pod = { namespace: 'prod', name: 'chain-0' };

function proc(i: number): ProcessRef {
  return {
    execId: `exec-${i}`,
    parentExecId: i === 0 ? null : `exec-${i - 1}`,
    pid: 1000 + i,
    ppid: i === 0 ? null : 999 + i,
    binary: '/bin/sh',
    args: `-c "exec sh /opt/step-${i}.sh"`,
    parentBinary: i === 0 ? null : '/bin/sh',
    parentArgs: i === 0 ? null : `-c "exec sh /opt/step-${i - 1}.sh"`,
    containerPid: i + 1,
  };
}

function base(t: number, p: ProcessRef) {
  return {
    time: new Date(t).toISOString(),
    timeMs: t,
    source: 'tetragon' as const,
    node: 'n1',
    container,
    pod,
    process: p,
  };
}

const events: NormalizedEvent[] = [];
let t = T0;
for (let i = 0; i <= DEPTH; i++) {
  events.push({ kind: 'exec', ...base(t, proc(i)), process: { ...proc(i), cwd: '/' } });
  t += 5;
  if (!running && i > 1) events.push({ kind: 'exit', ...base(t, proc(i - 1)), exit: { status: 0, signal: null } });
  t += 5;
}
events.push({ kind: 'file', ...base(t, proc(DEPTH)), file: { path: '/srv/app/config.yaml', op: 'read', bytes: 100 } });

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const correlator = createCorrelator(correlatorConfigSchema.parse({}), [], {
  logger: silentLogger(),
  metrics: createMetrics(),
  clock: { now: () => T0 },
  resolveHost: null,
});
gc();
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < events.length; i += 1024) correlator.ingest(events.slice(i, i + 1024));
gc();
gc();
const after = process.memoryUsage().heapUsed;
const procStates = queryObjects(ProcState, { format: 'count' });
console.log(
  JSON.stringify({
    depth: DEPTH,
    running,
    retainedMB: Number(((after - before) / 1e6).toFixed(2)),
    procStates,
    tracked: correlator.trackedContainers(),
  }),
);
