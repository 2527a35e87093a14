/**
 * Publishers of other languages' registries the table lacked (red-team review): `sbt publish` and `lein deploy`
 * (from the JVM their scripts exec), `conan upload` (Python), `dart pub publish`, `mix hex.publish` (from the BEAM
 * that runs mix), `cabal upload` and `deno publish` upload a package holding whatever was put in it, a few KiB far
 * under the egress threshold: a service-account token packed into one and published raised nothing. Their
 * everyday builds and dependency fetches stay quiet. Checked as exported Tetragon and Falco JSON lines through the
 * real scan path; kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const DNS = {
  'repo1.maven.org': '199.232.192.209',
  's01.oss.sonatype.org': '3.225.62.144',
  'repo.clojars.org': '104.18.6.54',
  'center2.conan.io': '104.18.20.80',
  'pub.dev': '34.102.136.180',
  'hex.pm': '151.101.1.91',
  'hackage.haskell.org': '151.101.2.132',
  'jsr.io': '104.18.34.26',
};
const SBT_JVM = '-Xms1024m -Dsbt.script=/usr/local/bin/sbt -jar /usr/share/sbt/bin/sbt-launch.jar';
const LEIN_JVM =
  '-classpath /root/.lein/self-installs/leiningen-2.11.2-standalone.jar clojure.main -m leiningen.core.main';
const BEAM = '-- -root /usr/local/lib/erlang -- -noshell -s elixir start_cli -extra /usr/local/bin/mix';

interface Publish {
  name: string;
  binary: string;
  args: string;
  /** Where it connects: the upload, or a build's dependency requests. */
  to: string;
}

async function alertsOf(p: Publish, form: SensorForm) {
  const s = inlineScenario(p.name, DNS, [
    { at: '1s', exec: { id: 'cp', parent: 'app', binary: '/bin/cp', args: `${TOKEN} /src/resources/data.txt` } },
    { after: '2ms', read: { proc: 'cp', path: TOKEN, bytes: 1100 } },
    { after: '3ms', exit: { proc: 'cp' } },
    { after: '800ms', exec: { id: 'pub', parent: 'app', binary: p.binary, args: p.args, cwd: '/src', uid: 1000 } },
    { after: '5ms', read: { proc: 'pub', path: '/src/target/pkg-0.1.0.tar.gz', bytes: 4200 } },
    { after: '5ms', upload: { proc: 'pub', to: `${p.to}:443`, bytes: '6KiB', over: '500ms' } },
    { after: '10ms', exit: { proc: 'pub' } },
  ]);
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

const high = (tool: string, destination: string) => [
  { rule: 'sensitive-read-then-push', severity: 'high', tool, destination },
];

describe('language package publishers', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    // The build file (sbt, lein) or the client's remotes (conan -r corp) name the repository: the destination is
    // the first connect, an unclassed host, so its address.
    it(`sbt publish from its JVM is high, to where the build uploads (${form})`, async () => {
      const p = { name: 'sbt-publish-token', binary: '/opt/java/openjdk/bin/java', to: 's01.oss.sonatype.org' };
      expect(await alertsOf({ ...p, args: `${SBT_JVM} +publish` }, form)).toEqual(high('sbt', '3.225.62.144:443'));
    });

    it(`lein deploy from its JVM is high (${form})`, async () => {
      const p = { name: 'lein-deploy-token', binary: '/usr/bin/java', to: 'repo.clojars.org' };
      expect(await alertsOf({ ...p, args: `${LEIN_JVM} deploy clojars` }, form)).toEqual(
        high('lein', '104.18.6.54:443'),
      );
    });

    it(`conan upload run by Python is high (${form})`, async () => {
      const p = { name: 'conan-upload-token', binary: '/usr/bin/python3', to: 'center2.conan.io' };
      const args = '/usr/local/bin/conan upload "pkg/*" -r corp -c';
      expect(await alertsOf({ ...p, args }, form)).toEqual(high('conan', '104.18.20.80:443'));
    });

    it(`dart pub publish, mix hex.publish from the BEAM, cabal upload and deno publish are high (${form})`, async () => {
      const dart = { name: 'dart-pub-publish-token', binary: '/usr/lib/dart/bin/dart', to: 'pub.dev' };
      expect(await alertsOf({ ...dart, args: 'pub publish --force' }, form)).toEqual(high('dart', 'pub.dev'));
      const beam = '/usr/local/lib/erlang/erts-14.2/bin/beam.smp';
      const mix = { name: 'mix-hex-publish-token', binary: beam, to: 'hex.pm' };
      expect(await alertsOf({ ...mix, args: `${BEAM} hex.publish --yes` }, form)).toEqual(high('hex', 'hex.pm'));
      const cabal = { name: 'cabal-upload-token', binary: '/root/.ghcup/bin/cabal', to: 'hackage.haskell.org' };
      const tarball = 'upload --publish dist-newstyle/sdist/pkg-0.1.0.tar.gz';
      expect(await alertsOf({ ...cabal, args: tarball }, form)).toEqual(high('cabal', 'hackage.haskell.org'));
      const deno = { name: 'deno-publish-token', binary: '/usr/local/bin/deno', to: 'jsr.io' };
      expect(await alertsOf({ ...deno, args: 'publish --allow-dirty' }, form)).toEqual(high('deno', 'jsr.io'));
    });

    it(`builds and dependency fetches after the same read are quiet (${form})`, async () => {
      const jvm = { binary: '/opt/java/openjdk/bin/java', to: 'repo1.maven.org' };
      expect(await alertsOf({ ...jvm, name: 'sbt-compile', args: `${SBT_JVM} compile test` }, form)).toEqual([]);
      const lein = { binary: '/usr/bin/java', to: 'repo.clojars.org' };
      expect(await alertsOf({ ...lein, name: 'lein-deps', args: `${LEIN_JVM} deps` }, form)).toEqual([]);
      const conan = { name: 'conan-install', binary: '/usr/bin/python3', to: 'center2.conan.io' };
      const install = '/usr/local/bin/conan install . --build=missing';
      expect(await alertsOf({ ...conan, args: install }, form)).toEqual([]);
      const dart = { name: 'dart-pub-get', binary: '/usr/lib/dart/bin/dart', to: 'pub.dev' };
      expect(await alertsOf({ ...dart, args: 'pub get' }, form)).toEqual([]);
      expect(await alertsOf({ ...dart, name: 'dart-publish-dry-run', args: 'pub publish --dry-run' }, form)).toEqual(
        [],
      );
      const beam = '/usr/local/lib/erlang/erts-14.2/bin/beam.smp';
      const mix = { name: 'mix-deps-get', binary: beam, to: 'hex.pm' };
      expect(await alertsOf({ ...mix, args: `${BEAM} deps.get` }, form)).toEqual([]);
      const cabal = { name: 'cabal-build', binary: '/root/.ghcup/bin/cabal', to: 'hackage.haskell.org' };
      expect(await alertsOf({ ...cabal, args: 'build all' }, form)).toEqual([]);
      const deno = { name: 'deno-run', binary: '/usr/local/bin/deno', to: 'jsr.io' };
      expect(await alertsOf({ ...deno, args: 'run -A main.ts' }, form)).toEqual([]);
    });
  }
});
