/**
 * The attack sequences hidden in the benchmark stream, taken from the scenario library (examples/scenarios)
 * so their expected alerts are the ones the scenario tests hold the correlator to. Benign look-alikes ride
 * along: a fast engine that alerts on everything fails as surely as one that misses the attacks.
 */
import { join } from 'node:path';
import { defaultScenarioDir, expandScenario, loadScenarioFile, type Scenario } from '../../src/scenarios/index.js';
import type { Activity } from '../../src/scenarios/timeline.js';

/** Library scenarios the stream carries (attacks with expected alerts, and look-alikes expecting none). */
export const BENCH_SCENARIOS = [
  'git-push-https-bulk-read',
  'git-push-ssh-db-dump',
  'podman-push-creds',
  'benign-git-clone-large',
  'benign-s3-backup',
] as const;

export interface ExpectedBenchAlert {
  scenario: string;
  rule: string;
  severity: string;
  /** Bare 64-hex container id the alert must name. */
  containerId: string;
  tool?: string;
  destination?: string;
}

export interface PlacedScenarios {
  /** All scenario activities in delivery order. */
  activities: Activity[];
  expected: ExpectedBenchAlert[];
}

/** Moves a scenario onto the benchmark's node (the correlator's watermark is per node). */
function onNode(s: Scenario, node: string): Scenario {
  return { ...s, nodes: [node], containers: s.containers.map((c) => ({ ...c, node })) };
}

/**
 * Expands the bench scenarios, the i-th starting at `startsMs[i]` (epoch ms), onto `node`. Scenarios
 * that carry their own config (an allowlist) are refused: the bench runs one config.
 */
export function placeScenarios(node: string, startsMs: readonly number[], dir = defaultScenarioDir()): PlacedScenarios {
  const activities: Activity[] = [];
  const expected: ExpectedBenchAlert[] = [];
  BENCH_SCENARIOS.forEach((name, i) => {
    const scenario = onNode(loadScenarioFile(join(dir, `${name}.yaml`)), node);
    if (scenario.config !== undefined) throw new Error(`bench scenario ${name} carries its own config; pick another`);
    const timeline = expandScenario(scenario, { startMs: startsMs[i % startsMs.length]! });
    activities.push(...timeline.activities);
    if (scenario.expect === 'none') return;
    for (const e of scenario.expect) {
      const id = timeline.containers.find((c) => c.ref === e.container)?.id;
      if (!id) throw new Error(`bench scenario ${name}: no container ${e.container}`);
      expected.push({
        scenario: name,
        rule: e.rule,
        severity: e.severity,
        containerId: id,
        ...(e.tool ? { tool: e.tool } : {}),
        ...(e.destination ? { destination: e.destination } : {}),
      });
    }
  });
  activities.sort((a, b) => (a.emitNs < b.emitNs ? -1 : a.emitNs > b.emitNs ? 1 : 0));
  return { activities, expected };
}
