/**
 * A red-team review of the CI/CD read exemptions: an attacker in a release job stages bulk data into a package
 * cache by a command line that writes there (a shell's redirection of any program's output, `tee`, `dd of=`,
 * `tar x -C CACHE`, `unzip -d CACHE`) more than a window before the deploy. Only `mv`, `ln`, `cp`… and the copies
 * ./shell-copies.ts follows marked the container, so the deploy's reads of the data were the build's ("What a
 * download reads", docs/detection.md) and it left as `push-without-reads`, low.
 */
import { describe, expect, it } from 'vitest';
import { brief, type Ctr, MiB, type Proc, run, type Scenario } from './builder.js';
import { runnerPod } from './runner-job.js';
import { stageWindowBefore } from './staging-step.js';

const HOME = '/home/runner';
const WORK = `${HOME}/_work/app/app`;
const JAVA = '/opt/hostedtoolcache/Java_Temurin-Hotspot_jdk/21.0.5-11.0/x64/bin/java';
const MAVEN = `-classpath /usr/share/maven/boot/plexus-classworlds-2.8.0.jar -Dclassworlds.conf=/usr/share/maven/bin/m2.conf -Dmaven.home=/usr/share/maven org.codehaus.plexus.classworlds.launcher.Launcher`;
const M2 = `${HOME}/.m2/repository`;
const OSSRH = '3.124.10.18';

const rules = (s: Scenario) => brief(run(s.events).alerts).map((a) => `${a.rule} ${a.severity}`);

function readMiB(s: Scenario, p: Proc, dir: string, files: number): void {
  for (let i = 0; i < files; i++) s.read(p, `${dir}/part-${i}.bin`, 2 * MiB, { op: 'read' }).wait(10);
}

describe('data staged into ~/.m2/repository by a command line that writes there, a window before mvn deploy', () => {
  it.each([
    // Any program's output a shell redirects into the cache (./shell-copies.ts follows only known readers).
    ['/bin/sh', `-c "python3 /tmp/pack.py > ${M2}/org/acme/x/1.0/x-1.0.jar"`, WORK],
    ['/bin/bash', `-c "curl -s file:///srv/exports/db.tar | tee ${M2}/org/acme/x/1.0/x-1.0.jar"`, WORK],
    ['/bin/sh', `-c "openssl enc -aes-256-cbc -k k >> ${M2}/org/acme/x/1.0/x-1.0.jar"`, WORK],
    // A filter's script writing the file itself (sed's `w FILE`; awk's `print > "FILE"` alike).
    ['/bin/sh', `-c "python3 /tmp/pack.py | sed -n 'w ${M2}/org/acme/x/1.0/x-1.0.jar'"`, WORK],
    // Writes the copy reader followed and the cache reader did not, before both read one result (./shell-writes.ts).
    ['/bin/sh', `-c "python3 /tmp/pack.py | xxd -r - ${M2}/org/acme/x/1.0/x-1.0.jar"`, WORK],
    ['/bin/bash', `-c 'echo "$(python3 /tmp/pack.py | tee ${M2}/org/acme/x/1.0/x-1.0.jar)" | wc -c'`, WORK],
    // An archive extracted into the cache.
    ['/usr/bin/tar', `xf /tmp/loot.tar -C ${M2}/org/acme`, WORK],
    ['/usr/bin/tar', '--extract --file=/tmp/loot.tar', `${M2}/org/acme`],
    ['/usr/bin/unzip', `-q /tmp/loot.zip -d ${M2}/org/acme`, WORK],
    // `dd of=` run by a program feeding its stdin (with `if=` too it is a copy, ./relinks.ts).
    ['/usr/bin/dd', `of=${M2}/org/acme/x/1.0/x-1.0.jar bs=1M`, WORK],
    ['/bin/busybox', `tar -xf /tmp/loot.tar -C ${M2}/org/acme`, WORK],
  ])('%s %s (in %s): the deploy reading it is bulk', (binary, args, cwd) => {
    const { s, c, worker } = runnerPod('app');
    stageWindowBefore(s, c, binary, args, {
      parent: worker,
      cwd,
      reads: (stager) => readMiB(s, stager, '/srv/exports', 150),
    });
    deploy(s, c, worker);
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });
});

/** `mvn -B deploy` loading 300 MiB from the cache, then uploading 9 MiB. */
function deploy(s: Scenario, c: Ctr, parent: Proc): void {
  const mvn = s.exec(c, JAVA, `${MAVEN} -B deploy`, { parent, cwd: WORK });
  readMiB(s, mvn, `${M2}/org/acme/x/1.0`, 150);
  s.connect(mvn, OSSRH, 443, { cookie: '9' }).send(mvn, OSSRH, 443, 9 * MiB, { cookie: '9' });
  s.wait(1_000).exit(mvn);
}

describe('what a release job writes around the cache stays no staging', () => {
  it.each([
    // actions/cache restoring ~/.m2: the archive holds absolute paths, its directory is the workspace.
    [
      '/usr/bin/tar',
      '-xf /home/runner/_work/_temp/6f1c-77/cache.tzst -P -C /home/runner/_work/app/app --use-compress-program unzstd',
    ],
    // The settings the deploy authenticates with, next to the cache; a listing of the cache written elsewhere.
    ['/bin/sh', `-c 'echo "$MAVEN_SETTINGS" > ${HOME}/.m2/settings.xml'`],
    ['/bin/bash', `-c "ls -R ${M2} > /tmp/m2.txt; du -sh ${M2} | tee /tmp/m2-size"`],
    ['/bin/sh', `-c "ls ${M2}/org/acme | sed -n 'w /tmp/acme-artifacts'"`],
    // An archive of the cache made (not extracted), and one extracted elsewhere.
    ['/usr/bin/tar', `czf /tmp/m2.tgz -C ${HOME}/.m2 repository`],
    ['/usr/bin/unzip', '-q /tmp/site.zip -d /home/runner/_work/app/app/target/site'],
  ])('%s %s, then mvn deploy from the warm cache: a push with no notable reads', (binary, args) => {
    const { s, c, worker } = runnerPod('app');
    s.exit(s.exec(c, binary, args, { parent: worker, cwd: WORK }));
    deploy(s, c, worker);
    expect(rules(s)).toEqual(['push-without-reads low']);
  });
});

/**
 * `./mvnw deploy` where `~/.m2/wrapper` was not cached: the wrapper's script downloads the distribution into a
 * `mktemp -d` directory and moves it into `~/.m2/wrapper/dists/NAME/HASH`. That move put files into a package
 * cache, and the deploy's 300 MiB of dependencies were `bulk-read-then-push`, critical.
 */
function mvnwColdDeploy(s: Scenario, c: Ctr, parent: Proc, move: string): void {
  const mvnw = s.exec(c, '/usr/bin/sh', './mvnw -B deploy', { parent, cwd: WORK });
  s.exit(s.exec(c, '/usr/bin/mv', move, { parent: mvnw, cwd: WORK }));
  const dist = `${HOME}/.m2/wrapper/dists/apache-maven-3.9.9/3477a4f1`;
  const args = `-classpath ${dist}/boot/plexus-classworlds-2.8.0.jar org.codehaus.plexus.classworlds.launcher.Launcher -B deploy`;
  const mvn = s.exec(c, JAVA, args, { parent: mvnw, cwd: WORK });
  readMiB(s, mvn, `${dist}/lib`, 5);
  readMiB(s, mvn, `${M2}/org/acme/x/1.0`, 150);
  s.connect(mvn, OSSRH, 443, { cookie: '9' }).send(mvn, OSSRH, 443, 9 * MiB, { cookie: '9' });
  s.wait(1_000).exit(mvn).exit(mvnw);
}

describe('the Maven Wrapper installing its distribution into ~/.m2/wrapper/dists', () => {
  it('a cold ./mvnw deploy is a push with no notable reads', () => {
    const { s, c, worker } = runnerPod('app');
    const move = `-- /tmp/tmp.Xq3ZkP0aLm/apache-maven-3.9.9 ${HOME}/.m2/wrapper/dists/apache-maven-3.9.9/3477a4f1`;
    mvnwColdDeploy(s, c, worker, move);
    expect(rules(s)).toEqual(['push-without-reads low']);
  });

  it.each([
    // Data moved there from elsewhere, or under another name than the distribution's.
    `-- /srv/exports ${HOME}/.m2/wrapper/dists/apache-maven-3.9.9/3477a4f1`,
    `-- /tmp/tmp.Xq3ZkP0aLm/exports ${HOME}/.m2/wrapper/dists/apache-maven-3.9.9/3477a4f1`,
    `-- /tmp/tmp.Xq3ZkP0aLm/apache-maven-3.9.9 ${M2}/org/acme/x`,
  ])('mv %s under mvnw still stages', (move) => {
    const { s, c, worker } = runnerPod('app');
    mvnwColdDeploy(s, c, worker, move);
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });
});
