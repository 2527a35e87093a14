import { describe, expect, it } from 'vitest';
import { mergeScenarioConfigs } from '../../../src/demo/config.js';
import { buildRound, type DemoScenario, pace } from '../../../src/demo/plan.js';
import { createReplayClock } from '../../../src/demo/replay-clock.js';
import { formatSummary, judge } from '../../../src/demo/verdict.js';
import { ConfigError } from '../../../src/errors.js';
import type { Alert } from '../../../src/model/alert.js';
import { loadScenarios, type Scenario } from '../../../src/scenarios/index.js';

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);
const ID_BG = 'c'.repeat(64);

function alert(
  containerId: string,
  rule: string,
  severity: Alert['severity'],
  tool = 'git',
  destination = 'github.com',
): Alert {
  return {
    id: `${rule}-${containerId.slice(0, 4)}`,
    time: '2026-03-02T09:00:10.000000000Z',
    rule,
    severity,
    summary: 's',
    node: 'worker-1',
    container: { id: containerId, name: 'c', image: null },
    pod: null,
    process: { binary: null, args: null, pid: null, execId: null, uid: null },
    push: { tool, destination, remote: null, namedBy: 'argv', addresses: [] },
    reads: { bytes: 0, files: 0, top: [], sensitive: [] },
    egressBytes: null,
    window: { start: '2026-03-02T09:00:00Z', end: '2026-03-02T09:00:10Z' },
    evidence: [],
    mitre: { technique: 'T1567.001', tactic: 'exfiltration' },
    source: 'tetragon',
    degraded: false,
    suppressed: 0,
    response: [],
  };
}

const scenarios: DemoScenario[] = [
  {
    name: 'attack-a',
    kind: 'attack',
    title: 'A',
    expect: [
      { rule: 'bulk-read-then-push', severity: 'high', container: 'app', tool: 'git', destination: 'github.com' },
    ],
    containers: [{ ref: 'app', id: ID_A, namespace: 'ns', pod: 'p' }],
  },
  {
    name: 'benign-b',
    kind: 'benign',
    title: 'B',
    expect: [],
    containers: [{ ref: 'web', id: ID_B, namespace: 'ns', pod: 'q' }],
  },
];

describe('judge', () => {
  it('passes when every attack raised exactly what it expects and benign ones stayed quiet (Falco 12-char ids too)', () => {
    const v = judge(scenarios, [alert(ID_A.slice(0, 12), 'bulk-read-then-push', 'high', 'git', 'github.com:443')]);
    expect(v.ok).toBe(true);
    expect(v.attacks).toEqual({ caught: 1, total: 1 });
    expect(v.benign).toEqual({ quiet: 1, total: 1 });
  });

  it('fails on a wrong severity, an alert on a benign scenario, and one on nobody’s container', () => {
    const v = judge(scenarios, [
      alert(ID_A, 'bulk-read-then-push', 'medium'),
      alert(ID_B, 'push-without-reads', 'low'),
      alert(ID_BG, 'push-without-reads', 'low'),
    ]);
    expect(v.ok).toBe(false);
    expect(v.attacks.caught).toBe(0);
    expect(v.benign.quiet).toBe(0);
    expect(v.unattributed).toHaveLength(1);
    const text = formatSummary({ events: 10, alertsBySeverity: { medium: 1, low: 2 }, verdict: v, elapsedMs: 1234 });
    expect(text).toContain('events replayed: 10   alerts: 3 (medium 1, low 2)   elapsed: 1.2 s');
    expect(text).toContain('attack scenarios caught: 0/1   benign scenarios quiet: 0/1');
    expect(text).toContain(
      'NOT CAUGHT  attack-a: missing bulk-read-then-push/high via git to github.com; unexpected bulk-read-then-push/medium',
    );
    expect(text).toContain('NOT QUIET   benign-b: unexpected push-without-reads/low');
    expect(text).toContain('background traffic: 1 alert(s) on containers of no scenario');
    expect(text).toContain('result: FAIL');
  });

  it('a loop round that misses makes the scenario fail even if another round caught it', () => {
    const second = { ...scenarios[0]!, containers: [{ ref: 'app', id: 'd'.repeat(64), namespace: 'ns', pod: 'p' }] };
    const v = judge([scenarios[0]!, second], [alert(ID_A, 'bulk-read-then-push', 'high')]);
    expect(v.attacks).toEqual({ caught: 0, total: 1 });
  });
});

describe('buildRound and pace', () => {
  const library = loadScenarios().filter((s) => s.demo);

  it('expands every scenario at the demo start with its own containers, plus background on two nodes', () => {
    const startMs = Date.parse('2026-11-28T10:00:00Z');
    const round = buildRound(library, { form: 'tetragon', startMs, round: 0 });
    expect(round.scenarios.map((s) => s.name)).toEqual(library.map((s) => s.name));
    expect(round.background.nodes).toBe(2);
    expect(round.background.pods).toBeGreaterThanOrEqual(5);
    const first = JSON.parse(round.events[0]!.line) as { time: string };
    expect(Date.parse(first.time)).toBe(startMs);
    const ids = round.scenarios.flatMap((s) => s.containers.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < round.events.length; i++) {
      expect(round.events[i]!.emitMs).toBeGreaterThanOrEqual(round.events[i - 1]!.emitMs);
    }
  });

  it('a later --loop round gets fresh container ids', () => {
    const one: Scenario[] = library.slice(0, 2);
    const a = buildRound(one, { form: 'falco', startMs: 0, round: 0, background: false });
    const b = buildRound(one, { form: 'falco', startMs: 0, round: 1, background: false });
    const idsA = a.scenarios.flatMap((s) => s.containers.map((c) => c.id));
    const idsB = b.scenarios.flatMap((s) => s.containers.map((c) => c.id));
    expect(idsA.some((id) => idsB.includes(id))).toBe(false);
  });

  it('compresses wall time to the target, keeps order, and caps long gaps', () => {
    const events = [0, 1000, 2000, 3_600_000].map((emitMs, i) => ({ emitMs, line: String(i) }));
    const paced = pace(events, 1000, 100);
    expect(paced.map((p) => p.line)).toEqual(['0', '1', '2', '3']);
    expect(paced.at(-1)!.wallMs).toBeLessThanOrEqual(1000);
    expect(paced[3]!.wallMs - paced[2]!.wallMs).toBe(100);
    expect(pace([], 1000)).toEqual([]);
  });
});

describe('mergeScenarioConfigs', () => {
  const s = (name: string, config: Record<string, unknown>) => ({ name, config }) as unknown as Scenario;

  it('concatenates allowlists and merges other settings', () => {
    const merged = mergeScenarioConfigs([
      s('a', { allowlist: [{ namespace: 'ci', reason: 'x' }], correlator: { windowMs: 1 } }),
      s('b', { allowlist: [{ image: 'k/*', reason: 'y' }], correlator: { latenessMs: 2 } }),
    ]);
    expect(merged).toEqual({
      allowlist: [
        { namespace: 'ci', reason: 'x' },
        { image: 'k/*', reason: 'y' },
      ],
      correlator: { windowMs: 1, latenessMs: 2 },
    });
  });

  it('names both scenarios when they want different values', () => {
    expect(() =>
      mergeScenarioConfigs([s('a', { correlator: { windowMs: 1 } }), s('b', { correlator: { windowMs: 2 } })]),
    ).toThrow(ConfigError);
    expect(() =>
      mergeScenarioConfigs([s('a', { correlator: { windowMs: 1 } }), s('b', { correlator: { windowMs: 2 } })]),
    ).toThrow('scenario b: config.correlator.windowMs: conflicts with scenario a (1 vs 2)');
  });
});

describe('replay clock', () => {
  it('reads 0 until the pipeline took an event, then follows the newest event time, never backwards', () => {
    const clock = createReplayClock();
    expect(clock.now()).toBe(0);
    clock.observe(50_000);
    expect(clock.now()).toBe(50_000);
    clock.observe(40_000);
    expect(clock.now()).toBe(50_000);
  });
});
