/**
 * Runs one generated scenario file through the real scan path (JSON-lines source → pipeline → correlator
 * → stdout sink) in-process, capturing alerts, stderr and log lines, so tests can assert exact alerts and
 * that no secret leaks anywhere.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { type ScanSummary, scan } from '../../src/cli/scan.js';
import { parseConfig } from '../../src/config/load.js';
import type { Alert } from '../../src/model/alert.js';
import { systemClock } from '../../src/model/clock.js';
import {
  defaultScenarioDir,
  generatedPaths,
  generateScenario,
  parseScenario,
  type Scenario,
  type ScenarioInput,
  type SensorForm,
} from '../../src/scenarios/index.js';
import { createMetrics } from '../../src/telemetry/metrics.js';

export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface ScenarioRun {
  alerts: Alert[];
  stdout: string;
  stderr: string;
  logs: string;
  metrics: string;
  summary: ScanSummary;
}

/** The scenario's own config (allowlist…) with DNS resolution off: tests never touch the network. */
export function scenarioConfig(s: Scenario) {
  type Obj = Record<string, unknown>;
  const raw = structuredClone(s.config ?? {}) as Obj;
  const correlator = (raw.correlator ?? {}) as Obj;
  const destinations = (correlator.destinations ?? {}) as Obj;
  return parseConfig({ ...raw, correlator: { ...correlator, destinations: { ...destinations, dnsRefreshMs: 0 } } });
}

/**
 * `path`: the scenario's generated file in that form; by default the library's committed one, else one a test
 * wrote from a scenario it keeps out of the library (a miss found by review, checked without joining the bench's
 * workload).
 */
export async function runScenario(s: Scenario, form: SensorForm, path?: string): Promise<ScenarioRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const logs = new Capture();
  const metrics = createMetrics();
  const logger = pino({ level: 'debug', base: { svc: 'exfilwatch' } }, logs);
  const file = path ?? generatedPaths(defaultScenarioDir(), s.name)[form];
  const summary = await scan(
    scenarioConfig(s),
    { logger, metrics, clock: systemClock, node: 'scan-node' },
    {
      paths: [file],
      format: 'auto',
      stdout,
      stderr,
      progressIntervalMs: 0,
    },
  );
  const alerts = stdout.text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Alert);
  return {
    alerts,
    stdout: stdout.text,
    stderr: stderr.text,
    logs: logs.text,
    metrics: await metrics.registry.metrics(),
    summary,
  };
}

/**
 * A scenario kept out of the library (a miss found by review, checked without joining the bench's workload):
 * generated in `form` into a temporary file and scanned like the library's.
 */
export async function runInlineScenario(s: Scenario, form: SensorForm): Promise<ScenarioRun> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-inline-'));
  try {
    const path = join(dir, `${s.name}.${form}.jsonl`);
    writeFileSync(path, `${generateScenario(s)[form].join('\n')}\n`);
    return await runScenario(s, form, path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type InlineStep = ScenarioInput['steps'][number];
type InlineContainer = ScenarioInput['containers'][number];

/**
 * A scenario of one container (`app`, the `parent` its steps name) kept out of the library: the DNS answers that
 * class its destinations, its steps, and what of the container differs from a plain pod.
 */
export function inlineScenario(
  name: string,
  dns: Record<string, string>,
  steps: InlineStep[],
  container: Partial<InlineContainer> = {},
): Scenario {
  const app: InlineContainer = {
    name: 'app',
    namespace: 'team',
    pod: 'app-5f7d9c8b6d-abcde',
    image: 'registry.example.com/team/app:1.0',
    init: { binary: '/bin/sh', args: '-c "sleep infinity"', uid: 1000 },
    ...container,
  };
  return parseScenario(
    { name, kind: 'attack', title: name, nodes: ['worker-1'], dns, containers: [app], steps, expect: 'none' },
    name,
  );
}

/** What a test compares of an alert. */
export function briefOf(a: Alert) {
  return { rule: a.rule, severity: a.severity, tool: a.push.tool, destination: a.push.destination };
}
