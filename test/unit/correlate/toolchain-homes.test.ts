/**
 * Toolchain installers put their tools in hidden directories of the home by default: rustup
 * (`~/.cargo/bin`, `~/.rustup/toolchains`), nvm, pyenv, uv's and pipx's `~/.local/bin`, dotnet-install's
 * `~/.dotnet`, mise, asdf, volta. A push tool started from a dot-directory was "unexpected", so a publish job
 * using them — `uv publish` with trusted publishing after downloading its dist files, `npm publish` by nvm's
 * node — was `renamed-binary-push`, medium, where a push with no notable reads is low. Those homes are not
 * hiding places; any other dot-directory (`~/.cache/.x`), a hidden file name, and temporary directories are.
 */
import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier } from '../../../src/correlate/destinations.js';
import { recognizeProcess } from '../../../src/rules/index.js';
import { isUnexpectedLocation } from '../../../src/rules/locations.js';
import { brief, MiB, run, Scenario } from './builder.js';

const PYPI = '151.101.0.223';
const classifier = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 100);

/** A release job's publish step: the dist files (downloaded from the build job), then the upload. */
function publish(binary: string, args: string) {
  const s = new Scenario();
  const c = s.container({ namespace: 'ci', name: 'publish', image: 'ghcr.io/acme/ci-python:3.12' });
  const sh = s.init(c, '/bin/bash', '-c /scripts/publish.sh');
  const tool = s.exec(c, binary, args, { parent: sh });
  s.read(tool, '/builds/acme/lib/dist/acme_lib-2.1.0-py3-none-any.whl', 180_000);
  s.read(tool, '/builds/acme/lib/dist/acme_lib-2.1.0.tar.gz', 240_000);
  s.connect(tool, PYPI, 443)
    .send(tool, PYPI, 443, 0.5 * MiB)
    .wait(800)
    .exit(tool);
  return run(s.events).alerts;
}

describe('tools in toolchain homes', () => {
  it.each([
    ['/root/.local/bin/uv', 'publish'],
    ['/home/runner/.cargo/bin/cargo', 'publish'],
    ['/home/runner/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/cargo', 'publish'],
    ['/root/.nvm/versions/node/v20.11.0/bin/node', '/root/.nvm/versions/node/v20.11.0/bin/npm publish'],
    ['/home/runner/.dotnet/dotnet', 'nuget push acme.2.1.0.nupkg'],
    // cabal as ghcup installs it, and as cabal installs itself (red-team review added cabal upload).
    ['/root/.ghcup/bin/cabal', 'upload --publish dist-newstyle/sdist/acme-2.1.0.tar.gz'],
    ['/home/runner/.cabal/bin/cabal', 'upload dist-newstyle/sdist/acme-2.1.0.tar.gz'],
    ['/root/.local/share/pypoetry/venv/bin/python', '/root/.local/bin/poetry publish'],
    ['/root/.local/share/mise/installs/node/20.11.0/bin/node', '/usr/local/bin/npm publish'],
    // Found by review: a project's virtual environment, npm's tool links, npx's and poetry's installs.
    ['/builds/acme/lib/.venv/bin/python3', '/builds/acme/lib/.venv/bin/twine upload dist/*'],
    ['/root/.virtualenvs/release/bin/python', '/root/.virtualenvs/release/bin/twine upload dist/*'],
    ['/usr/local/bin/node', '/builds/acme/app/node_modules/.bin/pnpm publish'],
    ['/usr/local/bin/node', '/root/.npm/_npx/6a9c0e4b2d1f/node_modules/.bin/pnpm publish'],
    [
      '/root/.cache/pypoetry/virtualenvs/acme-lib-Xk2p-py3.12/bin/python',
      '/root/.cache/pypoetry/virtualenvs/acme-lib-Xk2p-py3.12/bin/twine upload dist/*',
    ],
  ])('a publish by %s (%s) is a push with no notable reads: low', (binary, args) => {
    expect(brief(publish(binary, args)).map((a) => [a.rule, a.severity])).toEqual([['push-without-reads', 'low']]);
  });

  it.each([
    ['/root/.docker/cli-plugins/docker-buildx', 'buildx build --push -t ghcr.io/acme/x:1 .'],
    ['/home/runner/.docker/cli-plugins/docker-compose', 'compose push'],
  ])("docker's per-user plugin %s (%s) is a push with no notable reads: low", (binary, args) => {
    expect(brief(publish(binary, args)).map((a) => [a.rule, a.severity])).toEqual([['push-without-reads', 'low']]);
  });

  it.each([
    ['/tmp/.x/uv', 'a temporary directory'],
    ['/root/.docker/uv', "docker's config directory outside its plugins"],
    ['/root/.docker/cli-plugins/uv', 'a plugin directory file docker would not run'],
    ['/root/.cache/.x/uv', 'a hidden directory that is no toolchain home'],
    ['/root/.cache/uv', 'a cache directory'],
    ['/root/.cargo/../.x/uv', 'a parent reference'],
    ['/var/lib/.bin/uv', "'.bin' not in node_modules"],
    ['/root/.npm/uv', "npm's cache outside npx's installs"],
    ['/root/.cache/pypoetry/uv', "poetry's cache outside its virtual environments"],
    ['/tmp/.venv/bin/uv', 'a virtual environment in a temporary directory'],
  ])('a publish by %s (%s) is still unexpected: medium', (binary) => {
    expect(brief(publish(binary, 'publish')).map((a) => [a.rule, a.severity])).toEqual([
      ['renamed-binary-push', 'medium'],
    ]);
  });

  it("recognition and the correlator's push by egress share one test of the location", () => {
    const upload = (h: string, p: string) => classifier.isUploadTarget(h, p);
    for (const [binary, unexpected] of [
      ['/root/.local/bin/uv', false],
      ['/root/.cache/uv', true],
      ['/dev/shm/uv', true],
    ] as const) {
      const r = recognizeProcess({ binary, args: 'publish', parentBinary: null, parentArgs: null }, upload);
      expect(r?.kind === 'push' && r.unexpectedLocation, binary).toBe(unexpected);
      expect(isUnexpectedLocation(binary), binary).toBe(unexpected);
    }
    // A hidden file name is never a toolchain home.
    expect(isUnexpectedLocation('/root/.local/bin/.uv')).toBe(true);
    expect(isUnexpectedLocation('/usr/bin/.git')).toBe(true);
    // docker's plugin directory holds only its plugins, not hidden ones nor a tree under it.
    expect(isUnexpectedLocation('/root/.docker/cli-plugins/docker-buildx')).toBe(false);
    expect(isUnexpectedLocation('/root/.docker/cli-plugins/.x/docker-buildx')).toBe(true);
    expect(isUnexpectedLocation('/root/.docker/cli-plugins/x/docker-buildx')).toBe(true);
    expect(isUnexpectedLocation('/root/.docker/cli-plugins/.docker-buildx')).toBe(true);
  });
});
