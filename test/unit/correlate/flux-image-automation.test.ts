/**
 * Flux's image-automation-controller clones its config repository with go-git in its own process, edits a
 * manifest and pushes the commit from that same process: no git binary, so its push is seen by egress alone.
 * A run sends a few KiB, far under `egressPushMinBytes`: nothing, with the addresses classed by DNS as the
 * daemon classes them (the scenario library's scan has no DNS answers: benign-flux-image-automation checks
 * the quiet there). The same process sending a bulk after reading a data volume is a push by egress of the
 * token's own reader: its token counts and the reads decide. A controller running many automations adds its
 * runs' sends up to a push by egress within a window: the accepted false positive docs/detection.md names.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, runResolved, Scenario } from './builder.js';

const GITHUB = '140.82.112.3';
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const CHECKOUT = '/tmp/flux-system-flux-system-2147483647';

function controller(s: Scenario): { c: Ctr; iac: Proc } {
  const c = s.container({
    namespace: 'flux-system',
    pod: 'image-automation-controller-7c9f8b6d5-q2w8z',
    image: 'ghcr.io/fluxcd/image-automation-controller:v0.39.0',
  });
  const iac = s.init(c, '/usr/local/bin/image-automation-controller', '--watch-all-namespaces=true --log-level=info');
  return { c, iac };
}

/** client-go reloading the token once a minute. */
function refresh(s: Scenario, p: Proc, minutes: number): void {
  for (let m = 0; m < minutes; m++) s.wait(60_000).read(p, TOKEN, 1100);
}

/** One ImageUpdateAutomation run: a shallow clone (go-git reads the pack it wrote), the setters' scan, a push. */
function automationRun(s: Scenario, p: Proc, cookie: number): void {
  s.connect(p, GITHUB, 443, { cookie: `${cookie}1` }).send(p, GITHUB, 443, 9 * 1024, { cookie: `${cookie}1` });
  s.wait(500).read(p, `${CHECKOUT}/.git/objects/pack/pack-${cookie}.pack`, 4 * MiB);
  for (let i = 0; i < 20; i++) s.read(p, `${CHECKOUT}/clusters/prod/m${i}.yaml`, 16 * 1024);
  s.wait(200).connect(p, GITHUB, 443, { cookie: `${cookie}2` });
  s.send(p, GITHUB, 443, 14 * 1024, { cookie: `${cookie}2` });
}

describe("Flux image-automation-controller's in-process go-git", () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    'a clone, edit and push of a few KiB is nothing (%s)',
    async (source) => {
      const s = new Scenario({ source });
      const { iac } = controller(s);
      refresh(s, iac, 40);
      automationRun(s, iac, 7001);
      refresh(s, iac, 2);
      expect(brief((await runResolved(s.events)).alerts)).toEqual([]);
    },
  );

  it.each<SensorSource>(['tetragon', 'falco'])(
    'the same process sending 72 MiB after reading a 70 MiB volume is critical: its token counts (%s)',
    async (source) => {
      const s = new Scenario({ source });
      const { iac } = controller(s);
      refresh(s, iac, 40);
      automationRun(s, iac, 7001);
      for (let i = 0; i < 35; i++) s.wait(100).read(iac, `/data/exports/part-${i}.csv`, 2 * MiB);
      s.connect(iac, GITHUB, 443, { cookie: '9001' });
      for (let i = 0; i < 36; i++) s.wait(300).send(iac, GITHUB, 443, 2 * MiB, { cookie: '9001' });
      refresh(s, iac, 2);
      const [alert, ...more] = (await runResolved(s.events)).alerts;
      expect(more).toEqual([]);
      expect([alert?.rule, alert?.severity, alert?.push.destination]).toEqual([
        'bulk-read-then-push',
        'critical',
        'github.com',
      ]);
      expect(alert?.reads.sensitive).toEqual([TOKEN]);
    },
  );

  it('80 automation runs in one window add up to a push by egress: the accepted false positive, allowlisted by image and destination', async () => {
    const run = async (allowlist?: Array<Record<string, unknown>>) => {
      const s = new Scenario();
      const { iac } = controller(s);
      refresh(s, iac, 40);
      for (let i = 0; i < 80; i++) {
        automationRun(s, iac, 7100 + i);
        s.wait(20_000);
        if (i % 3 === 0) s.read(iac, TOKEN, 1100);
      }
      refresh(s, iac, 2);
      return brief((await runResolved(s.events, { allowlist })).alerts);
    };
    // 80 × 23 KiB sent to github.com crosses egressPushMinBytes; the 80 packs go-git read (320 MiB) and the
    // token the pusher itself reloads make it critical.
    expect(await run()).toEqual([
      {
        rule: 'bulk-read-then-push',
        severity: 'critical',
        tool: 'image-automation-controller',
        destination: 'github.com',
      },
    ]);
    expect(
      await run([
        {
          namespace: 'flux-system',
          image: 'ghcr.io/fluxcd/image-automation-controller:*',
          binary: '/usr/local/bin/image-automation-controller',
          destination: 'github.com',
          reason: 'Flux image automation pushes to the fleet repository',
        },
      ]),
    ).toEqual([]);
  });
});
