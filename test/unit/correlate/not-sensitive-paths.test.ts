/**
 * `reads.notSensitivePaths`: files that match the built-in sensitive list but are no secret in your
 * workloads (a repository's test fixture keys `testdata/server.key`, `tests/fixtures/*key*.pem`, a committed
 * `.env.production` without secrets). Found by review: `reads.extraNoisePrefixes` does not override the
 * sensitive list, so every CI job that ran its tests and then pushed a tag was `sensitive-read-then-push`.
 * Secret mounts (service-account tokens, Docker/Kubernetes secrets, other pods' volumes under kubelet) are
 * declassified only by a pattern that names them from the root: a basename glob never reaches them.
 */
import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { createPathClassifier, PATH_NOISE, PATH_READ, PATH_SENSITIVE } from '../../../src/correlate/paths.js';
import { brief, run, Scenario } from './builder.js';

const FIXTURES = ['/builds/acme/app/testdata/', '/builds/acme/app/tests/fixtures/*key*.pem', '.env.production'];

describe('reads.notSensitivePaths', () => {
  const classify = createPathClassifier({ notSensitivePaths: FIXTURES });

  it('declassifies the files it names', () => {
    for (const path of [
      '/builds/acme/app/testdata/server.key',
      '/builds/acme/app/testdata/tls/client.p12',
      '/builds/acme/app/tests/fixtures/test-key.pem',
      '/builds/acme/app/.env.production',
      '/srv/other/.env.production',
    ])
      expect([path, classify(path)]).toEqual([path, PATH_READ]);
  });

  it('leaves every other secret sensitive', () => {
    for (const path of [
      '/builds/acme/app/server.key',
      '/builds/acme/app/tests/fixtures/nested/test-key.pem',
      '/builds/acme/app/.env',
      '/builds/acme/app/.env.staging',
      '/root/.ssh/id_rsa',
      '/root/.aws/credentials',
    ])
      expect([path, classify(path)]).toEqual([path, PATH_SENSITIVE]);
  });

  it('still lets noise be noise (a declassified file is an ordinary read, never sensitive)', () => {
    const c = createPathClassifier({ notSensitivePaths: ['/usr/share/doc/'] });
    expect(c('/usr/share/doc/x.key')).toBe(PATH_NOISE);
  });

  it('overrides reads.extraSensitivePaths', () => {
    const c = createPathClassifier({
      extraSensitivePaths: ['/srv/vault/'],
      notSensitivePaths: ['/srv/vault/README.md'],
    });
    expect(c('/srv/vault/README.md')).toBe(PATH_READ);
    expect(c('/srv/vault/unseal.txt')).toBe(PATH_SENSITIVE);
  });

  it('reaches secret mounts and kubelet pod volumes only through a pattern that names them from the root', () => {
    const broad = createPathClassifier({
      notSensitivePaths: ['token', 'db_password', '*password*', '/var/*/secrets/'],
    });
    for (const path of [
      '/var/run/secrets/kubernetes.io/serviceaccount/token',
      '/run/secrets/db_password',
      '/host/var/lib/kubelet/pods/7c1d/volumes/kubernetes.io~projected/kube-api-access-q9/token',
      '/proc/self/root/var/run/secrets/kubernetes.io/serviceaccount/token',
    ])
      expect([path, broad(path)]).toEqual([path, PATH_SENSITIVE]);
    const named = createPathClassifier({
      notSensitivePaths: ['/run/secrets/app_settings', '/var/run/secrets/acme.example/'],
    });
    expect(named('/run/secrets/app_settings')).toBe(PATH_READ);
    expect(named('/var/run/secrets/acme.example/feature-flags.json')).toBe(PATH_READ);
    expect(named('/run/secrets/db_password')).toBe(PATH_SENSITIVE);
    expect(named('/var/run/secrets/kubernetes.io/serviceaccount/token')).toBe(PATH_SENSITIVE);
  });

  it('defaults to nothing, and refuses patterns that would declassify every file', () => {
    expect(correlatorConfigSchema.parse({}).reads.notSensitivePaths).toEqual([]);
    for (const pattern of ['*', '**', '/', '/*', '*.*', '.*', '/*/*', '?*', '/run/secrets/', '/var/run/secrets/*'])
      expect([pattern, correlatorConfigSchema.safeParse({ reads: { notSensitivePaths: [pattern] } }).success]).toEqual([
        pattern,
        false,
      ]);
    for (const ok of [FIXTURES, ['/var/'], ['*.key'], ['/run/secrets/app_settings']])
      expect([ok, correlatorConfigSchema.safeParse({ reads: { notSensitivePaths: ok } }).success]).toEqual([ok, true]);
  });

  /** A CI job's tests read the repository's fixture key, then it pushes a tag. */
  function testsThenTag(alsoToken: boolean) {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'runner-42', name: 'build' });
    const sh = s.init(c, '/bin/sh', '-c ./ci.sh');
    const test = s.exec(c, '/usr/local/go/bin/go', 'test ./...', { parent: sh });
    s.read(test, '/builds/acme/app/testdata/server.key', 1_700).wait(500).exit(test);
    if (alsoToken) s.read(sh, '/var/run/secrets/kubernetes.io/serviceaccount/token', 1_100);
    s.wait(1_000);
    const git = s.exec(c, '/usr/bin/git', 'push https://github.com/acme/app.git v1.2.0', { parent: sh });
    s.wait(300).exit(git);
    return s.events;
  }
  const config = { reads: { notSensitivePaths: FIXTURES } };
  const verdict = (events: ReturnType<typeof testsThenTag>, o = {}) =>
    brief(run(events, o).alerts).map((a) => [a.rule, a.severity]);

  it('a tag push after tests read a fixture key: high by default, low once the fixtures are declassified', () => {
    expect(verdict(testsThenTag(false))).toEqual([['sensitive-read-then-push', 'high']]);
    expect(verdict(testsThenTag(false), { config })).toEqual([['push-without-reads', 'low']]);
  });

  it('the same push after a service-account token read stays high', () => {
    expect(verdict(testsThenTag(true), { config })).toEqual([['sensitive-read-then-push', 'high']]);
  });
});
