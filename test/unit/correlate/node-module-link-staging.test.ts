/**
 * A way into `node_modules/` under another name (found by review of the session's change): `ln -s
 * node_modules/lodash /tmp/s`, then `cp /srv/exports/users.sql /tmp/s/x.js`, wrote the dump into node_modules
 * with neither command naming it as a target, so node's later reads of it were exempted as module loads
 * (../../../src/correlate/own-products.ts) and the push stayed `push-without-reads`, low. buildah's storage had
 * the same guard already (../../../src/correlate/storage-writers.ts: a link to the place, `cpio` into it).
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, type Proc, runResolved, type Scenario } from './builder.js';
import { runnerPod, tagPush } from './runner-job.js';
import { stageWindowBefore } from './staging-step.js';

const WORK = '/home/runner/_work/app/app';
const NODE = '/home/runner/_work/_tool/node/20.18.1/x64/bin/node';

function release(s: Scenario, c: ReturnType<typeof runnerPod>['c'], worker: Proc): void {
  const node = s.exec(c, NODE, `${WORK}/node_modules/.bin/semantic-release`, { parent: worker, cwd: WORK });
  for (let i = 0; i < 60; i++) s.read(node, `${WORK}/node_modules/lodash/x.js`, 2 * MiB, { op: 'read' });
  tagPush(s, c, node, 'app', 'v2.3.0');
  s.wait(500).exit(node);
}

describe('data put into node_modules through a link to it', () => {
  it.each([
    ['/bin/ln', `-s ${WORK}/node_modules/lodash /tmp/s`],
    ['/bin/sh', `-c "ln -sf ${WORK}/node_modules/lodash /tmp/s"`],
  ])('%s %s, then cp into the link a window before: node reading it counts', async (binary, args) => {
    const { s, c, worker } = runnerPod('app');
    s.exit(s.exec(c, binary, args, { parent: worker, cwd: WORK }));
    stageWindowBefore(s, c, '/bin/cp', '/srv/exports/users.sql /tmp/s/x.js', {
      parent: worker,
      cwd: WORK,
      reads: (cp) => {
        for (let i = 0; i < 60; i++) s.read(cp, '/srv/exports/users.sql', 2 * MiB, { op: 'read' });
      },
    });
    release(s, c, worker);
    expect(brief((await runResolved(s.events)).alerts).map((a) => `${a.rule} ${a.severity}`)).toEqual([
      'bulk-read-then-push high',
    ]);
  });
});
