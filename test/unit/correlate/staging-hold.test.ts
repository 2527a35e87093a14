/**
 * Staging marks outlive an idle container's expiry (../../../src/correlate/staging-hold.ts): data moved into a
 * package cache or a `node_modules/` directory (no read: a rename), hours of sleep while other pods keep the node's
 * clock going (the container's state expired and its mark with it), then the publishing JVM or node reading and
 * pushing it was `push-without-reads`, low. buildah's storage had its own hold; these two had none.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, type Scenario } from './builder.js';
import { runnerPod, tagPush } from './runner-job.js';

const HOME = '/home/runner';
const WORK = `${HOME}/_work/app/app`;
const JAVA = '/opt/hostedtoolcache/Java_Temurin-Hotspot_jdk/21.0.5-11.0/x64/bin/java';
const MAVEN =
  '-classpath /usr/share/maven/boot/plexus-classworlds-2.8.0.jar -Dclassworlds.conf=/usr/share/maven/bin/m2.conf -Dmaven.home=/usr/share/maven org.codehaus.plexus.classworlds.launcher.Launcher';
const NODE = `${HOME}/_work/_tool/node/20.18.1/x64/bin/node`;
const M2 = `${HOME}/.m2/repository`;
const UPLOAD = '3.124.10.18';
const IDLE_MS = 2 * 3_600_000;

/** Two idle hours for the runner's container while another pod's events move the node's clock on. */
function sleepWhileOthersWork(s: Scenario): void {
  s.wait(IDLE_MS / 2);
  const other = s.container({ namespace: 'prod', name: 'web' });
  const web = s.exec(other, '/usr/bin/nginx', '-g daemon off;', { parent: s.init(other) });
  s.read(web, '/etc/nginx/nginx.conf', 2_000).wait(IDLE_MS / 2);
  s.read(web, '/etc/nginx/mime.types', 2_000);
}

/** `reader` reads 80 MiB of `path` (40 reads of 2 MiB). */
function read80MiB(s: Scenario, reader: Proc, path: string): void {
  for (let i = 0; i < 40; i++) s.read(reader, path, 2 * MiB, { op: 'read' }).wait(10);
}

/** The JVM reads 80 MiB of `path` and uploads 9 MiB itself (`mvn deploy`). */
function readAndUpload(s: Scenario, reader: Proc, path: string): void {
  read80MiB(s, reader, path);
  s.connect(reader, UPLOAD, 443, { cookie: '9' }).send(reader, UPLOAD, 443, 9 * MiB, { cookie: '9' });
  s.wait(1_000).exit(reader);
}

/** A node release script loads 80 MiB of `path`, then pushes a tag with git (as semantic-release does). */
function nodeRelease(s: Scenario, c: Ctr, worker: Proc, path: string): void {
  const node = s.exec(c, NODE, `${WORK}/node_modules/.bin/semantic-release`, { parent: worker, cwd: WORK });
  read80MiB(s, node, path);
  tagPush(s, c, node, 'app', 'v2.3.0');
  s.wait(500).exit(node);
}

const runAlerts = (s: Scenario) =>
  // One event per batch, as a live stream comes: the sweep goes on between them.
  brief(run(s.events, { batchSize: 1 }).alerts).map((a) => `${a.rule} ${a.severity}`);

function stageBySleeping(source: SensorSource, move: string): { s: Scenario; c: Ctr; worker: Proc } {
  const { s, c, worker } = runnerPod('app', source);
  s.exit(s.exec(c, '/usr/bin/mv', move, { parent: worker, cwd: WORK }));
  sleepWhileOthersWork(s);
  return { s, c, worker };
}

describe("a staging mark outlives the container's idle expiry", () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    'mv of a dump into ~/.m2/repository, two idle hours, then mvn deploy reading it: bulk (%s)',
    (source) => {
      const { s, c, worker } = stageBySleeping(source, `/srv/exports/users.sql ${M2}/org/acme/x/1.0/x-1.0.jar`);
      const mvn = s.exec(c, JAVA, `${MAVEN} -B deploy`, { parent: worker, cwd: WORK });
      readAndUpload(s, mvn, `${M2}/org/acme/x/1.0/x-1.0.jar`);
      expect(runAlerts(s)[0]).toMatch(/^bulk-read-then-push /);
    },
  );

  it.each<SensorSource>(['tetragon', 'falco'])(
    'mv of a dump into node_modules as a module, two idle hours, then a node release loading it and pushing a tag: bulk (%s)',
    (source) => {
      const { s, c, worker } = stageBySleeping(source, `/srv/exports/users.sql ${WORK}/node_modules/lodash/x.js`);
      nodeRelease(s, c, worker, `${WORK}/node_modules/lodash/x.js`);
      expect(runAlerts(s)).toEqual(['bulk-read-then-push high']);
    },
  );

  it('without a mark the module loads after the same idle hours stay uncounted', () => {
    const { s, c, worker } = runnerPod('app');
    s.exit(s.exec(c, '/usr/bin/ls', `${WORK}/node_modules`, { parent: worker, cwd: WORK }));
    sleepWhileOthersWork(s);
    nodeRelease(s, c, worker, `${WORK}/node_modules/lodash/x.js`);
    expect(runAlerts(s)).toEqual(['push-without-reads low']);
  });
});
