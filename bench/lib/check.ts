/**
 * The correctness gate: a fast engine that misses an attack, or alerts on the benign traffic, fails the
 * bench. Every expected alert must be matched by exactly one produced alert (rule, severity, container,
 * and tool/destination where the scenario names them), and nothing else may be produced.
 */
import type { ExpectedBenchAlert } from '../workload/attacks.js';
import type { BenchAlert } from './pipeline-probe.js';

export interface AlertCheck {
  ok: boolean;
  produced: number;
  expected: number;
  missing: string[];
  extra: string[];
}

const describe = (a: { rule: string; severity: string; tool?: string | null; destination?: string | null }) =>
  `${a.rule}/${a.severity}${a.tool ? ` ${a.tool}` : ''}${a.destination ? ` → ${a.destination}` : ''}`;

function matches(e: ExpectedBenchAlert, a: BenchAlert): boolean {
  return (
    a.rule === e.rule &&
    a.severity === e.severity &&
    a.containerId === e.containerId &&
    (e.tool === undefined || a.tool === e.tool) &&
    (e.destination === undefined || a.destination === e.destination)
  );
}

export function checkAlerts(produced: readonly BenchAlert[], expected: readonly ExpectedBenchAlert[]): AlertCheck {
  const left = [...produced];
  const missing: string[] = [];
  for (const e of expected) {
    const i = left.findIndex((a) => matches(e, a));
    if (i < 0) missing.push(`${e.scenario}: ${describe(e)}`);
    else left.splice(i, 1);
  }
  const extra = left.map((a) => `${describe(a)} in container ${a.containerId?.slice(0, 12) ?? '?'}`);
  return {
    ok: missing.length === 0 && extra.length === 0,
    produced: produced.length,
    expected: expected.length,
    missing,
    extra,
  };
}
