/**
 * Both sensors on one node, where they do not see the same bytes: one sensor's narrowed read rule, its
 * throttling, its missing syscalls. A container's byte total of a kind is the larger of the two sensors'
 * (src/correlate/dual-sensor.ts), not the first reporter's: a tiny early event of the sensor that undercounts
 * made it the one counted, and the other's bulk was dropped.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { MiB, type Proc, run, runResolved, Scenario } from './builder.js';

const GITHUB_IP = '140.82.112.3';
const URL = 'https://github.com/acme-archive/exports.git';

/** Falco's report of an event Tetragon reported: a 12-character container id, processes by pid only. */
function asFalco(e: NormalizedEvent): NormalizedEvent {
  if (e.kind === 'gap') return { ...e, source: 'falco' };
  const container = e.container === null ? null : { ...e.container, id: e.container.id.slice(0, 12) };
  return { ...e, source: 'falco', container, process: { ...e.process, execId: null, parentExecId: null } };
}

/** Which sensors report the events a builder call adds, and in which order. */
type Seen = 'both' | 'falco-first' | 'tetragon' | 'falco';

class DualScenario {
  readonly s = new Scenario();
  readonly events: NormalizedEvent[] = [];
  /** Adds the events `add` builds, as `seen` says. */
  seen(seen: Seen, add: (s: Scenario) => unknown): this {
    const from = this.s.events.length;
    add(this.s);
    for (const e of this.s.events.slice(from)) {
      if (seen === 'both') this.events.push(e, asFalco(e));
      else if (seen === 'falco-first') this.events.push(asFalco(e), e);
      else this.events.push(seen === 'tetragon' ? e : asFalco(e));
    }
    return this;
  }
}

/** git push over https at the scenario's time, seen by both sensors (Tetragon first), with `sent` bytes. */
function gitPush(d: DualScenario, sh: Proc, sent: number, sentSeen: Seen = 'both'): void {
  const ctr = sh.ctr!;
  let push!: Proc;
  let helper!: Proc;
  d.seen('both', (s) => {
    s.wait(3_000);
    push = s.exec(ctr, '/usr/bin/git', `push ${URL} HEAD:main`, { parent: sh });
    s.wait(20);
    helper = s.exec(ctr, '/usr/lib/git-core/git-remote-https', `${URL} ${URL}`, { parent: push });
    s.wait(20).connect(helper, GITHUB_IP, 443, { cookie: '91' }).wait(10);
  });
  d.seen(sentSeen, (s) => s.send(helper, GITHUB_IP, 443, sent, { cookie: '91' }));
  d.seen('both', (s) => s.wait(200).exit(helper).exit(push));
}

/** A container's shell, and a `binary` it runs (seen by both: `firstSeen`) that reads `firstRead` bytes. */
function started(binary: string, firstSeen: Seen, firstRead: number | null) {
  const d = new DualScenario();
  const c = d.s.container({ namespace: 'payments', name: 'api' });
  const sh = d.s.init(c);
  let p!: Proc;
  d.seen(firstSeen, (s) => {
    s.wait(1_000);
    p = s.exec(c, binary, '/srv/exports', { parent: sh });
    if (firstRead !== null) s.read(p, '/srv/exports/index.bin', firstRead);
  });
  return { d, c, sh, p };
}

describe('both sensors on one node, seeing different bytes', () => {
  it("a sensor's narrowed read rule (Falco's evt.rawres >= 65536) reporting first does not drop the other's small reads", () => {
    // One large read both sensors report, Falco's first: it made Falco the reads' only counter.
    const { d, sh, p: tar } = started('/bin/tar', 'falco-first', MiB);
    // 96 MiB in 32 KiB reads: below the narrowed Falco rule, only Tetragon reports them.
    d.seen('tetragon', (s) => s.readMany(tar, '/srv/exports/data', 3072, 32 * 1024));
    d.seen('both', (s) => s.exit(tar));
    gitPush(d, sh, 2 * MiB);
    const { alerts } = run(d.events);
    expect(alerts.map((a) => [a.rule, a.reads.bytes])).toEqual([['bulk-read-then-push', 97 * MiB]]);
  });

  it('a throttled sensor counted first does not hide the reads only the other reported (the alert is degraded)', () => {
    const { d, sh, p: cat } = started('/bin/cat', 'both', 12);
    // Tetragon's cgroup rate limit starts: it reports a gap and none of the bulk read Falco reports.
    d.seen('tetragon', (s) => s.gap({ dropped: 5000 }));
    d.seen('falco', (s) => s.readMany(cat, '/srv/exports/dump', 100, MiB));
    d.seen('both', (s) => s.exit(cat));
    gitPush(d, sh, 2 * MiB);
    const { alerts } = run(d.events);
    expect(alerts.map((a) => [a.rule, a.reads.bytes, a.degraded])).toEqual([
      ['bulk-read-then-push', 100 * MiB + 12, true],
    ]);
  });

  it("a DNS query Falco reports first does not make Falco (no write() without base_syscalls.all) the sends' counter", () => {
    const { d, sh } = started('/usr/bin/nslookup', 'both', null);
    d.seen('falco-first', (s) => s.send(sh, '10.96.0.10', 53, 40, { protocol: 'udp' }));
    gitPush(d, sh, 50 * MiB, 'tetragon');
    const { alerts } = run(d.events);
    expect(alerts.map((a) => a.egressBytes)).toEqual([50 * MiB]);
  });

  it("counts bytes both report once, the second sensor's reports late by seconds", () => {
    const { d, sh, p: tar } = started('/bin/tar', 'both', null);
    // Tetragon's reports, then Falco's of the same reads 40 events later: Falco is behind all along.
    const from = d.s.events.length;
    d.seen('tetragon', (s) => s.readMany(tar, '/srv/exports/data', 200, 200 * 1024, 10));
    const tetragon = d.events.splice(d.events.length - (d.s.events.length - from));
    for (let i = 0; i < tetragon.length; i++) {
      d.events.push(tetragon[i]!);
      if (i >= 40) d.events.push(asFalco(tetragon[i - 40]!));
    }
    for (const e of tetragon.slice(-40)) d.events.push(asFalco(e));
    d.seen('both', (s) => s.exit(tar));
    gitPush(d, sh, 2 * MiB);
    const { alerts } = run(d.events);
    expect(alerts.map((a) => [a.rule, a.reads.bytes])).toEqual([['push-after-moderate-reads', 200 * 200 * 1024]]);
  });

  it("a lead one sensor built a window ago does not swallow the other's bytes now", () => {
    const { d, c, sh, p: tar } = started('/bin/tar', 'both', MiB);
    // An hour ago: 200 MiB only Tetragon reported (Falco's narrowed rule).
    d.seen('tetragon', (s) => s.readMany(tar, '/srv/old', 6400, 32 * 1024));
    d.seen('both', (s) => s.exit(tar).wait(3_600_000));
    let cat!: Proc;
    d.seen('both', (s) => {
      cat = s.exec(c, '/bin/cat', '/srv/exports/db.dump', { parent: sh });
    });
    // Now Tetragon is throttled and Falco alone reports a 100 MiB read.
    d.seen('tetragon', (s) => s.gap({ dropped: 5000 }));
    d.seen('falco', (s) => s.readMany(cat, '/srv/exports/dump', 100, MiB));
    d.seen('both', (s) => s.exit(cat));
    gitPush(d, sh, 2 * MiB);
    const { alerts } = run(d.events);
    expect(alerts.map((a) => [a.rule, a.reads.bytes])).toEqual([['bulk-read-then-push', 100 * MiB]]);
  });

  it("an archiver both report shows its whole read once, whichever sensor's report of each file came first", () => {
    const { d, sh, p: tar } = started('/bin/tar', 'both', null);
    // Two live streams arrive in batches: which sensor reports a file first changes along the way.
    for (let i = 0; i < 40; i++) d.seen(i % 2 === 0 ? 'both' : 'falco-first', (s) => s.read(tar, `/srv/f${i}`, MiB));
    d.seen('both', (s) => s.exit(tar));
    gitPush(d, sh, 2 * MiB);
    const { alerts } = run(d.events);
    expect(alerts.map((a) => a.reads.bytes)).toEqual([40 * MiB]);
    expect(alerts[0]!.evidence.filter((x) => x.kind === 'archive').map((x) => x.detail)).toEqual([
      '/bin/tar read 40 files (40.0 MiB): /srv/exports',
    ]);
  });

  it('a tar of 30 small files is archive staging (medium) though each sensor reported 15 of them first', () => {
    const view = (order: 'tetragon' | 'turns') => {
      const { d, sh, p: tar } = started('/bin/tar', 'both', null);
      for (let i = 0; i < 30; i++) {
        const seen = order === 'tetragon' ? 'tetragon' : i % 2 === 0 ? 'both' : 'falco-first';
        d.seen(seen, (s) => s.read(tar, `/srv/f${i}`, 10 * 1024));
      }
      d.seen('both', (s) => s.exit(tar));
      gitPush(d, sh, 2 * MiB);
      const archives = (a: Alert) => a.evidence.filter((x) => x.kind === 'archive').map((x) => x.detail);
      return run(d.events).alerts.map((a) => [a.rule, a.severity, a.reads.bytes, archives(a)]);
    };
    expect(view('tetragon')).toEqual([
      ['push-after-moderate-reads', 'medium', 300 * 1024, ['/bin/tar read 30 files (300.0 KiB): /srv/exports']],
    ]);
    expect(view('turns')).toEqual(view('tetragon'));
  });
});

describe('both sensors on one node: one process seen as two', () => {
  it("a controller's git write-back after an hour of client-go reloading its token is low, as with one sensor", async () => {
    const d = new DualScenario();
    const c = d.s.container({ namespace: 'argocd', pod: 'argocd-image-updater-6f5c9d7b8-x2kqz' });
    const iu = d.s.init(c, '/usr/local/bin/argocd-image-updater', 'run --interval 2m');
    const token = '/var/run/secrets/kubernetes.io/serviceaccount/token';
    for (let m = 0; m < 70; m++)
      d.seen(m % 3 === 0 ? 'falco-first' : 'both', (s) => s.wait(60_000).read(iu, token, 1100));
    gitPush(d, iu, 3200);
    const { alerts } = await runResolved(d.events);
    expect(alerts.map((a) => [a.rule, a.severity, a.reads.sensitive])).toEqual([['push-without-reads', 'low', []]]);
  });

  it.each<Seen>(['both', 'falco-first'])(
    'a long-running reader of the token that uploads by itself still has the token counted (%s)',
    async (seen) => {
      const d = new DualScenario();
      const c = d.s.container({ namespace: 'tools', pod: 'syncer-0' });
      const app = d.s.init(c, '/app/syncer', '--interval 1m');
      const token = '/var/run/secrets/kubernetes.io/serviceaccount/token';
      for (let m = 0; m < 46; m++) d.seen(seen, (s) => s.wait(60_000).read(app, token, 1100));
      d.seen(seen, (s) => s.connect(app, GITHUB_IP, 443).send(app, GITHUB_IP, 443, 2 * MiB));
      d.seen(seen, (s) => s.wait(60_000).read(app, token, 1100));
      const { alerts } = await runResolved(d.events);
      expect(alerts.map((a) => [a.rule, a.severity, a.push.tool])).toEqual([
        ['sensitive-read-then-push', 'high', 'syncer'],
      ]);
    },
  );

  it("a process's upload by itself carries all its bytes, whichever sensor's report of each send came first", async () => {
    const view = async (order: 'tetragon' | 'turns') => {
      const d = new DualScenario();
      const c = d.s.container({ namespace: 'tools', pod: 'syncer-0' });
      const app = d.s.init(c, '/app/syncer', '--interval 1m');
      d.seen(order === 'tetragon' ? 'tetragon' : 'both', (s) => s.wait(1000).connect(app, GITHUB_IP, 443));
      for (let i = 0; i < 100; i++) {
        const seen = order === 'tetragon' ? 'tetragon' : i % 2 === 0 ? 'both' : 'falco-first';
        d.seen(seen, (s) => s.wait(10).send(app, GITHUB_IP, 443, MiB));
      }
      const { alerts } = await runResolved(d.events);
      return alerts.map((a) => [a.rule, a.push.tool, a.egressBytes]);
    };
    expect(await view('tetragon')).toEqual([['renamed-binary-push', 'syncer', 100 * MiB]]);
    expect(await view('turns')).toEqual(await view('tetragon'));
  });
});
