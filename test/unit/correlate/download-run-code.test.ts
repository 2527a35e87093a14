/**
 * Project code a build or install runs under the tool's name is no download (src/correlate/download-lineage.ts):
 * an install script npm runs as a script named like npm's own (`node npm-cli.js`, which the shell execs in place
 * under npm's node) was npm by its file's name (found by review), while `cargo run`, `go run`, `npm run`, `npx`,
 * `mvn exec:java` and `gradle run` already ran their code as no download. Each here reads the job's deploy key and
 * sends 5 MiB to github.com (under downloadEgressMaxBytes): sensitive-read-then-push.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, runResolved } from './builder.js';
import { GITHUB_IP, runnerPod, tagPush } from './runner-job.js';

const HOME = '/home/runner';
const WORK = `${HOME}/_work/app/app`;
const NODE = '/usr/local/bin/node';
const NPM_CLI = '/usr/local/lib/node_modules/npm/bin/npm-cli.js';
const JAVA = '/opt/hostedtoolcache/Java_Temurin-Hotspot_jdk/21.0.5-11.0/x64/bin/java';
const MAVEN = `-classpath /usr/share/maven/boot/plexus-classworlds-2.8.0.jar -Dclassworlds.conf=/usr/share/maven/bin/m2.conf -Dmaven.home=/usr/share/maven org.codehaus.plexus.classworlds.launcher.Launcher`;
const GRADLE_WRAPPER = `-classpath ${WORK}/gradle/wrapper/gradle-wrapper.jar org.gradle.wrapper.GradleWrapperMain`;
const GRADLE_DAEMON = `-cp ${HOME}/.gradle/wrapper/dists/gradle-8.10-bin/x/gradle-8.10/lib/gradle-daemon-main-8.10.jar org.gradle.launcher.daemon.bootstrap.GradleDaemon 8.10`;

/** A process chain under the job's worker: [binary, args, cwd]. */
type Chain = Array<[string, string, string | null]>;

function keyThenUpload(chain: Chain, bytes = 5 * MiB) {
  const { s, c, worker } = runnerPod('app');
  let parent = worker;
  for (const [binary, args, cwd] of chain) parent = s.exec(c, binary, args, { parent, cwd: cwd ?? undefined });
  s.read(parent, `${HOME}/.ssh/id_ed25519`, 411).read(parent, `${HOME}/.npmrc`, 120);
  s.connect(parent, GITHUB_IP, 443, { cookie: 'x' }).send(parent, GITHUB_IP, 443, bytes, { cookie: 'x' });
  s.wait(300).exit(parent);
  return { s, c, worker };
}

describe('project code run under a build or install tool', () => {
  it.each<[string, Chain]>([
    [
      'an install script named npm-cli.js, relative',
      [
        [NODE, `${NPM_CLI} install`, WORK],
        [NODE, 'npm-cli.js postinstall', `${WORK}/node_modules/evil`],
      ],
    ],
    [
      'an install script named npm-cli.js, absolute',
      [
        [NODE, `${NPM_CLI} ci`, WORK],
        [NODE, `${WORK}/node_modules/evil/bin/npm-cli.js`, WORK],
      ],
    ],
    [
      'cargo run of a binary named cargo',
      [
        [`${HOME}/.cargo/bin/cargo`, 'run --release', WORK],
        [`${WORK}/target/release/cargo`, '', WORK],
      ],
    ],
    [
      'go run of a program named go',
      [
        ['/usr/local/go/bin/go', 'run ./cmd/go', WORK],
        [`${HOME}/gotmp/go-build1/b001/exe/go`, '', WORK],
      ],
    ],
    ['npm run', [[NODE, `${NPM_CLI} run deploy`, WORK]]],
    ['npx', [[NODE, '/usr/local/lib/node_modules/npm/bin/npx-cli.js evil', WORK]]],
    ['mvn exec:java', [[JAVA, `${MAVEN} -B exec:java -Dexec.mainClass=acme.Main`, WORK]]],
    [
      'gradle run',
      [
        [JAVA, `${GRADLE_WRAPPER} run`, WORK],
        [JAVA, GRADLE_DAEMON, WORK],
        [JAVA, `-cp ${WORK}/build/classes/java/main acme.Main`, WORK],
      ],
    ],
  ])('%s: the key read and the upload count', async (_name, chain) => {
    const { s } = keyThenUpload(chain);
    expect(brief((await runResolved(s.events)).alerts).map((a) => [a.rule, a.severity])).toEqual([
      ['sensitive-read-then-push', 'high'],
    ]);
  });

  // The benign twins: the tool running itself again is the download, its store reads and requests its own.
  it.each<[string, Chain]>([
    [
      'npm running npm',
      [
        [NODE, `${NPM_CLI} ci`, WORK],
        [NODE, `${NPM_CLI} install --no-save`, `${WORK}/packages/a`],
      ],
    ],
    [
      "pip installing a build's requirements",
      [
        ['/usr/bin/python3', '/usr/bin/pip3 install .', WORK],
        ['/usr/bin/python3', '-m pip install --prefix /tmp/pip-build-env-x setuptools', WORK],
      ],
    ],
  ])('%s: a later tag push stays low', async (_name, chain) => {
    const { s, c, worker } = runnerPod('app');
    let parent = worker;
    for (const [binary, args, cwd] of chain) parent = s.exec(c, binary, args, { parent, cwd: cwd ?? undefined });
    s.read(parent, `${HOME}/.npmrc`, 120).read(parent, `${HOME}/.netrc`, 90);
    s.connect(parent, GITHUB_IP, 443, { cookie: 'x' }).send(parent, GITHUB_IP, 443, 2 * MiB, { cookie: 'x' });
    s.wait(2_000).exit(parent);
    tagPush(s, c, worker, 'app', 'v1.0.0');
    expect(brief((await runResolved(s.events)).alerts).map((a) => [a.rule, a.severity])).toEqual([
      ['push-without-reads', 'low'],
    ]);
  });
});
