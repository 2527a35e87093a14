/**
 * Credentials in routine use: a Kubernetes client (client-go) reloads its service-account token every
 * minute for as long as it runs. A controller that also pushes (Argo CD Image Updater's git write-back)
 * read the token within every push's window, so each of its pushes was `sensitive-read-then-push`. A token
 * one process has been re-reading since before the window, read by no other process in it, is not counted;
 * anything else reading it, a reader younger than the window, or a push of the reader's own still is.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, runResolved, Scenario } from './builder.js';

const GITHUB = '140.82.112.3';
const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The path each sensor reports: Tetragon resolves kubelet's symlinks to the timestamped directory (rotated). */
function tokenPath(s: Scenario, minute: number): string {
  if (s.falco) return `${MOUNT}/token`;
  const version = Math.floor(minute / 48);
  return `${MOUNT}/..2025_03_01_${String(9 + version).padStart(2, '0')}_12_44.12345678${version}/token`;
}

/** client-go: the token reloaded once a minute for `minutes` minutes. */
function refresh(s: Scenario, p: Proc, minutes: number, from = 0): void {
  for (let m = from; m < from + minutes; m++) s.wait(60_000).read(p, tokenPath(s, m), 1100);
}

/** Image Updater's write-back: `git commit` of one small file, `git push origin master` over https. */
function writeBack(s: Scenario, c: Ctr, parent: Proc): void {
  const commit = s.exec(c, '/usr/bin/git', '-C /tmp/git-deploy commit -m "build: automatic update of web"', {
    parent,
  });
  s.read(commit, '/tmp/git-deploy/apps/web/.argocd-source-web.yaml', 310).wait(20).exit(commit);
  const push = s.exec(c, '/usr/bin/git', '-C /tmp/git-deploy push origin master', { parent });
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/deploy.git', {
    parent: push,
  });
  s.connect(helper, GITHUB, 443).send(helper, GITHUB, 443, 3200).wait(400).exit(helper).exit(push);
}

function imageUpdater(s: Scenario): { c: Ctr; iu: Proc } {
  const c = s.container({
    namespace: 'argocd',
    pod: 'argocd-image-updater-6f5c9d7b8-x2kqz',
    image: 'quay.io/argoprojlabs/argocd-image-updater:v0.15.2',
  });
  return { c, iu: s.init(c, '/usr/local/bin/argocd-image-updater', 'run --interval 2m') };
}

describe('credentials in routine use', () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    "a controller's git write-back after an hour of client-go reloading its service-account token is low, not high (%s)",
    async (source) => {
      const s = new Scenario({ source });
      const { c, iu } = imageUpdater(s);
      refresh(s, iu, 70);
      writeBack(s, c, iu);
      refresh(s, iu, 2, 70);
      expect(brief((await runResolved(s.events)).alerts)).toEqual([
        { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
      ]);
    },
  );

  it('another process reading the token in the window makes the push sensitive-read-then-push again', async () => {
    const s = new Scenario();
    const { c, iu } = imageUpdater(s);
    refresh(s, iu, 45);
    const cat = s.exec(c, '/bin/cat', `${MOUNT}/token`, { parent: iu });
    s.read(cat, tokenPath(s, 45), 1100).exit(cat);
    refresh(s, iu, 1, 45);
    writeBack(s, c, iu);
    const [alert] = (await runResolved(s.events)).alerts;
    expect([alert?.rule, alert?.severity]).toEqual(['sensitive-read-then-push', 'high']);
    expect(alert?.reads.sensitive).toEqual([`${MOUNT}/token`]);
  });

  it('a reader that started within the window still counts (a controller pushing in its first half hour)', async () => {
    const s = new Scenario();
    const { c, iu } = imageUpdater(s);
    refresh(s, iu, 12);
    writeBack(s, c, iu);
    expect(brief((await runResolved(s.events)).alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
  });

  it('a long-running reader of the token that uploads by itself still has the token counted', async () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'tools', pod: 'syncer-0' });
    const app = s.init(c, '/app/syncer', '--interval 1m');
    refresh(s, app, 45);
    s.connect(app, GITHUB, 443).send(app, GITHUB, 443, 2 * MiB);
    refresh(s, app, 1, 45);
    expect(brief((await runResolved(s.events)).alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'syncer', destination: 'github.com' },
    ]);
  });
});
