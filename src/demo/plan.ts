/**
 * What the demo replays: the bundled scenario descriptions (examples/scenarios/*.yaml) expanded by the
 * scenario library at the demo's own start time, interleaved with benign background traffic from several
 * pods on two nodes, rendered in Tetragon or Falco JSON form. Expanding the descriptions (rather than
 * rewriting timestamps inside the committed JSON lines) keeps every derived value consistent — exec ids
 * carry ktime, Falco output text carries the time — and lets `--loop` give each round fresh container and
 * process ids so the correlator sees new activity instead of suppressing repeats.
 */
import {
  expandScenario,
  generateBackground,
  mergeTimelines,
  renderFalco,
  renderTetragon,
  type Scenario,
  type Timeline,
} from '../scenarios/index.js';
import { type ExpectedAlert, expectedFor } from '../scenarios/schema.js';

export type ReplayForm = 'tetragon' | 'falco';

export interface DemoContainer {
  /** `containers[].name` in the description. */
  ref: string;
  /** 64 hex characters. */
  id: string;
  namespace: string | null;
  pod: string | null;
}

/** One scenario as the verdict needs it: which containers are its own, and what it must raise. */
export interface DemoScenario {
  name: string;
  kind: 'attack' | 'benign';
  title: string;
  /** What the replayed sensor form must raise (empty: nothing). */
  expect: ExpectedAlert[];
  containers: DemoContainer[];
}

export interface ReplayEvent {
  /** Event time at which the sensor delivers it (epoch ms): drives pacing and the replay clock. */
  emitMs: number;
  /** One JSON line in the chosen sensor form. */
  line: string;
}

export interface ReplayRound {
  events: ReplayEvent[];
  scenarios: DemoScenario[];
  /** Event-time span of the round (first to last emitted event), ms. */
  spanMs: number;
  /** The benign background traffic mixed in: how many pods, on how many nodes. */
  background: { pods: number; nodes: number };
}

export interface RoundOptions {
  form: ReplayForm;
  /** Event time (epoch ms) at which every scenario and the background traffic start. */
  startMs: number;
  /** 0 for the first round; later `--loop` rounds re-seed so ids differ. */
  round: number;
  /** Include benign background traffic (default true). */
  background?: boolean;
}

/** A round of the replay: every scenario starting at `startMs`, merged in delivery order with the noise. */
export function buildRound(scenarios: readonly Scenario[], options: RoundOptions): ReplayRound {
  const parts: Timeline[] = [];
  const described: DemoScenario[] = [];
  let endMs = options.startMs;
  for (const scenario of scenarios) {
    const reseeded = options.round === 0 ? scenario : { ...scenario, seed: scenario.seed + options.round * 7919 };
    const timeline = expandScenario(reseeded, { startMs: options.startMs });
    parts.push(timeline);
    const last = timeline.activities.at(-1);
    if (last) endMs = Math.max(endMs, nsToMs(last.emitNs));
    described.push({
      name: scenario.name,
      kind: scenario.kind,
      title: scenario.title,
      expect: expectedFor(scenario, options.form),
      containers: timeline.containers
        .filter((c) => !c.host && c.id !== null)
        .map((c) => ({ ref: c.ref, id: c.id!, namespace: c.namespace, pod: c.pod })),
    });
  }
  const background = { pods: 0, nodes: 0 };
  if (options.background ?? true) {
    // The noise covers the scenarios' whole span so it interleaves with every one of them.
    const durationMs = Math.max(30_000, endMs - options.startMs);
    // About 300 rounds of pod activity whatever the span, so a scenario that lasts hours does not drown the
    // replay in noise (and the demo stays a few seconds long).
    const periodS = Math.max(5, Math.round(durationMs / 1000 / 300));
    const noise = generateBackground({ startMs: options.startMs, durationMs, periodS, seed: 7 + options.round * 7919 });
    parts.push(noise);
    background.pods = new Set(noise.containers.map((c) => c.pod)).size;
    background.nodes = new Set(noise.containers.map((c) => c.node.name)).size;
  }
  const merged = mergeTimelines(parts);
  const lines = options.form === 'tetragon' ? renderTetragon(merged) : renderFalco(merged);
  const events = merged.activities.map((a, i) => ({ emitMs: nsToMs(a.emitNs), line: lines[i]! }));
  const first = events[0]?.emitMs ?? options.startMs;
  const lastMs = events.at(-1)?.emitMs ?? options.startMs;
  return { events, scenarios: described, spanMs: lastMs - first, background };
}

function nsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

export interface PacedEvent extends ReplayEvent {
  /** Wall-clock offset (ms from the start of the round) at which to deliver it. */
  wallMs: number;
}

/**
 * Time compression: consecutive events keep their order and event times; the wall-clock gap between them
 * is the event-time gap divided so the whole round takes about `targetMs`, and no single gap (a scenario's
 * "hours later") takes more than `maxGapMs`. The correlator works on event time, so this changes nothing
 * it decides — only how long a human waits.
 */
export function pace(events: readonly ReplayEvent[], targetMs: number, maxGapMs = 250): PacedEvent[] {
  if (events.length === 0) return [];
  const spanMs = Math.max(1, events.at(-1)!.emitMs - events[0]!.emitMs);
  const factor = spanMs / Math.max(1, targetMs);
  let wall = 0;
  return events.map((e, i) => {
    if (i > 0) {
      const gap = Math.max(0, e.emitMs - events[i - 1]!.emitMs);
      wall += Math.min(gap / factor, maxGapMs);
    }
    return { ...e, wallMs: wall };
  });
}
