/**
 * A GitHub Actions job on an actions-runner-controller pod, and the tag push that ends it: the shape of the
 * CI false positives the download and install tests check (./download-credentials.test.ts,
 * ./package-cache-reads.test.ts, ./installer-cache-reads.test.ts, ./jvm-build-cache-reads.test.ts).
 */
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { type Ctr, type Proc, Scenario } from './builder.js';

export const GITHUB_IP = '140.82.112.3';

/** The runner pod of repository `repo` and its job's worker process. */
export function runnerPod(repo: string, source: SensorSource = 'tetragon') {
  const s = new Scenario({ source });
  const c = s.container({
    namespace: 'arc-runners',
    pod: `acme-${repo}-runners-x7k2p-runner-4hq9d`,
    name: 'runner',
    image: 'ghcr.io/actions/actions-runner:2.321.0',
  });
  const worker = s.init(c, '/home/runner/bin/Runner.Worker', 'spawnclient 113 116');
  return { s, c, worker };
}

/** `git push https://github.com/acme/REPO.git refs/tags/TAG`: 5 KiB through git's HTTPS helper. */
export function tagPush(s: Scenario, c: Ctr, parent: Proc, repo: string, tag: string): void {
  const url = `https://github.com/acme/${repo}.git`;
  const push = s.exec(c, '/usr/bin/git', `push ${url} refs/tags/${tag}`, { parent });
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', url, { parent: push });
  s.connect(helper, GITHUB_IP, 443, { cookie: '2' }).send(helper, GITHUB_IP, 443, 5_000, { cookie: '2' });
  s.wait(300).exit(helper).exit(push);
}
