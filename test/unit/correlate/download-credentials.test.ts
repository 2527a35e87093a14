/**
 * A download reads the credentials it authenticates with: `npm ci` reads the repository's committed
 * `.npmrc` and the one actions/setup-node writes (`registry-url`), a fetch over SSH has its `ssh` read the
 * deploy key, git's credential helper reads `~/.git-credentials`, `docker pull` the registry login. Those
 * files are sensitive, so a GitHub Actions job that ran `npm ci` and then pushed a tag of a small library
 * was `sensitive-read-then-push`, high (found by a red-team review of CI pipelines). A download's own
 * processes reading their credential store is the credential in use, as a signing tool's own key is; any
 * other process reading the same file, a process a download starts that is not the download (an install
 * script, a hook), and other secrets read by the download still count.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, type Proc, run, type Scenario } from './builder.js';
import { GITHUB_IP, runnerPod, tagPush } from './runner-job.js';

const NPM_IP = '104.16.27.34';
const WORK = '/home/runner/_work/lib/lib';
const NODE = '/home/runner/_work/_tool/node/20.18.1/x64/bin/node';
const NPM = '/home/runner/_work/_tool/node/20.18.1/x64/bin/npm';

/** `npm ci` reading the repository's `.npmrc` and setup-node's, then the lockfile, then downloading. */
function npmCi(s: Scenario, c: Ctr, parent: Proc): Proc {
  const ci = s.exec(c, NODE, `${NPM} ci`, { parent });
  s.read(ci, `${WORK}/.npmrc`, 40).read(ci, '/home/runner/_work/_temp/.npmrc', 120);
  s.read(ci, `${WORK}/package-lock.json`, 90_000);
  s.connect(ci, NPM_IP, 443, { cookie: '7' }).send(ci, NPM_IP, 443, 60_000, { cookie: '7' });
  s.wait(2_000).exit(ci);
  return ci;
}

const LOW = [{ rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' }];
const HIGH = [{ rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' }];

describe('credentials a download reads for itself', () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    "npm ci reading .npmrc does not make the job's later tag push high (%s)",
    (source) => {
      const { s, c, worker } = runnerPod('lib', source);
      npmCi(s, c, worker);
      s.wait(1_000);
      tagPush(s, c, worker, 'lib', 'v1.4.0');
      expect(brief(run(s.events).alerts)).toEqual(LOW);
    },
  );

  it("a fetch over SSH: git's ssh reading the deploy key, git's credential helper reading its store", () => {
    const { s, c, worker } = runnerPod('lib');
    const fetch = s.exec(c, '/usr/bin/git', 'fetch origin', { parent: worker });
    const ssh = s.exec(c, '/usr/bin/ssh', "-o SendEnv=GIT_PROTOCOL git@github.com git-upload-pack 'acme/lib.git'", {
      parent: fetch,
    });
    s.read(ssh, '/home/runner/.ssh/id_ed25519', 411);
    s.connect(ssh, GITHUB_IP, 22, { cookie: '3' }).send(ssh, GITHUB_IP, 22, 9_000, { cookie: '3' });
    s.exit(ssh).exit(fetch);
    const pull = s.exec(c, '/usr/bin/git', 'pull https://github.com/acme/tools.git', { parent: worker });
    const helper = s.exec(c, '/usr/lib/git-core/git', 'credential-store get', { parent: pull });
    s.read(helper, '/home/runner/.git-credentials', 90).exit(helper).exit(pull);
    const dockerPull = s.exec(c, '/usr/bin/docker', 'pull ghcr.io/acme/base:1', { parent: worker });
    s.read(dockerPull, '/home/runner/.docker/config.json', 300).exit(dockerPull);
    s.wait(1_000);
    tagPush(s, c, worker, 'lib', 'v1.4.0');
    expect(brief(run(s.events).alerts)).toEqual(LOW);
  });

  it('the same .npmrc read by another process counts', () => {
    const { s, c, worker } = runnerPod('lib');
    npmCi(s, c, worker);
    const cat = s.exec(c, '/usr/bin/cat', '/home/runner/_work/_temp/.npmrc', { parent: worker });
    s.read(cat, '/home/runner/_work/_temp/.npmrc', 120).exit(cat);
    tagPush(s, c, worker, 'lib', 'v1.4.0');
    expect(brief(run(s.events).alerts)).toEqual(HIGH);
  });

  it('an install script npm runs is not the download: its read of .npmrc counts', () => {
    const { s, c, worker } = runnerPod('lib');
    const ci = s.exec(c, NODE, `${NPM} ci`, { parent: worker });
    const sh = s.exec(c, '/bin/sh', '-c node scripts/postinstall.js', { parent: ci });
    const script = s.exec(c, NODE, 'scripts/postinstall.js', { parent: sh });
    s.read(script, '/home/runner/_work/_temp/.npmrc', 120).exit(script).exit(sh).exit(ci);
    tagPush(s, c, worker, 'lib', 'v1.4.0');
    expect(brief(run(s.events).alerts)).toEqual(HIGH);
  });

  // `sh -c 'node scripts/postinstall.js'` execs the script in its own process (dash, bash), so the script's
  // parent is npm's `node`: the same binary as the download, but another program (found by review).
  it.each<SensorSource>(['tetragon', 'falco'])(
    "an install script the shell exec'd in place under npm's node is not the download (%s)",
    (source) => {
      const { s, c, worker } = runnerPod('lib', source);
      const ci = s.exec(c, NODE, `${NPM} ci`, { parent: worker });
      const script = s.exec(c, NODE, 'scripts/postinstall.js', { parent: ci });
      s.read(script, '/home/runner/_work/_temp/.npmrc', 120).read(script, '/home/runner/.ssh/id_rsa', 1_700);
      s.exit(script).exit(ci);
      tagPush(s, c, worker, 'lib', 'v1.4.0');
      expect(brief(run(s.events).alerts)).toEqual(HIGH);
    },
  );

  it('other secrets a download reads still count (a token, cloud credentials)', () => {
    const { s, c, worker } = runnerPod('lib');
    const ci = s.exec(c, NODE, `${NPM} ci`, { parent: worker });
    s.read(ci, '/var/run/secrets/kubernetes.io/serviceaccount/token', 1_100);
    s.read(ci, '/home/runner/.aws/credentials', 200).exit(ci);
    tagPush(s, c, worker, 'lib', 'v1.4.0');
    expect(brief(run(s.events).alerts)).toEqual(HIGH);
  });

  it('the pushing tool reading its own credentials still counts (docker push after docker login)', () => {
    const { s, c, worker } = runnerPod('lib');
    const push = s.exec(c, '/usr/bin/docker', 'push ghcr.io/acme/lib:1.4.0', { parent: worker });
    s.read(push, '/home/runner/.docker/config.json', 300).exit(push);
    expect(brief(run(s.events).alerts).map((a) => a.rule)).toEqual(['sensitive-read-then-push']);
  });
});
