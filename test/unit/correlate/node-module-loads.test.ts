/**
 * A Node release tool or bot reads its own modules as it starts: Renovate tens of MiB from
 * `/usr/local/renovate/node_modules`, semantic-release its plugins from the project's `node_modules`; their push
 * was `push-after-moderate-reads` (thousands of files) or, past 64 MiB, `bulk-read-then-push` (found by a red-team
 * review of CI pipelines): ../../../src/correlate/module-loads.ts. Data moved, linked, copied, redirected or
 * extracted into a `node_modules` directory, anyone else's reads of `node_modules`, node's reads of files no module
 * is, a node from a scratch directory and secrets still count.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, runResolved, Scenario } from './builder.js';
import { runnerPod, tagPush } from './runner-job.js';
import { stageWindowBefore, WINDOW_AND_MORE_MS } from './staging-step.js';

const HOME = '/home/runner';
const WORK = `${HOME}/_work/app/app`;
const NODE = `${HOME}/_work/_tool/node/20.18.1/x64/bin/node`;
const GITHUB_API = '140.82.112.5';

const rules = async (s: Scenario) => brief((await runResolved(s.events)).alerts).map((a) => `${a.rule} ${a.severity}`);

/** `files` module files of `bytes` each below `dir`, read by `p` (what `require` reads). */
function loadModules(s: Scenario, p: Proc, dir: string, files: number, bytes: number, ext = 'js'): void {
  for (let i = 0; i < files; i++) s.read(p, `${dir}/pkg-${i % 97}/lib/m${i}.${ext}`, bytes, { op: 'read' });
}

/**
 * A Renovate CronJob run (the renovate/renovate image): node loads 70 MiB of 2,400 modules and 3 MiB of Renovate's
 * own `dist/`, clones the repository, asks GitHub's API, and force-pushes its branch.
 */
function renovateRun(source: SensorSource, o: { node?: string; also?: (node: Proc, c: Ctr) => void } = {}) {
  const s = new Scenario({ source });
  const c = s.container({
    namespace: 'renovate',
    pod: 'renovate-28901234-x7k2p',
    name: 'renovate',
    image: 'ghcr.io/renovatebot/renovate:39.42.0',
  });
  const entry = s.init(c, '/bin/bash', '/usr/local/sbin/renovate-entrypoint.sh');
  const node = s.exec(
    c,
    o.node ?? '/opt/containerbase/tools/node/20.18.1/bin/node',
    '/usr/local/renovate/dist/renovate.js',
    {
      parent: entry,
      cwd: '/usr/local/renovate',
    },
  );
  s.read(node, '/usr/local/renovate/package.json', 30_000);
  for (let i = 0; i < 150; i++) s.read(node, `/usr/local/renovate/dist/modules/m${i}.js`, 20_000);
  loadModules(s, node, '/usr/local/renovate/node_modules', 800, 30_000);
  loadModules(s, node, '/usr/local/renovate/node_modules/@aws-sdk', 800, 30_000, 'cjs');
  loadModules(s, node, '/usr/local/renovate/node_modules/@renovatebot', 800, 30_000, 'json');
  s.read(node, '/usr/local/renovate/node_modules/re2/build/Release/re2.node', 3 * MiB);
  s.connect(node, GITHUB_API, 443, { cookie: '3' }).send(node, GITHUB_API, 443, 200_000, { cookie: '3' });
  o.also?.(node, c);
  const push = s.exec(c, '/usr/bin/git', 'push --force-with-lease origin renovate/lodash-4.x', {
    parent: node,
    cwd: '/tmp/renovate/repos/github/acme/app',
  });
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/app.git', {
    parent: push,
  });
  s.connect(helper, '140.82.112.3', 443, { cookie: '4' }).send(helper, '140.82.112.3', 443, 40_000, { cookie: '4' });
  s.wait(300).exit(helper).exit(push).wait(1_000).exit(node);
  return { s, c };
}

/** `npx semantic-release` in a GitHub Actions job: 40 MiB of its plugins, then a tag push (its `npm publish` aside). */
function semanticRelease(s: Scenario, c: Ctr, worker: Proc, also?: (node: Proc) => void): void {
  const node = s.exec(c, NODE, `${WORK}/node_modules/.bin/semantic-release`, { parent: worker, cwd: WORK });
  loadModules(s, node, `${WORK}/node_modules`, 1_000, 40_000);
  loadModules(s, node, `${WORK}/node_modules/@semantic-release`, 300, 10_000, 'mjs');
  s.read(node, `${WORK}/package.json`, 2_000);
  also?.(node);
  tagPush(s, c, node, 'app', 'v2.3.0');
  s.wait(500).exit(node);
}

describe('node loading its own modules', () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    'a Renovate run is a push with no notable reads (%s)',
    async (source) => {
      const { s } = renovateRun(source);
      expect(await rules(s)).toEqual(['push-without-reads low']);
    },
  );

  it.each<SensorSource>(['tetragon', 'falco'])(
    'semantic-release after npm ci is a push with no notable reads (%s)',
    async (source) => {
      const { s, c, worker } = runnerPod('app', source);
      // npm writes node_modules in its own process: no staging (its lifecycle scripts' shells included).
      const npm = s.exec(c, NODE, `${HOME}/_work/_tool/node/20.18.1/x64/lib/node_modules/npm/bin/npm-cli.js ci`, {
        parent: worker,
        cwd: WORK,
      });
      s.read(npm, `${WORK}/package-lock.json`, 900_000);
      const postinstall = s.exec(c, '/bin/sh', '-c "node install.js"', {
        parent: npm,
        cwd: `${WORK}/node_modules/esbuild`,
      });
      s.exit(s.exec(c, NODE, 'install.js', { parent: postinstall, cwd: `${WORK}/node_modules/esbuild` })).exit(
        postinstall,
      );
      s.exit(npm).wait(5_000);
      semanticRelease(s, c, worker);
      expect(await rules(s)).toEqual(['push-without-reads low']);
    },
  );
});

describe('data put into node_modules, then read by node', () => {
  it.each([
    ['/usr/bin/mv', '/srv/exports/users.sql node_modules/lodash/x.js'],
    ['/bin/ln', '-s /srv/exports/users.sql node_modules/lodash/x.js'],
    ['/usr/bin/busybox', 'mv /srv/exports node_modules/.x'],
  ])('%s %s: node reading it counts', async (binary, args) => {
    const { s, c, worker } = runnerPod('app');
    s.exit(s.exec(c, binary, args, { parent: worker, cwd: WORK }));
    semanticRelease(s, c, worker, (node) => {
      for (let i = 0; i < 60; i++) s.read(node, `${WORK}/node_modules/lodash/x.js`, 2 * MiB, { op: 'read' });
    });
    expect(await rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it.each([
    ['/bin/sh', '-c "base64 /srv/exports/users.sql > node_modules/lodash/x.js"'],
    ['/usr/bin/tar', 'xf /tmp/loot.tar -C node_modules/lodash'],
    ['/bin/cp', '/srv/exports/users.sql node_modules/lodash/x.js'],
  ])('%s %s a window before: node reading it counts', async (binary, args) => {
    const { s, c, worker } = runnerPod('app');
    stageWindowBefore(s, c, binary, args, {
      parent: worker,
      cwd: WORK,
      reads: (stager) => {
        for (let i = 0; i < 60; i++) s.read(stager, '/srv/exports/users.sql', 2 * MiB, { op: 'read' });
      },
    });
    semanticRelease(s, c, worker, (node) => {
      for (let i = 0; i < 60; i++) s.read(node, `${WORK}/node_modules/lodash/x.js`, 2 * MiB, { op: 'read' });
    });
    expect(await rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it('a secret store copied into node_modules as a module is a secret read', async () => {
    const { s, c, worker } = runnerPod('app');
    s.exit(s.exec(c, '/bin/cp', `${HOME}/.kube/config node_modules/lodash/index.json`, { parent: worker, cwd: WORK }));
    semanticRelease(s, c, worker, (node) => s.read(node, `${WORK}/node_modules/lodash/index.json`, 6_000));
    expect(await rules(s)).toEqual(['sensitive-read-then-push high']);
  });

  it.each<SensorSource>(['tetragon', 'falco'])(
    "a pod step's copy of a secret into the workspace's node_modules, loaded by the next step's node (%s)",
    async (source) => {
      const s = new Scenario({ source });
      const pod = 'release-run-7x2-pod';
      const fetch = s.container({ namespace: 'ci', pod, name: 'step-fetch', image: 'docker.io/library/alpine:3' });
      const release = s.container({ namespace: 'ci', pod, name: 'step-release', image: 'docker.io/library/node:20' });
      const sh1 = s.init(fetch, '/tekton/bin/entrypoint', '-post_file /tekton/run/0/out -entrypoint /bin/sh');
      const token = '/var/run/secrets/kubernetes.io/serviceaccount/token';
      const cp = s.exec(fetch, '/bin/cp', `${token} /workspace/source/node_modules/x/index.json`, { parent: sh1 });
      s.read(cp, token, 1_000).exit(cp).wait(3_000);
      const sh2 = s.init(release, '/tekton/bin/entrypoint', '-wait_file /tekton/run/0/out -entrypoint /bin/sh');
      const node = s.exec(release, '/usr/local/bin/node', 'node_modules/.bin/semantic-release', {
        parent: sh2,
        cwd: '/workspace/source',
      });
      s.read(node, '/workspace/source/node_modules/x/index.json', 1_000);
      tagPush(s, release, node, 'app', 'v2.3.0');
      expect(await rules(s)).toEqual(['sensitive-read-then-push high']);
    },
  );

  it("a project's .npmrc with a token read by node in node_modules' place still counts", async () => {
    const { s, c, worker } = runnerPod('app');
    semanticRelease(s, c, worker, (node) => s.read(node, `${WORK}/node_modules/x/.npmrc`, 200));
    expect(await rules(s)).toEqual(['sensitive-read-then-push high']);
  });
});

describe('what still counts around node_modules', () => {
  it('another process reading node_modules counts (an archive of it, a script)', async () => {
    const { s, c, worker } = runnerPod('app');
    const tar = s.exec(c, '/usr/bin/tar', 'czf /tmp/nm.tgz node_modules', { parent: worker, cwd: WORK });
    loadModules(s, tar, `${WORK}/node_modules`, 1_000, 80_000);
    s.exit(tar);
    const python = s.exec(c, '/usr/bin/python3', '/tmp/walk.py', { parent: worker, cwd: WORK });
    loadModules(s, python, `${WORK}/node_modules`, 1_000, 80_000);
    s.exit(python);
    tagPush(s, c, worker, 'app', 'v2.3.0');
    expect(await rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it.each([
    ['files no module is (data, a build cache)', `${WORK}/node_modules/x/data.bin`],
    ['a build cache', `${WORK}/node_modules/.cache/babel-loader/0a1b.json`],
    ['outside node_modules', '/srv/exports/users.js'],
  ])('node reading %s counts', async (_what, path) => {
    const { s, c, worker } = runnerPod('app');
    semanticRelease(s, c, worker, (node) => {
      for (let i = 0; i < 60; i++) s.read(node, path, 2 * MiB, { op: 'read' });
    });
    expect(await rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it('a node from a scratch directory loads nothing of its own', async () => {
    const { s } = renovateRun('tetragon', { node: '/tmp/.x/node' });
    expect(await rules(s)).toEqual(['bulk-read-then-push high']);
  });
});

describe('data that reached node_modules unseen, read by node', () => {
  // A CI step's script file (`bash /home/runner/work/_temp/x.sh`, Tekton's `/tekton/scripts/…`) redirecting a dump
  // into node_modules shows no target on any command line; nor does a sibling container moving one there, nor a
  // checked-out tree's symlinks under Falco. Past the process's bound, node's loads count.
  it.each<SensorSource>(['tetragon', 'falco'])(
    'a 300 MiB "module" node reads and pushes counts past its bound (%s)',
    async (source) => {
      const { s, c, worker } = runnerPod('app', source);
      const sh = s.exec(c, '/usr/bin/bash', '--noprofile --norc -e -o pipefail /home/runner/work/_temp/4f1c.sh', {
        parent: worker,
        cwd: WORK,
      });
      const gzip = s.exec(c, '/usr/bin/gzip', '-c /srv/exports/users.sql', { parent: sh, cwd: WORK });
      for (let i = 0; i < 150; i++) s.read(gzip, '/srv/exports/users.sql', 2 * MiB, { op: 'read' });
      s.exit(gzip).exit(sh).wait(WINDOW_AND_MORE_MS);
      semanticRelease(s, c, worker, (node) => {
        for (let i = 0; i < 150; i++) s.read(node, `${WORK}/node_modules/.x/x.js`, 2 * MiB, { op: 'read' });
      });
      expect(await rules(s)).toEqual(['bulk-read-then-push high']);
    },
  );

  it('a name the sensor did not resolve (node_modules/../..) is no module', async () => {
    const { s, c, worker } = runnerPod('app');
    semanticRelease(s, c, worker, (node) => {
      const path = `${WORK}/node_modules/../../../../../srv/exports/users.json`;
      for (let i = 0; i < 60; i++) s.read(node, path, 2 * MiB, { op: 'read' });
    });
    expect(await rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it("a native addon dlopen maps (@next/swc's 130 MiB .node) takes nothing from the bound", async () => {
    const { s, c, worker } = runnerPod('app');
    semanticRelease(s, c, worker, (node) => {
      const swc = `${WORK}/node_modules/@next/swc-linux-x64-gnu/next-swc.linux-x64-gnu.node`;
      s.read(node, swc, 832, { op: 'read' }).read(node, swc, 130 * MiB, { op: 'map' });
      loadModules(s, node, `${WORK}/node_modules/next/dist`, 1_000, 40_000);
    });
    expect(await rules(s)).toEqual(['push-without-reads low']);
  });
});
