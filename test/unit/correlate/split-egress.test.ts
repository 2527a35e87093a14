/**
 * Egress split over processes (docs/detection.md): bytes the processes of one container send to one
 * forge/registry/internal destination add up within the window, so many small uploads are one push.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import {
  brief,
  type Ctr,
  counterValue,
  makeCorrelator,
  type Proc,
  run,
  runResolved,
  Scenario,
  TEST_DNS,
} from './builder.js';

const KiB = 1024;
const GHCR_IP = TEST_DNS['ghcr.io']![0]!;
const GITHUB_IP = TEST_DNS['github.com']![0]!;
const INTERNAL = { destinations: { internal: ['10.20.0.0/16'] } };

/** `count` processes, started one after the other by one shell, each sending `bytes` to `to(i)`. */
function uploads(
  s: Scenario,
  count: number,
  bytes: number,
  to: (i: number) => [string, number],
  stepMs = 100,
  c: Ctr = s.container({ namespace: 'shop', pod: 'orders-7d9f' }),
) {
  const sh = s.exec(c, '/bin/sh', '-c "for p in /tmp/parts/*; do /opt/sync/uploader $p; done"', {
    parent: s.init(c),
  });
  const procs: Proc[] = [];
  for (let i = 0; i < count; i++) {
    const p = s.exec(c, '/opt/sync/uploader', `/tmp/parts/part-${i}`, { parent: sh });
    const [ip, port] = to(i);
    s.connect(p, ip, port, { cookie: String(7000 + i) });
    // A few sends per process, as TLS records go out.
    for (let k = 0; k < 4; k++) s.wait(5).send(p, null, null, bytes / 4, { cookie: String(7000 + i) });
    s.exit(p).wait(stepMs);
    procs.push(p);
  }
  return procs;
}

describe('egress split over processes', () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    '120 processes sending 800 KiB each to a registry: one push by egress, attributed to the process that crossed the threshold (%s)',
    async (source) => {
      const s = new Scenario({ source });
      const procs = uploads(s, 120, 800 * KiB, () => [GHCR_IP, 443]);
      const { alerts } = await runResolved(s.events);
      expect(brief(alerts)).toEqual([
        { rule: 'renamed-binary-push', severity: 'medium', tool: 'uploader', destination: 'ghcr.io' },
      ]);
      const a = alerts[0]!;
      // The second process's send took the container past 1 MiB; the others' bytes join the pending push.
      expect(a.process.pid).toBe(procs[1]!.pid);
      expect(a.process.args).toBe('/tmp/parts/part-1');
      expect(a.egressBytes).toBe(120 * 800 * KiB);
      expect(a.summary).toContain('sent by several processes (the last uploader) to ghcr.io');
      const push = a.evidence.find((e) => e.kind === 'push');
      expect(push?.detail).toContain(`${1200 * KiB} bytes sent to ${GHCR_IP}:443 (ghcr.io, registry) by processes`);
    },
  );

  it('the per-process rule is unchanged, and the other processes sending there meanwhile join its push', async () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const big = s.exec(c, '/opt/sync/uploader', '--all', { parent: sh });
    s.send(big, GHCR_IP, 443, 2 * 1024 * KiB);
    for (let i = 0; i < 10; i++)
      s.wait(100).send(s.exec(c, '/opt/sync/uploader', `part-${i}`, { parent: sh }), GHCR_IP, 443, 800 * KiB);
    const { alerts } = await runResolved(s.events);
    expect(brief(alerts)).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'uploader', destination: 'ghcr.io' },
    ]);
    expect(alerts[0]!.process.args).toBe('--all');
    expect(alerts[0]!.egressBytes).toBe(2 * 1024 * KiB + 10 * 800 * KiB);
  });

  it('a host is one destination whatever its addresses (DNS round robin); unnamed addresses are one per ip:port', async () => {
    const s = new Scenario();
    const ips = ['140.82.121.33', '140.82.121.34'];
    uploads(s, 8, 200 * KiB, (i) => [ips[i % 2]!, 443]);
    const resolveHost = async (h: string) => (h === 'ghcr.io' ? ips : []);
    expect(brief((await runResolved(s.events, { resolveHost })).alerts)).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'uploader', destination: 'ghcr.io' },
    ]);
    // An internal CIDR names no host: two ports of one address are two destinations, each under 1 MiB.
    const t = new Scenario();
    uploads(t, 8, 200 * KiB, (i) => ['10.20.3.4', i % 2 === 0 ? 5000 : 5001]);
    expect(run(t.events, { config: INTERNAL }).alerts).toEqual([]);
    const u = new Scenario();
    uploads(u, 8, 200 * KiB, () => ['10.20.3.4', 5000]);
    expect(brief(run(u.events, { config: INTERNAL }).alerts)).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'uploader', destination: '10.20.3.4:5000' },
    ]);
  });

  it('more than the threshold in all, split over two destinations each under it: nothing', async () => {
    const s = new Scenario();
    // 7 × 100 KiB to ghcr.io and 7 × 100 KiB to github.com: 1.4 MiB in all, 700 KiB each.
    uploads(s, 14, 100 * KiB, (i) => [i % 2 === 0 ? GHCR_IP : GITHUB_IP, 443]);
    expect((await runResolved(s.events)).alerts).toEqual([]);
  });

  it('many processes sending to a destination that is neither a forge nor a registry: nothing', async () => {
    const s = new Scenario();
    // An in-cluster object store (MinIO) and a log endpoint: 94 MiB and 12 MiB in small pieces.
    uploads(s, 120, 800 * KiB, () => ['10.96.55.20', 9000]);
    uploads(s, 300, 40 * KiB, () => ['10.96.12.7', 9200], 10);
    expect((await runResolved(s.events)).alerts).toEqual([]);
  });

  it('processes of a download lineage never add up to a push', async () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    for (let i = 0; i < 20; i++) {
      const git = s.exec(c, '/usr/bin/git', `fetch origin refs/heads/b${i}`, { parent: sh });
      const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/app.git', {
        parent: git,
      });
      s.send(helper, GITHUB_IP, 443, 200 * KiB).wait(500);
    }
    expect((await runResolved(s.events)).alerts).toEqual([]);
  });

  it('sends add up within the window, not across two whole windows', async () => {
    const at = (gapMs: number) => {
      const s = new Scenario();
      uploads(s, 2, 600 * KiB, () => [GHCR_IP, 443], gapMs);
      return s.events;
    };
    expect((await runResolved(at(25 * 60_000))).alerts).toHaveLength(1);
    expect((await runResolved(at(61 * 60_000))).alerts).toEqual([]);
  });

  it('after its push is over, the container counts afresh: a later split upload is a new push', async () => {
    const s = new Scenario();
    const c = s.container();
    uploads(s, 3, 600 * KiB, () => [GHCR_IP, 443], 100, c);
    s.wait(2 * 3600_000);
    uploads(s, 3, 600 * KiB, () => [GHCR_IP, 443], 100, c);
    const { alerts } = await runResolved(s.events);
    expect(alerts.map((a) => [a.rule, a.egressBytes])).toEqual([
      ['renamed-binary-push', 3 * 600 * KiB],
      ['renamed-binary-push', 3 * 600 * KiB],
    ]);
  });

  it('destinations beyond the cap are evicted fewest bytes first and counted; a byte to each of a few others does not push out the real one', async () => {
    const { correlator, metrics } = makeCorrelator({ config: INTERNAL });
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const send = (ip: string, bytes: number) =>
      s.wait(100).send(s.exec(c, '/opt/sync/uploader', ip, { parent: sh }), ip, 5000, bytes);
    send('10.20.0.1', 600 * KiB);
    for (let i = 2; i <= 7; i++) send(`10.20.0.${i}`, 1);
    send('10.20.0.1', 600 * KiB);
    const alerts = [...correlator.ingest(s.events), ...correlator.flush()];
    expect(brief(alerts)).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'uploader', destination: '10.20.0.1:5000' },
    ]);
    // Four sums per container by default: the 10.20.0.1 one and three decoys; three more decoys evict three.
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'egress_dest' })).toBe(3);
  });
});
