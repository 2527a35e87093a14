/**
 * `npm run bench [-- --quick | --full]`: exfilwatch's hot paths against the raw ceilings of their
 * transports, measured in one run on this machine, as ratios (issue 8). Every measured path runs in its
 * own child process (RSS and CPU are its own); baselines run in the same process tree, alternated with
 * the paths they are compared with. The workload carries attack sequences from the scenario library: if
 * their alerts are missing, or others appear, the bench prints FAIL and exits 1 however fast it was.
 *
 * Exit codes: 0 every target met; 1 wrong alerts (or dropped events); 3 a performance target missed;
 * 2 usage.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { tetragonGrpcConfigSchema } from '../src/sources/tetragon-grpc/schema.js';
import type { AlertCheck } from './lib/check.js';
import type { SpawnOptions } from './lib/child.js';
import { compileForChildren, removeBuild, repoRoot } from './lib/compile.js';
import { type BenchOptions, type BenchSection, parseBenchArgs, savedRunName } from './lib/options.js';
import { markdownTable, type Row, textTable } from './lib/report.js';
import { falcoSection } from './sections/falco.js';
import { grpcSection } from './sections/grpc.js';
import { memorySection } from './sections/memory.js';
import { scanSection } from './sections/scan.js';
import { buildWorkload } from './workload/build.js';

const log = (s: string) => process.stderr.write(`${s}\n`);

/** Whether the tetragon-grpc source has the ingest worker option (then both modes are measured). */
function hasWorkerOption(): boolean {
  return 'worker' in (tetragonGrpcConfigSchema as unknown as { shape: Record<string, unknown> }).shape;
}

async function main(o: BenchOptions): Promise<number> {
  const started = performance.now();
  // Outside bench/ (and gitignored): linters check bench/**, and results are not source.
  const outDir = join(repoRoot, '.tmp', 'bench');
  mkdirSync(outDir, { recursive: true });
  const prof: SpawnOptions = o.profile
    ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${join(outDir, 'profiles')}`] }
    : {};
  log(`exfilwatch bench (${o.mode}) on ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await compileForChildren();
  process.on('exit', removeBuild);
  const w = buildWorkload(
    { seed: o.seed, events: o.events, containers: o.containers, falcoEvents: o.falcoEvents },
    log,
  );
  const m = w.meta;
  log(
    `workload: ${m.total} Tetragon events (${m.attackEvents} from ${m.expected.length} expected alerts' scenarios), ` +
      `${o.containers} containers, mix ${Object.entries(m.kinds)
        .map(([k, v]) => `${k} ${((v / m.total) * 100).toFixed(1)}%`)
        .join(', ')}; messages ${m.messageBytes.min}–${m.messageBytes.max} B (mean ${m.messageBytes.mean})`,
  );

  const rows: Row[] = [];
  const checks: Array<{ what: string; check: AlertCheck; dropped: number }> = [];
  const details: Record<string, unknown> = {};

  const wanted = (s: BenchSection) => o.only === null || o.only.has(s);
  if (wanted('grpc')) {
    log('\nTetragon gRPC (unix socket):');
    const workerModes = o.workerModes && hasWorkerOption() ? [false, true] : [false];
    const grpc = await grpcSection(w, o, outDir, workerModes, prof, log);
    rows.push(...grpc.rows);
    checks.push(...grpc.checks);
    details.grpc = grpc.details;
  }
  if (wanted('scan')) {
    log('\nscan (Tetragon JSON lines):');
    const scan = await scanSection(w, o, prof, log);
    rows.push(...scan.rows);
    checks.push(...scan.checks);
    details.scan = scan.details;
  }
  if (wanted('falco')) {
    log('\nFalco http_output receiver:');
    const falco = await falcoSection(w, o, prof, log);
    rows.push(...falco.rows);
    details.falco = falco.details;
  }
  let memoryAlerts = 0;
  if (wanted('memory')) {
    log(`\nmemory (${o.memoryContainers} containers):`);
    const memory = await memorySection(o, log);
    rows.push(...memory.rows);
    details.memory = memory.details;
    memoryAlerts = (memory.details as { alerts: number }).alerts;
  }

  const wrong = checks.filter((c) => !c.check.ok || c.dropped > 0);
  const elapsedS = (performance.now() - started) / 1000;
  const table = textTable(rows);
  process.stdout.write(`\n${table}\n\n`);
  for (const c of wrong) {
    process.stdout.write(
      `FAIL ${c.what}: ${c.check.produced} alerts for ${c.check.expected} expected` +
        `${c.check.missing.length ? `; missing: ${c.check.missing.join('; ')}` : ''}` +
        `${c.check.extra.length ? `; unexpected: ${c.check.extra.join('; ')}` : ''}` +
        `${c.dropped ? `; ${c.dropped} events dropped` : ''}\n`,
    );
  }
  if (memoryAlerts > 0) process.stdout.write(`FAIL memory run: ${memoryAlerts} alerts on benign traffic\n`);
  const correct = wrong.length === 0 && memoryAlerts === 0;
  if (correct) {
    process.stdout.write(
      `alerts: every run produced exactly the ${m.expected.length} expected alerts (${checks.length} runs checked)\n`,
    );
  }
  const missed = rows.filter((r) => r.pass === false);
  process.stdout.write(
    `${missed.length === 0 ? 'all targets met' : `${missed.length} target(s) missed`}; ${o.mode} run took ${elapsedS.toFixed(0)} s; ` +
      `load average now ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} on ${availableParallelism()} CPUs\n`,
  );

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const record = {
    mode: o.mode,
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    elapsedS,
    rows,
    checks,
    workload: m,
    details,
  };
  // A partial run, or one over another workload, must not be taken for a standard one by summarize.ts.
  const name = savedRunName(o);
  writeFileSync(join(outDir, `results-${name}-${stamp}.json`), JSON.stringify(record, null, 2));
  writeFileSync(join(outDir, `latest-${name}.md`), `${markdownTable(rows)}\n`);
  if (!correct) return 1;
  return missed.length === 0 ? 0 : 3;
}

let options: BenchOptions;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
main(options).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
