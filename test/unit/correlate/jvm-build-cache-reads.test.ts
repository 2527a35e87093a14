/**
 * Maven and Gradle resolve a build's dependencies from their caches (`~/.m2/repository`, `~/.gradle/caches`)
 * and load them from there into every JVM of the build: the build tool's own, Gradle's daemon and workers,
 * Surefire's test JVMs. A CI job that built from a warm cache and then pushed a tag was `bulk-read-then-push`,
 * critical, only for those reads (found by a review of CI false positives, after npm's and pip's:
 * ./installer-cache-reads.test.ts). Unlike pip's or cargo's, a JVM build runs the build's code in the tool's own
 * process (plugins, build scripts), so a build is no download: only the JVMs' reads of the package caches are
 * the build's, and their other reads, their egress, and anyone else's reads of the caches count. A publishing
 * JVM's (`mvn deploy`) are too: ./jvm-publish-cache-reads.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, type Scenario } from './builder.js';
import { runnerPod, tagPush } from './runner-job.js';

const HOME = '/home/runner';
const JAVA = '/opt/hostedtoolcache/Java_Temurin-Hotspot_jdk/21.0.5-11.0/x64/bin/java';
const MAVEN = `-classpath /usr/share/maven/boot/plexus-classworlds-2.8.0.jar -Dclassworlds.conf=/usr/share/maven/bin/m2.conf -Dmaven.home=/usr/share/maven org.codehaus.plexus.classworlds.launcher.Launcher`;
const GRADLE_WRAPPER = `-Xmx64m -classpath ${HOME}/_work/app/app/gradle/wrapper/gradle-wrapper.jar org.gradle.wrapper.GradleWrapperMain`;
const GRADLE_DAEMON = `-Xmx2g -cp ${HOME}/.gradle/wrapper/dists/gradle-8.10-bin/x/gradle-8.10/lib/gradle-daemon-main-8.10.jar org.gradle.launcher.daemon.bootstrap.GradleDaemon 8.10`;
const GRADLE_WORKER = `-cp ${HOME}/.gradle/caches/8.10/workerMain/gradle-worker.jar worker.org.gradle.process.internal.worker.GradleWorkerMain 'Gradle Test Executor 1'`;
const M2 = `${HOME}/.m2/repository`;
const GRADLE_CACHE = `${HOME}/.gradle/caches/modules-2/files-2.1`;

/** `files` jars of 2 MiB, mapped as a JVM loads them (300 MiB by default: critical past 256 MiB). */
function loadJars(s: Scenario, p: Proc, dir: string, files = 150): void {
  for (let i = 0; i < files; i++)
    s.read(p, `${dir}/org/acme/lib${i}/1.0/lib${i}-1.0.jar`, 2 * MiB, { op: 'map' }).wait(10);
}

/** `mvn -B verify`: Maven's JVM reads its settings and the repository, Surefire's test JVM the jars again. */
function mavenVerify(s: Scenario, c: Ctr, parent: Proc): { mvn: Proc; tests: Proc } {
  const mvn = s.exec(c, JAVA, `${MAVEN} -B verify`, { parent });
  s.read(mvn, `${HOME}/.m2/settings.xml`, 2_000);
  loadJars(s, mvn, M2);
  const tests = s.exec(c, JAVA, `-jar ${HOME}/_work/app/app/target/surefire/surefirebooter-2024.jar`, { parent: mvn });
  loadJars(s, tests, M2, 60);
  return { mvn, tests };
}

const rules = (s: Scenario) => brief(run(s.events).alerts).map((a) => `${a.rule} ${a.severity}`);

describe("a JVM build's reads of its dependency cache", () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    "mvn verify from a warm ~/.m2 leaves the job's tag push low (%s)",
    (source) => {
      const { s, c, worker } = runnerPod('app', source);
      const { mvn, tests } = mavenVerify(s, c, worker);
      s.exit(tests).exit(mvn);
      tagPush(s, c, worker, 'app', 'v5.0.0');
      expect(rules(s)).toEqual(['push-without-reads low']);
    },
  );

  it.each<SensorSource>(['tetragon', 'falco'])(
    "./gradlew build: the wrapper, the daemon and a test worker reading Gradle's caches are the build (%s)",
    (source) => {
      const { s, c, worker } = runnerPod('app', source);
      const sh = s.exec(c, '/usr/bin/bash', './gradlew build', { parent: worker });
      const wrapper = s.exec(c, JAVA, `${GRADLE_WRAPPER} build`, { parent: sh });
      loadJars(s, wrapper, `${HOME}/.gradle/wrapper/dists/gradle-8.10-bin/x/gradle-8.10/lib`, 40);
      const daemon = s.exec(c, JAVA, GRADLE_DAEMON, { parent: wrapper });
      loadJars(s, daemon, GRADLE_CACHE);
      const test = s.exec(c, JAVA, GRADLE_WORKER, { parent: daemon });
      loadJars(s, test, GRADLE_CACHE, 60);
      s.exit(test).exit(wrapper).exit(sh);
      tagPush(s, c, worker, 'app', 'v5.0.0');
      expect(rules(s)).toEqual(['push-without-reads low']);
    },
  );
});

describe('what still counts around a JVM build', () => {
  it("the build's own JVM reading an ssh key, and a test JVM reading cloud credentials, count", () => {
    const { s, c, worker } = runnerPod('app');
    const { mvn, tests } = mavenVerify(s, c, worker);
    s.read(mvn, `${HOME}/.ssh/id_rsa`, 2_600).read(tests, `${HOME}/.aws/credentials`, 200);
    s.exit(tests).exit(mvn);
    tagPush(s, c, worker, 'app', 'v5.0.0');
    const alert = run(s.events).alerts[0]!;
    expect([alert.rule, alert.severity]).toEqual(['sensitive-read-then-push', 'high']);
    expect([...alert.reads.sensitive].sort()).toEqual([`${HOME}/.aws/credentials`, `${HOME}/.ssh/id_rsa`]);
  });

  it("the build's other reads count (a test JVM reading 300 MiB of exports)", () => {
    const { s, c, worker } = runnerPod('app');
    const { mvn, tests } = mavenVerify(s, c, worker);
    for (let i = 0; i < 150; i++) s.read(tests, `/srv/exports/part-${i}.csv`, 2 * MiB);
    s.exit(tests).exit(mvn);
    tagPush(s, c, worker, 'app', 'v5.0.0');
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it.each([
    ['/usr/bin/tar', `czf /tmp/.m.tgz ${HOME}/.m2`, M2],
    ['/usr/bin/cat', `${GRADLE_CACHE}/x.jar`, GRADLE_CACHE],
    // A JVM that runs no build tool is no build.
    [JAVA, '-jar /tmp/tool.jar', M2],
  ])('%s %s reading the cache is no build: the push is bulk', (binary, args, cache) => {
    const { s, c, worker } = runnerPod('app');
    const p = s.exec(c, binary, args, { parent: worker });
    loadJars(s, p, cache);
    s.exit(p);
    tagPush(s, c, worker, 'app', 'v5.0.0');
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });
});
