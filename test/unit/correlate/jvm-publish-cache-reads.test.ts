/**
 * `mvn deploy` and `./gradlew publish` load every dependency from the warm cache (`~/.m2/repository`,
 * `~/.gradle/caches`) in the very JVM that uploads, so every release job that published from a warm cache was
 * `bulk-read-then-push`, critical, for those reads alone (found by a red-team review of CI pipelines, after
 * ./jvm-build-cache-reads.test.ts made `mvn verify`'s reads the build's). A publishing JVM's reads of the package
 * caches are now the build's as a verifying one's are; its other reads count, and so does the cache itself once
 * anything else has moved, linked or copied files into it (the container's STAGED_CACHE mark, staging-marks.ts):
 * data staged there would otherwise leave with the deploy, its reads laundered by the cache's name.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, type Scenario } from './builder.js';
import { runnerPod, tagPush } from './runner-job.js';

const HOME = '/home/runner';
const WORK = `${HOME}/_work/app/app`;
const JAVA = '/opt/hostedtoolcache/Java_Temurin-Hotspot_jdk/21.0.5-11.0/x64/bin/java';
const MAVEN = `-classpath /usr/share/maven/boot/plexus-classworlds-2.8.0.jar -Dclassworlds.conf=/usr/share/maven/bin/m2.conf -Dmaven.home=/usr/share/maven org.codehaus.plexus.classworlds.launcher.Launcher`;
const GRADLE_WRAPPER = `-Xmx64m -classpath ${WORK}/gradle/wrapper/gradle-wrapper.jar org.gradle.wrapper.GradleWrapperMain`;
const GRADLE_DAEMON = `-Xmx2g -cp ${HOME}/.gradle/wrapper/dists/gradle-8.10-bin/x/gradle-8.10/lib/gradle-daemon-main-8.10.jar org.gradle.launcher.daemon.bootstrap.GradleDaemon 8.10`;
const M2 = `${HOME}/.m2/repository`;
const GRADLE_CACHE = `${HOME}/.gradle/caches/modules-2/files-2.1`;
const JIB_BASE = `${HOME}/.cache/google-cloud-tools-java/jib`;
const GHCR = '140.82.121.33';
/** Sonatype's OSSRH (s01.oss.sonatype.org), where the artifacts go. */
const OSSRH = '3.124.10.18';

/** `files` jars of 2 MiB, loaded as a JVM loads them (300 MiB by default: critical past 256 MiB). */
function loadJars(s: Scenario, p: Proc, dir: string, files = 150, op: 'map' | 'read' = 'map'): void {
  for (let i = 0; i < files; i++) s.read(p, `${dir}/org/acme/lib${i}/1.0/lib${i}-1.0.jar`, 2 * MiB, { op }).wait(10);
}

/** The artifacts' upload (9 MiB of jars, sources and javadoc). */
function upload(s: Scenario, p: Proc): void {
  s.connect(p, OSSRH, 443, { cookie: '9' }).send(p, OSSRH, 443, 9 * MiB, { cookie: '9' });
}

/**
 * `mvn -B deploy` from a warm `~/.m2`: Maven's JVM resolves and loads the dependencies, Surefire's test JVM
 * loads them again, then the JVM uploads. `before` runs in the JVM before it uploads (the build's code).
 */
function mavenDeploy(s: Scenario, c: Ctr, parent: Proc, before: (mvn: Proc) => void = () => {}): void {
  const mvn = s.exec(c, JAVA, `${MAVEN} -B -s .ci/settings.xml deploy`, { parent, cwd: WORK });
  s.read(mvn, `${WORK}/.ci/settings.xml`, 2_000).read(mvn, `${WORK}/pom.xml`, 12_000);
  loadJars(s, mvn, M2);
  const tests = s.exec(c, JAVA, `-jar ${WORK}/target/surefire/surefirebooter-2024.jar`, { parent: mvn });
  loadJars(s, tests, M2, 60, 'read');
  s.exit(tests);
  before(mvn);
  upload(s, mvn);
  s.wait(1_000).exit(mvn);
}

const rules = (s: Scenario) => brief(run(s.events).alerts).map((a) => `${a.rule} ${a.severity}`);

describe("a publishing JVM's reads of its own dependency cache", () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    'mvn deploy from a warm ~/.m2 is a push with no notable reads (%s)',
    (source) => {
      const { s, c, worker } = runnerPod('app', source);
      mavenDeploy(s, c, worker);
      expect(rules(s)).toEqual(['push-without-reads low']);
    },
  );

  it.each<SensorSource>(['tetragon', 'falco'])(
    './gradlew publish: the wrapper (the push) and the daemon it starts read the caches (%s)',
    (source) => {
      const { s, c, worker } = runnerPod('app', source);
      const sh = s.exec(c, '/usr/bin/bash', './gradlew publish', { parent: worker, cwd: WORK });
      const wrapper = s.exec(c, JAVA, `${GRADLE_WRAPPER} publish`, { parent: sh, cwd: WORK });
      loadJars(s, wrapper, `${HOME}/.gradle/wrapper/dists/gradle-8.10-bin/x/gradle-8.10/lib`, 40);
      const daemon = s.exec(c, JAVA, GRADLE_DAEMON, { parent: wrapper });
      loadJars(s, daemon, GRADLE_CACHE);
      upload(s, daemon);
      s.wait(1_000).exit(wrapper).exit(sh);
      expect(rules(s)).toEqual(['push-without-reads low']);
    },
  );
});

/**
 * `mvn jib:build`: the JVM reads the dependencies, Jib's cache of the base image's layers (one read again to
 * upload it where the registry lacks it) and its application layers (made of the dependencies and classes), and
 * uploads 40 MiB (an image push of 64 MiB or more is `bulk-push-without-reads` by design).
 */
function jibBuild(s: Scenario, c: Ctr, parent: Proc): void {
  const mvn = s.exec(c, JAVA, `${MAVEN} -B compile jib:build -Dimage=ghcr.io/acme/app:1.2.3`, { parent, cwd: WORK });
  loadJars(s, mvn, M2, 30, 'read');
  for (let i = 0; i < 3; i++) s.read(mvn, `${JIB_BASE}/layers/sha256${i}/diff${i}`, 10 * MiB);
  for (let i = 0; i < 3; i++) s.read(mvn, `${WORK}/target/jib-cache/layers/sha256${i}/diff${i}`, 25 * MiB);
  s.connect(mvn, GHCR, 443, { cookie: '9' }).send(mvn, GHCR, 443, 40 * MiB, { cookie: '9' });
  s.wait(1_000).exit(mvn);
}

describe("Jib's caches, read by the JVM that pushes the image", () => {
  it.each<SensorSource>(['tetragon', 'falco'])('mvn jib:build is a push with no notable reads (%s)', (source) => {
    const { s, c, worker } = runnerPod('app', source);
    jibBuild(s, c, worker);
    expect(rules(s)).toEqual(['push-without-reads low']);
  });

  it('data moved into the base-image cache before it counts', () => {
    const { s, c, worker } = runnerPod('app');
    const mv = s.exec(c, '/usr/bin/mv', `/srv/exports ${JIB_BASE}/layers/sha256x`, { parent: worker });
    s.exit(mv);
    jibBuild(s, c, worker);
    expect(rules(s)).toEqual(['bulk-read-then-push high']);
  });
});

describe('what still counts around a publishing JVM', () => {
  it("the deploying JVM's own read of an ssh key counts", () => {
    const { s, c, worker } = runnerPod('app');
    mavenDeploy(s, c, worker, (mvn) => s.read(mvn, `${HOME}/.ssh/id_ed25519`, 400));
    const alert = run(s.events).alerts[0]!;
    expect([alert.rule, alert.severity, alert.reads.sensitive]).toEqual([
      'sensitive-read-then-push',
      'high',
      [`${HOME}/.ssh/id_ed25519`],
    ]);
  });

  it("the deploying JVM's reads outside the cache count (300 MiB of exports)", () => {
    const { s, c, worker } = runnerPod('app');
    mavenDeploy(s, c, worker, (mvn) => loadJars(s, mvn, '/srv/exports', 150, 'read'));
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it.each([
    // A copy into the cache stages it: the deploy's reads of the cache count again, 300 MiB.
    ['/usr/bin/cp', `${HOME}/.aws/credentials ${M2}/org/acme/x/1.0/x-1.0.jar`, 'bulk-read-then-push critical'],
    // A program writing it there is not seen to stage it, but its read of the secret counts.
    ['/usr/bin/python3', '/tmp/stage.py', 'sensitive-read-then-push high'],
  ])('a secret %s %s puts into ~/.m2/repository before the deploy counts', (binary, args, rule) => {
    const { s, c, worker } = runnerPod('app');
    const stager = s.exec(c, binary, args, { parent: worker });
    s.read(stager, `${HOME}/.aws/credentials`, 300).write(stager, `${M2}/org/acme/x/1.0/x-1.0.jar`, 300).exit(stager);
    mavenDeploy(s, c, worker);
    const alert = run(s.events).alerts[0]!;
    expect([`${alert.rule} ${alert.severity}`, alert.reads.sensitive]).toEqual([rule, [`${HOME}/.aws/credentials`]]);
  });

  it.each([
    // A move reads nothing: the deploy's reads of the cache are all there is to see.
    ['/usr/bin/mv', `/srv/exports ${M2}/org/acme/exports`, 0],
    ['/usr/bin/ln', `-s /srv/exports ${M2}/org/acme/`, 0],
    // A copy's reads counted, but a window before the deploy: the deploy's own reads of the copy must count.
    ['/usr/bin/cp', `-r /srv/exports ${M2}/org/acme/exports`, 31 * 60_000],
    ['/usr/bin/mv', '/srv/exports repository/org/acme', 0],
  ])('%s %s, then the deploy reading the cache: bulk', (binary, args, waitMs) => {
    const { s, c, worker } = runnerPod('app');
    const staging = s.exec(c, binary, args, { parent: worker, cwd: `${HOME}/.m2` });
    if (binary.endsWith('cp')) loadJars(s, staging, '/srv/exports', 150, 'read');
    s.exit(staging).wait(waitMs);
    mavenDeploy(s, c, worker);
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it("staged into the cache, a verifying JVM's reads of it count for the job's next push", () => {
    const { s, c, worker } = runnerPod('app');
    const mv = s.exec(c, '/usr/bin/mv', `/srv/exports ${GRADLE_CACHE}/x`, { parent: worker });
    s.exit(mv);
    const mvn = s.exec(c, JAVA, `${MAVEN} -B verify`, { parent: worker, cwd: WORK });
    loadJars(s, mvn, GRADLE_CACHE);
    s.exit(mvn);
    tagPush(s, c, worker, 'app', 'v5.0.0');
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it('an archive of the cache made by tar for another push counts as before', () => {
    const { s, c, worker } = runnerPod('app');
    const tar = s.exec(c, '/usr/bin/tar', `czf /tmp/m2.tgz ${M2}`, { parent: worker });
    loadJars(s, tar, M2);
    s.exit(tar);
    mavenDeploy(s, c, worker);
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });
});
