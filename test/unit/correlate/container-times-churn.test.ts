/**
 * Containers' times in one table per correlator (src/correlate/container-times.ts) under churn: both sensors
 * naming the same containers (Tetragon's full ids, Falco's 12 characters, ids shorter than 12), eviction by
 * cap with pushes waiting, TTL expiry, containers seen again after they left, late events. A container that
 * left keeps the times it had while its slot goes to others; each tracked container has a slot of its own.
 */
import { describe, expect, it } from 'vitest';
import { compileAllowlist } from '../../../src/correlate/allowlist.js';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { CorrelationEngine } from '../../../src/correlate/engine.js';
import type { ContainerState } from '../../../src/correlate/state.js';
import type { ActivityEvent, NormalizedEvent } from '../../../src/model/normalized-event.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { type Ctr, counterValue, Scenario } from './builder.js';

/** Internals on purpose: the table is not visible through the Correlator interface. */
type Tables = { tables: { containers: Map<string, ContainerState> } };

function makeCorrelator(caps: Record<string, number> = {}) {
  const metrics = createMetrics();
  const config = correlatorConfigSchema.parse({ caps });
  return { correlator: new CorrelationEngine(config, compileAllowlist([]), silentLogger(), metrics), metrics };
}

const ID_COUNT = 30;
const idOf = (n: number) =>
  n % 5 === 0 ? `c${n}` : `${n.toString(16).padStart(4, '0')}${'9e8d7c6b'.repeat(8)}`.slice(0, 64);

/** The stream, in the order the sensors' events are emitted (late ones included). */
function churn(): NormalizedEvent[] {
  const tet = new Scenario();
  const fal = new Scenario({ source: 'falco' });
  const out: NormalizedEvent[] = [];
  const take = () => out.push(...tet.events.splice(0), ...fal.events.splice(0));
  const pair = (n: number): [Ctr, Ctr] => [
    tet.container({ id: idOf(n), pod: `p${n}` }),
    fal.container({ id: idOf(n), pod: `p${n}` }),
  ];
  const wait = (ms: number) => {
    tet.wait(ms);
    fal.wait(ms);
  };
  for (let round = 0; round < 10; round++) {
    for (let j = 0; j < 12; j++) {
      const n = (round * 7 + j) % ID_COUNT;
      const [t, f] = pair(n);
      tet.read(tet.init(t), `/data/r${round}/t${j}`, 1000);
      fal.read(fal.init(f), `/data/r${round}/f${j}`, 1000);
      if (j % 4 === 0) tet.exec(t, '/usr/bin/docker', 'push ghcr.io/evil/x:1', { parent: tet.init(t) });
      // A late event for the container touched before (its time earlier than the stream's).
      if (j > 0) fal.read(fal.init(pair((n + ID_COUNT - 1) % ID_COUNT)[1]), '/data/late', 10, { at: fal.now - 90_000 });
      take();
      wait(5_000);
    }
    wait(round % 4 === 3 ? 40 * 60_000 : 2 * 60_000);
  }
  return out;
}

describe('container times under churn', () => {
  it('a container that left keeps the times it had, and every tracked container has its own slot', async () => {
    const { correlator, metrics } = makeCorrelator({ maxContainers: 8 });
    const containers = (correlator as unknown as Tables).tables.containers;
    const had = new Map<ContainerState, [number, number]>();
    let alerts = 0;
    for (const e of churn()) {
      alerts += correlator.ingest([e]).length;
      const tracked = new Set(containers.values());
      for (const [c, times] of had) if (!tracked.has(c)) expect([c.lastMs, c.firstMs]).toEqual(times);
      for (const c of tracked) had.set(c, [c.lastMs, c.firstMs]);
      // Slots (./container-times.ts): one per tracked container, in one table.
      const slots = [...tracked].map((c) => (c as unknown as { timesAt?: number }).timesAt);
      const table = (containers.values().next().value as unknown as { times?: { live: number } } | undefined)?.times;
      if (slots[0] !== undefined) {
        expect(new Set(slots).size).toBe(tracked.size);
        expect(table?.live).toBe(tracked.size);
      }
    }
    alerts += correlator.flush().length;
    const left = [...had.keys()].filter((c) => !new Set(containers.values()).has(c));
    for (const c of left) expect([c.lastMs, c.firstMs]).toEqual(had.get(c));
    // What the stream must have done: evictions, expiries, containers seen again after they left, alerts.
    const evicted = await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'container' });
    expect(evicted).toBeGreaterThan(50);
    // Expired ones too (not only evicted).
    expect(left.length).toBeGreaterThan(evicted + 5);
    expect(new Set(left.map((c) => c.key)).size).toBe(ID_COUNT);
    expect(alerts).toBeGreaterThan(10);
  });

  it('one container per 12-character key whichever sensor names it, the one-entry cache included', () => {
    const { correlator } = makeCorrelator();
    const containers = (correlator as unknown as Tables).tables.containers;
    const tet = new Scenario();
    const fal = new Scenario({ source: 'falco' });
    const events: ActivityEvent[] = [];
    for (const id of ['c1', idOf(1), 'c1', idOf(2), idOf(1).slice(0, 12)]) {
      tet.read(tet.init(tet.container({ id })), '/data/t', 10);
      fal.read(fal.init(fal.container({ id })), '/data/f', 10, { at: fal.now - 1_000 });
      events.push(...(tet.events.splice(0) as ActivityEvent[]), ...(fal.events.splice(0) as ActivityEvent[]));
      tet.wait(1_000);
      fal.wait(1_000);
    }
    const seen = new Map<string, ContainerState>();
    for (const e of events) {
      correlator.ingest([e]);
      const key = e.container!.id.slice(0, 12);
      const c = containers.get(key)!;
      expect(seen.get(key) ?? c).toBe(c);
      seen.set(key, c);
    }
    expect([...containers.keys()].sort()).toEqual(['c1', idOf(1).slice(0, 12), idOf(2).slice(0, 12)].sort());
    const byKey = (id: string) => events.filter((e) => e.container!.id.slice(0, 12) === id).map((e) => e.timeMs);
    for (const [key, c] of containers) {
      expect(c.firstMs).toBe(Math.min(...byKey(key)));
      expect(c.lastMs).toBe(Math.max(...byKey(key)));
    }
  });
});
