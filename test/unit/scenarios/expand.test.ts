import { describe, expect, it } from 'vitest';
import { expandScenario, ScenarioError, split, workloadOf } from '../../../src/scenarios/expand.js';
import { createRng } from '../../../src/scenarios/rng.js';
import type { Activity } from '../../../src/scenarios/timeline.js';
import { scenario } from './helpers.js';

const of = <T extends Activity['type']>(list: Activity[], type: T) =>
  list.filter((a): a is Extract<Activity, { type: T }> => a.type === type);

describe('expandScenario', () => {
  it('is deterministic: the same description gives the same timeline', () => {
    const s = scenario();
    const a = expandScenario(s);
    const b = expandScenario(s);
    expect(a.activities.map((x) => [x.type, x.ns, x.proc.execId])).toEqual(
      b.activities.map((x) => [x.type, x.ns, x.proc.execId]),
    );
    const other = expandScenario(scenario({ seed: 9 }));
    expect(other.containers[0]!.id).not.toBe(a.containers[0]!.id);
  });

  it('gives Tetragon-style exec ids (base64 of node:ktime:pid) and a 64-hex container id', () => {
    const t = expandScenario(scenario());
    const [init, sh] = of(t.activities, 'exec');
    expect(init!.proc.containerPid).toBe(1);
    expect(sh!.proc.containerPid).toBe(2);
    expect(sh!.proc.parent).toBe(init!.proc);
    const decoded = Buffer.from(sh!.proc.execId, 'base64').toString();
    const [node, ktime, pid] = decoded.split(':');
    expect(node).toBe('node-a');
    expect(BigInt(ktime!)).toBe(sh!.proc.startNs - t.nodes[0]!.bootNs);
    expect(Number(pid)).toBe(sh!.proc.pid);
    expect(t.containers[0]!.id).toMatch(/^[0-9a-f]{64}$/);
    expect(sh!.ns - BigInt(Date.parse('2026-03-02T09:00:00Z')) * 1_000_000n).toBeGreaterThanOrEqual(1_000_000_000n);
  });

  it('spreads reads over files and calls that sum exactly to the bytes asked', () => {
    const t = expandScenario(
      scenario({
        steps: [
          { at: '1s', exec: { id: 'tar', parent: 'app', binary: '/bin/tar', args: 'cf - /data' } },
          {
            after: '1ms',
            read: { proc: 'tar', path: '/data/f-{i:03}.bin', files: 40, bytes: '70MiB', over: '20s', chunk: '512KiB' },
          },
        ],
      }),
    );
    const reads = of(t.activities, 'read');
    expect(reads.reduce((n, r) => n + r.bytes, 0)).toBe(70 * 1024 * 1024);
    expect(new Set(reads.map((r) => r.path)).size).toBe(40);
    expect(reads[0]!.path).toBe('/data/f-001.bin');
    expect(reads.every((r) => r.bytes <= 512 * 1024 && r.requested === 512 * 1024)).toBe(true);
    const span = reads.at(-1)!.ns - reads[0]!.ns;
    expect(span).toBeGreaterThan(19_000_000_000n);
    expect(span).toBeLessThan(21_000_000_000n);
  });

  it('opens a socket with a cookie beyond 2^53, sends in chunks and closes it (upload)', () => {
    const t = expandScenario(
      scenario({
        steps: [
          { at: '1s', exec: { id: 'curl', parent: 'app', binary: '/usr/bin/curl', args: '-T x https://github.com/' } },
          { after: '1ms', upload: { proc: 'curl', to: 'github.com:443', bytes: '3MiB', over: '2s', chunk: '1MiB' } },
        ],
      }),
    );
    const [connect] = of(t.activities, 'connect');
    const sends = of(t.activities, 'send');
    const [close] = of(t.activities, 'close');
    expect(connect!.sock.daddr).toBe('140.82.121.4');
    expect(connect!.sock.dport).toBe(443);
    expect(BigInt(connect!.sock.cookie)).toBeGreaterThan(2n ** 53n);
    expect(sends).toHaveLength(3);
    expect(sends.every((s) => s.sock === connect!.sock)).toBe(true);
    expect(close!.ns).toBeGreaterThan(sends.at(-1)!.ns);
  });

  it('delivers a late step after later events while keeping its event time', () => {
    const t = expandScenario(
      scenario({
        steps: [
          { at: '1s', exec: { id: 'cat', parent: 'app', binary: '/bin/cat', args: '/etc/hosts' } },
          { after: '1ms', late: '20s', read: { proc: 'cat', path: '/etc/hosts', bytes: 200 } },
          { after: '2s', exit: { proc: 'cat' } },
        ],
      }),
    );
    const types = t.activities.map((a) => a.type);
    expect(types).toEqual(['exec', 'exec', 'exit', 'read']);
    const read = of(t.activities, 'read')[0]!;
    const exit = of(t.activities, 'exit')[0]!;
    expect(read.ns).toBeLessThan(exit.ns);
    expect(read.emitNs - read.ns).toBe(20_000_000_000n);
  });

  it('stops a container: every live process exits, youngest first, init last', () => {
    const t = expandScenario(
      scenario({
        steps: [
          { at: '1s', exec: { id: 'sh', parent: 'app', binary: '/bin/sh' } },
          { after: '1s', exec: { id: 'sleep', parent: 'sh', binary: '/bin/sleep', args: '100' } },
          { after: '1s', stop: { container: 'app', signal: 'SIGKILL', status: 137 } },
        ],
      }),
    );
    const exits = of(t.activities, 'exit');
    expect(exits.map((e) => e.proc.ref)).toEqual(['sleep', 'sh', 'app']);
    expect(exits.every((e) => e.signal === 'SIGKILL')).toBe(true);
  });

  it('names the step of an unknown process, a closed socket or a missing IP', () => {
    expect(() => expandScenario(scenario({ steps: [{ at: '1s', exit: { proc: 'ghost' } }] }))).toThrow(
      /steps\[0\]: unknown process "ghost"/,
    );
    expect(() =>
      expandScenario(scenario({ steps: [{ at: '1s', upload: { proc: 'app', to: 'example.org:443', bytes: 10 } }] })),
    ).toThrow(ScenarioError);
    expect(() => expandScenario(scenario({ steps: [{ at: '1s', close: { proc: 'app', sock: 'nope' } }] }))).toThrow(
      /unknown or closed socket "nope"/,
    );
  });

  it('starts an injected process (kubectl exec/cp) from runc on the host, outside the init tree', () => {
    const t = expandScenario(
      scenario({
        steps: [
          { at: '1s', exec: { id: 'tar', parent: 'app', injected: true, binary: '/bin/tar', args: 'cf - /data' } },
        ],
      }),
    );
    const tar = of(t.activities, 'exec').find((e) => e.proc.ref === 'tar')!.proc;
    expect(tar.container!.ref).toBe('app');
    expect(tar.parent!.binary).toBe('/usr/bin/runc');
    expect(tar.parent!.container).toBeNull();
    expect(tar.inInitTree).toBe(false);
    expect(tar.containerPid).toBe(2);
  });

  it('treats host groups as processes without container or pod', () => {
    const t = expandScenario(
      scenario({
        containers: [
          { name: 'app', namespace: 'team', pod: 'app-0', image: 'img:1', init: { binary: '/app/server' } },
          { name: 'dockerd', host: true, init: { binary: '/usr/bin/dockerd', args: '-H fd://' }, emitInit: false },
        ],
        steps: [{ at: '1s', upload: { proc: 'dockerd', to: 'github.com:443', bytes: 100 } }],
      }),
    );
    const [connect] = of(t.activities, 'connect');
    expect(connect!.proc.container!.host).toBe(true);
    expect(connect!.proc.containerPid).toBeNull();
    expect(connect!.sock.saddr).toBe(t.nodes[0]!.ip);
  });
});

describe('helpers', () => {
  it('split keeps the total exact for any count', () => {
    const rng = createRng(1);
    for (const [total, parts] of [
      [10, 10],
      [1000, 7],
      [67_108_864, 333],
    ] as const) {
      const sizes = split(rng, total, parts);
      expect(sizes).toHaveLength(parts);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
      expect(sizes.every((s) => s >= 1)).toBe(true);
    }
    expect(() => split(rng, 3, 4)).toThrow(ScenarioError);
  });

  it('derives the workload from the pod name', () => {
    expect(workloadOf('billing-api-7d9f8c6b5-x2k4q')).toBe('billing-api');
    expect(workloadOf('postgres-0')).toBe('postgres');
    expect(workloadOf('fluent-bit-x7k2q')).toBe('fluent-bit');
  });
});
