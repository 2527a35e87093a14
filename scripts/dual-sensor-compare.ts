/**
 * Both sensors on one node: scans every generated scenario (and the demo's combined stream) as Tetragon
 * alone, Falco alone, and both interleaved by event time (what one live daemon fed by both sees), and
 * prints where the dual-sensor alerts differ from the single-sensor ones.
 *
 *   node --import tsx scripts/dual-sensor-compare.ts [--all] [NAME…]
 *
 * --all prints every scenario's alerts, not only the differences. Exit 0 always: this is a measurement.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { scan } from '../src/cli/scan.js';
import { parseConfig } from '../src/config/load.js';
import type { Alert } from '../src/model/alert.js';
import { systemClock } from '../src/model/clock.js';
import {
  expandScenario,
  generateBackground,
  interleaveByTime,
  loadScenarios,
  mergeTimelines,
  renderFalco,
  renderTetragon,
  type Scenario,
} from '../src/scenarios/index.js';
import { silentLogger } from '../src/telemetry/logger.js';
import { createMetrics } from '../src/telemetry/metrics.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function scanText(config: ReturnType<typeof parseConfig>, lines: string[]): Promise<Alert[]> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-dual-'));
  const path = join(dir, 'events.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  const stdout = new Capture();
  try {
    await scan(
      config,
      { logger: silentLogger(), metrics: createMetrics(), clock: systemClock, node: 'scan-node' },
      { paths: [path], format: 'auto', stdout, stderr: new Capture(), progressIntervalMs: 0, threads: 0 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return stdout.text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Alert);
}

function configOf(s: Pick<Scenario, 'config'>) {
  type Obj = Record<string, unknown>;
  const raw = structuredClone(s.config ?? {}) as Obj;
  const correlator = (raw.correlator ?? {}) as Obj;
  const destinations = (correlator.destinations ?? {}) as Obj;
  return parseConfig({ ...raw, correlator: { ...correlator, destinations: { ...destinations, dnsRefreshMs: 0 } } });
}

/** The fields a responder acts on, container id cut to Falco's 12 chars so the two sensors compare. */
function brief(a: Alert): string {
  const r = a.reads;
  return [
    a.container.id.slice(0, 12),
    a.rule,
    a.severity,
    `bytes=${r.bytes}`,
    `files=${r.files}`,
    `sens=[${r.sensitive.join(',')}]`,
    `egress=${a.egressBytes}`,
    `ev=${a.evidence.length}`,
    `src=${a.source}`,
    `deg=${a.degraded}`,
    `supp=${a.suppressed}`,
  ].join(' ');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const all = args.includes('--all');
  const names = args.filter((a) => !a.startsWith('--'));
  const scenarios = loadScenarios().filter((s) => names.length === 0 || names.includes(s.name));
  const cases: Array<{ name: string; config: ReturnType<typeof parseConfig>; t: string[]; f: string[] }> = [];
  for (const s of scenarios) {
    const tl = expandScenario(s);
    cases.push({ name: s.name, config: configOf(s), t: renderTetragon(tl), f: renderFalco(tl) });
  }
  if (names.length === 0) {
    const demo = scenarios.filter((s) => s.demo);
    const allowlist = demo.flatMap((s) => (s.config?.allowlist as unknown[] | undefined) ?? []);
    const tl = mergeTimelines([...demo.map((s) => expandScenario(s)), generateBackground({ durationMs: 240_000 })]);
    const config = parseConfig({ allowlist, correlator: { destinations: { dnsRefreshMs: 0 } } });
    cases.push({ name: 'DEMO(combined)', config, t: renderTetragon(tl), f: renderFalco(tl) });
  }
  let differing = 0;
  for (const c of cases) {
    const t = (await scanText(c.config, c.t)).map(brief).sort();
    const f = (await scanText(c.config, c.f)).map(brief).sort();
    const tf = (await scanText(c.config, interleaveByTime(c.t, c.f))).map(brief).sort();
    const ft = (await scanText(c.config, interleaveByTime(c.f, c.t))).map(brief).sort();
    const same = (x: string[], y: string[]) => JSON.stringify(x) === JSON.stringify(y);
    const strip = (x: string[]) => x.map((l) => l.replace(/ src=\w+/, ''));
    const ok =
      (same(strip(tf), strip(t)) || same(strip(tf), strip(f))) &&
      (same(strip(ft), strip(t)) || same(strip(ft), strip(f)));
    if (!ok) differing++;
    if (ok && !all) continue;
    console.log(`== ${c.name}${ok ? '' : '  DIFFERS'}`);
    for (const [label, list] of [
      ['tetragon', t],
      ['falco   ', f],
      ['both T<F', tf],
      ['both F<T', ft],
    ] as const) {
      if (list.length === 0) console.log(`  ${label}: (none)`);
      for (const l of list) console.log(`  ${label}: ${l}`);
    }
  }
  console.log(`${differing} of ${cases.length} cases differ from either sensor alone`);
}

await main();
