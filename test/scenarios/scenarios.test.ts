/**
 * Every scenario in examples/scenarios, in both sensor forms, through the real scan path: the alerts must
 * be exactly the expected ones (rule, severity, container; tool and destination where the scenario says),
 * and no secret from the input may appear in alerts, stderr, logs or metrics.
 */
import { describe, expect, it } from 'vitest';
import {
  expandScenario,
  expectedFor,
  loadScenarios,
  type Scenario,
  type SensorForm,
} from '../../src/scenarios/index.js';
import { runScenario, type ScenarioRun } from './harness.js';

const scenarios = loadScenarios();
// One scan per scenario and form, shared by the assertions on it.
const runs = new Map<string, Promise<ScenarioRun>>();
function run(s: Scenario, form: SensorForm): Promise<ScenarioRun> {
  const key = `${s.name}/${form}`;
  let r = runs.get(key);
  if (!r) {
    r = runScenario(s, form);
    runs.set(key, r);
  }
  return r;
}
const FORMS: SensorForm[] = ['tetragon', 'falco'];

/** Container reference of an alert: the scenario container whose id the alert's id is a prefix of (Falco: 12 chars). */
function containerRef(s: Scenario, id: string): string {
  const timeline = expandScenario(s);
  const hit = timeline.containers.find((c) => c.id?.startsWith(id));
  return hit ? hit.ref : `unknown:${id}`;
}

type Seen = { rule: string; severity: string; container: string; tool?: string; destination?: string | null };

function observed(s: Scenario, form: SensorForm, run: ScenarioRun): Seen[] {
  const expected = expectedFor(s, form);
  return run.alerts
    .map((a) => {
      const seen: Seen = { rule: a.rule, severity: a.severity, container: containerRef(s, a.container.id) };
      // Compare tool/destination only where the matching expectation names them.
      const exp = expected.find((e) => e.container === seen.container && e.rule === seen.rule);
      if (exp?.tool !== undefined) seen.tool = a.push.tool;
      if (exp?.destination !== undefined) seen.destination = a.push.destination;
      return seen;
    })
    .sort(bySeen);
}

function bySeen(a: Seen, b: Seen): number {
  return `${a.container}/${a.rule}`.localeCompare(`${b.container}/${b.rule}`);
}

function wanted(s: Scenario, form: SensorForm): Seen[] {
  return expectedFor(s, form)
    .map((e) => {
      const w: Seen = { rule: e.rule, severity: e.severity, container: e.container };
      if (e.tool !== undefined) w.tool = e.tool;
      if (e.destination !== undefined) w.destination = e.destination;
      return w;
    })
    .sort(bySeen);
}

/** Credentials that must never be printed, whether or not the scenario lists them. */
const SECRET_SHAPES = [
  /ghp_[A-Za-z0-9]{20,}/,
  /glpat-[A-Za-z0-9_-]{16,}/,
  /[a-z][a-z0-9+.-]*:\/\/[^/\s:@"]+:[^/\s@"]+@/i,
];

describe.each(scenarios.map((s) => [s.name, s] as const))('scenario %s', (_name, s) => {
  describe.each(FORMS)('%s form', (form) => {
    const expected = expectedFor(s, form);
    it(`raises exactly the expected alerts (${expected.length === 0 ? 'none' : expected.map((e) => `${e.severity} ${e.rule}`).join(', ')})`, async () => {
      const result = await run(s, form);
      // Every generated line is a well-formed event the normalizer uses.
      expect(result.summary.events).toBeGreaterThan(0);
      expect(result.summary.decodeErrors).toBe(0);
      expect(result.summary.ignored).toBe(0);
      expect(observed(s, form, result)).toEqual(wanted(s, form));
      for (const alert of result.alerts) {
        expect(alert.source).toBe(form);
        expect(alert.mitre).toEqual({ technique: 'T1567.001', tactic: 'exfiltration' });
        expect(alert.degraded).toBe(false);
      }
    });

    it('leaks no secret into alerts, stderr, logs or metrics', async () => {
      const result = await run(s, form);
      const outputs = { alerts: result.stdout, stderr: result.stderr, logs: result.logs, metrics: result.metrics };
      for (const [where, text] of Object.entries(outputs)) {
        for (const secret of s.secrets) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
        for (const shape of SECRET_SHAPES) expect(text, `${shape} in ${where}`).not.toMatch(shape);
      }
    });
  });
});
