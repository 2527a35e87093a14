/**
 * Which alert belongs to which scenario, and whether the demo passed: every attack scenario raised the
 * alerts its description expects, every benign one (and the background traffic) raised none. Scenarios
 * use their own containers, so an alert is attributed by its container id (Falco gives 12 characters,
 * Tetragon 64: compare on the common prefix).
 */
import type { Alert, Severity } from '../model/alert.js';
import { SEVERITIES } from '../model/alert.js';
import type { ExpectedAlert } from '../scenarios/schema.js';
import type { DemoScenario } from './plan.js';

export interface ScenarioOutcome {
  name: string;
  kind: 'attack' | 'benign';
  title: string;
  alerts: Alert[];
  /** Expected alerts no alert matched. */
  missing: ExpectedAlert[];
  /** Alerts on the scenario's containers that no expectation describes. */
  unexpected: Alert[];
  ok: boolean;
}

export interface Verdict {
  outcomes: ScenarioOutcome[];
  /** Alerts on containers of no scenario (the background traffic): each one is a false positive. */
  unattributed: Alert[];
  attacks: { caught: number; total: number };
  benign: { quiet: number; total: number };
  ok: boolean;
}

function sameContainer(alertId: string, scenarioId: string): boolean {
  const n = Math.min(alertId.length, scenarioId.length);
  return n >= 12 && alertId.slice(0, n) === scenarioId.slice(0, n);
}

function matchesDestination(actual: string | null, expected: string): boolean {
  if (actual === null) return false;
  return actual === expected || actual.startsWith(`${expected}:`);
}

function matches(alert: Alert, expected: ExpectedAlert, containerId: string | undefined): boolean {
  return (
    containerId !== undefined &&
    sameContainer(alert.container.id, containerId) &&
    alert.rule === expected.rule &&
    alert.severity === expected.severity &&
    (expected.tool === undefined || alert.push.tool === expected.tool) &&
    (expected.destination === undefined || matchesDestination(alert.push.destination, expected.destination))
  );
}

/** Judges one or more rounds: `scenarios` lists every round's scenarios (ids differ per round). */
export function judge(scenarios: readonly DemoScenario[], alerts: readonly Alert[]): Verdict {
  const remaining = new Set(alerts);
  const byName = new Map<string, ScenarioOutcome>();
  for (const s of scenarios) {
    const own = alerts.filter((a) => s.containers.some((c) => sameContainer(a.container.id, c.id)));
    for (const a of own) remaining.delete(a);
    const ids = new Map(s.containers.map((c) => [c.ref, c.id]));
    const expected = s.expect;
    const missing = expected.filter((e) => !own.some((a) => matches(a, e, ids.get(e.container))));
    const unexpected = own.filter((a) => !expected.some((e) => matches(a, e, ids.get(e.container))));
    const ok = missing.length === 0 && unexpected.length === 0 && (s.kind === 'benign' || own.length > 0);
    const prev = byName.get(s.name);
    if (prev) {
      // A later --loop round of the same scenario: it passes only if every round did.
      prev.alerts.push(...own);
      prev.missing.push(...missing);
      prev.unexpected.push(...unexpected);
      prev.ok = prev.ok && ok;
    } else {
      byName.set(s.name, { name: s.name, kind: s.kind, title: s.title, alerts: [...own], missing, unexpected, ok });
    }
  }
  const outcomes = [...byName.values()];
  const attacks = outcomes.filter((o) => o.kind === 'attack');
  const benign = outcomes.filter((o) => o.kind === 'benign');
  const unattributed = [...remaining];
  const caught = attacks.filter((o) => o.ok).length;
  const quiet = benign.filter((o) => o.ok).length;
  return {
    outcomes,
    unattributed,
    attacks: { caught, total: attacks.length },
    benign: { quiet, total: benign.length },
    ok: caught === attacks.length && quiet === benign.length && unattributed.length === 0,
  };
}

export interface SummaryInput {
  events: number;
  alertsBySeverity: Partial<Record<Severity, number>>;
  verdict: Verdict;
  elapsedMs: number;
}

function describeExpected(e: ExpectedAlert): string {
  return `${e.rule}/${e.severity}${e.tool ? ` via ${e.tool}` : ''}${e.destination ? ` to ${e.destination}` : ''}`;
}

/** The closing block: counts, then one line per scenario that failed, then the verdict. */
export function formatSummary(input: SummaryInput): string {
  const { verdict } = input;
  const total = SEVERITIES.reduce((n, s) => n + (input.alertsBySeverity[s] ?? 0), 0);
  const bySeverity = [...SEVERITIES]
    .reverse()
    .filter((s) => (input.alertsBySeverity[s] ?? 0) > 0)
    .map((s) => `${s} ${input.alertsBySeverity[s]}`)
    .join(', ');
  const lines = [
    '── summary ─────────────────────────────────────────────',
    `events replayed: ${input.events}   alerts: ${total}${bySeverity ? ` (${bySeverity})` : ''}   elapsed: ${(input.elapsedMs / 1000).toFixed(1)} s`,
    `attack scenarios caught: ${verdict.attacks.caught}/${verdict.attacks.total}   benign scenarios quiet: ${verdict.benign.quiet}/${verdict.benign.total}`,
  ];
  const notices = verdict.outcomes.filter((o) => o.kind === 'benign' && o.ok && o.alerts.length > 0).length;
  if (notices > 0) {
    // INTERFACES.md: a push with no notable reads is still reported, at low severity.
    lines.push(
      `  (quiet = nothing beyond what the description expects: ${notices} benign scenario(s) raise only the low-severity push notice)`,
    );
  }
  for (const o of verdict.outcomes) {
    if (o.ok) continue;
    const problems: string[] = [];
    if (o.kind === 'attack' && o.alerts.length === 0) problems.push('no alert');
    else if (o.missing.length > 0) problems.push(`missing ${o.missing.map(describeExpected).join(', ')}`);
    if (o.unexpected.length > 0)
      problems.push(`unexpected ${o.unexpected.map((a) => `${a.rule}/${a.severity}`).join(', ')}`);
    lines.push(`  ${o.kind === 'attack' ? 'NOT CAUGHT' : 'NOT QUIET '}  ${o.name}: ${problems.join('; ')}`);
  }
  if (verdict.unattributed.length > 0) {
    lines.push(
      `  NOT QUIET   background traffic: ${verdict.unattributed.length} alert(s) on containers of no scenario`,
    );
  }
  lines.push(
    verdict.ok ? 'result: PASS — every attack caught, every benign scenario quiet' : 'result: FAIL (see above)',
  );
  return `${lines.join('\n')}\n`;
}
