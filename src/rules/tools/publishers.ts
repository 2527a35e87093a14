/**
 * Package publishers of other languages' registries (Scala's and Clojure's Maven repositories, Conan, pub.dev,
 * Hex, Hackage, JSR): a published package carries whatever was put in it. None was a table entry until a
 * red-team review (a token packed into a package and published raised nothing: a few KiB, far under the egress
 * threshold). Part of the push-tool table (../push-tools.ts); ../packages.ts holds npm's, PyPI's and the others.
 */
import type { PushToolSpec } from '../types.js';

/**
 * sbt commands that upload the build's artifacts: `publish` (also cross-built, `+publish`, and scoped to a
 * project, `core/publish`, `"project core" publish`, or in a command chain `;clean;publish`), `publishSigned`
 * (sbt-pgp), `ci-release` (sbt-ci-release), and sbt-sonatype's uploads and releases. Not `publishLocal` nor
 * `publishM2` (the machine's own caches), nor a setting or query that only names the key (`set publish / skip
 * := true`, `show publish`).
 */
const SBT_PUBLISH =
  /^(?!\s*(?:set|show|inspect|help|last|print|export)\s)(?:.*[\s;/+])?(?:publish|publishSigned|ci-release|sonatypeBundleUpload|sonatypeBundleRelease|sonatypeCentralUpload|sonatypeCentralRelease|sonatypeRelease|releaseEarly)\s*(?:;.*)?$/;

export const publisherTools: readonly PushToolSpec[] = [
  {
    tool: 'sbt',
    description: 'sbt publish commands (`publish`, `+publish`, `publishSigned`, `ci-release`); not `publishLocal`.',
    // sbt's script execs `java … -jar sbt-launch.jar ARGS`: that JVM is sbt (../launchers.ts).
    binaries: ['sbt'],
    syntax: { valueFlags: ['--java-home', '-java-home', '--sbt-version', '-sbt-version', '--mem', '-mem'] },
    match: {
      kind: 'subcommand',
      commands: [{ words: [], goal: SBT_PUBLISH, remote: { none: true, declaredIn: 'the sbt build' } }],
    },
    destination: 'none',
    requiresClassedDestination: false,
    examples: {
      push: [
        'publish',
        '+publish',
        'clean test publishSigned sonatypeBundleRelease',
        '"project core" publish',
        'core/publish',
        ';clean;publish',
        'ci-release',
        '++2.13.12 publish',
      ],
      notPush: ['compile', 'test', 'publishLocal', '+publishM2', '"set publish / skip := true" test', 'update'],
    },
  },
  {
    tool: 'lein',
    description: '`lein deploy [REPOSITORY]` (Clojars by default), also in `lein do …, deploy`.',
    // lein's script execs `java … clojure.main -m leiningen.core.main ARGS`: that JVM is lein (../launchers.ts).
    binaries: ['lein'],
    syntax: { valueFlags: [] },
    match: {
      kind: 'subcommand',
      commands: [
        ['deploy'],
        ['do', '*', 'deploy'],
        ['do', '*', '*', 'deploy'],
        ['do', '*', '*', '*', 'deploy'],
        ['with-profile', '*', 'deploy'],
      ].map((words) => ({ words, remote: { positional: 0 } })),
    },
    // A repository named in project.clj or profiles.clj (`releases`) or by URL: the first connect tells where.
    destination: 'none',
    requiresClassedDestination: false,
    examples: {
      push: [
        'deploy',
        'deploy clojars',
        '-o deploy clojars',
        'do clean, deploy clojars',
        'with-profile +release deploy releases',
      ],
      notPush: ['deps', 'uberjar', 'test', 'install', 'run -m app.main', 'do clean, test'],
    },
  },
  {
    tool: 'conan',
    description: '`conan upload PATTERN -r REMOTE` (Conan 1 and 2); not `--dry-run`.',
    binaries: ['conan'],
    syntax: {
      valueFlags: [
        ...['-r', '--remote', '-l', '--list', '-cc', '--core-conf', '-f', '--format', '-p', '--package-query'],
        ...['-m', '--metadata', '--parallel', '--retry', '--retry-wait'],
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [{ words: ['upload'], remote: { positional: 0 }, excludeFlags: ['--dry-run', '--help', '-h'] }],
    },
    destination: 'fixed',
    fixedDestination: 'center2.conan.io',
    // A remote is named in the client's remotes.json (`-r corp`): the first connect tells where.
    sourceNameFlags: ['-r', '--remote'],
    requiresClassedDestination: false,
    // Installs and builds fetch recipes and binaries from the remotes; the compilers are their own processes.
    downloads: [['install'], ['download'], ['create'], ['build'], ['graph', 'info']],
    examples: {
      push: ['upload "*" -r corp -c', 'upload zlib/1.3 --remote=conancenter --confirm', 'upload --list=pkgs.json -r x'],
      notPush: ['install . --build=missing', 'create .', 'upload "*" -r corp --dry-run', 'remote list', 'search zlib'],
    },
  },
  {
    tool: 'dart',
    description:
      '`dart pub publish` (also `pub lish`, and as `flutter pub publish` runs it) to pub.dev; not `--dry-run`.',
    binaries: ['dart', 'flutter'],
    // dart runs programs too (`dart run`, `dart bin/server.dart`): its other egress is an application's.
    runtime: true,
    syntax: { valueFlags: ['-C', '--directory'] },
    match: {
      kind: 'subcommand',
      // flutter's tool runs dart's pub as `dart pub --suppress-analytics ARGS` (older: `__deprecated_pub`).
      commands: [
        ['pub', 'publish'],
        ['pub', 'lish'],
        ['__deprecated_pub', 'publish'],
      ].map((words) => ({
        words,
        remote: { none: true },
        excludeFlags: ['--dry-run', '-n', '--help', '-h'],
      })),
    },
    destination: 'fixed',
    fixedDestination: 'pub.dev',
    requiresClassedDestination: false,
    downloads: [
      ['pub', 'get'],
      ['pub', 'upgrade'],
      ['pub', 'downgrade'],
      ['pub', 'add'],
      ['pub', 'global', 'activate'],
    ],
    examples: {
      push: ['pub publish --force', 'pub lish', 'pub --suppress-analytics publish -f', '__deprecated_pub publish'],
      notPush: ['pub get', 'pub publish --dry-run', 'pub publish -n', 'run bin/server.dart', 'pub upgrade', 'test'],
    },
  },
  {
    tool: 'hex',
    description: '`mix hex.publish` (package and docs) to hex.pm; not `--dry-run` nor `--revert`.',
    // mix is an escript: the BEAM that runs it names it after `-extra` (../launchers.ts).
    binaries: ['mix'],
    syntax: { valueFlags: ['--organization', '--org', '--revert', '--replace-version'] },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['hex.publish'], remote: { none: true }, excludeFlags: ['--dry-run', '--revert', '--help', '-h'] },
      ],
    },
    destination: 'fixed',
    fixedDestination: 'hex.pm',
    requiresClassedDestination: false,
    downloads: [['deps.get'], ['deps.update'], ['local.hex'], ['local.rebar']],
    examples: {
      push: ['hex.publish', 'hex.publish --yes', 'hex.publish package --organization acme'],
      notPush: ['hex.publish --dry-run', 'hex.publish --revert 1.0.0', 'deps.get', 'hex.build', 'compile', 'test'],
    },
  },
  {
    tool: 'cabal',
    description: '`cabal upload TARBALL` to Hackage (a candidate, or `--publish`ed: either uploads the package).',
    binaries: ['cabal'],
    syntax: {
      valueFlags: [
        ...['-u', '--username', '-p', '--password', '-P', '--password-command', '-t', '--token'],
        ...['--config-file', '--store-dir', '--project-file', '--http-transport'],
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [{ words: ['upload'], remote: { none: true }, excludeFlags: ['--help', '-h'] }],
    },
    destination: 'fixed',
    fixedDestination: 'hackage.haskell.org',
    requiresClassedDestination: false,
    // Builds fetch the packages they lack from Hackage; ghc is its own process.
    downloads: [
      ...[['update'], ['v2-update'], ['fetch'], ['get'], ['freeze'], ['v2-freeze']],
      ...[['build'], ['v2-build'], ['install'], ['v2-install'], ['test'], ['v2-test'], ['haddock']],
    ],
    examples: {
      push: [
        'upload dist-newstyle/sdist/loot-0.1.tar.gz',
        'upload --publish -t tok x.tar.gz',
        'upload -d x-docs.tar.gz',
      ],
      notPush: ['build', 'update', 'sdist', 'upload --help', 'v2-build all'],
    },
  },
  {
    tool: 'deno',
    description: '`deno publish` to JSR (jsr.io); not `--dry-run`.',
    binaries: ['deno'],
    // deno runs programs too: its other egress is an application's.
    runtime: true,
    syntax: { valueFlags: ['--token', '-c', '--config', '--set-version', '--log-level'] },
    match: {
      kind: 'subcommand',
      commands: [{ words: ['publish'], remote: { none: true }, excludeFlags: ['--dry-run', '--help', '-h'] }],
    },
    destination: 'fixed',
    fixedDestination: 'jsr.io',
    requiresClassedDestination: false,
    examples: {
      push: ['publish', 'publish --allow-dirty --token t', 'publish -c /src/deno.json'],
      notPush: ['publish --dry-run', 'run -A main.ts', 'task build', 'install', 'compile main.ts'],
    },
  },
];
