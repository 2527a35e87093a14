/**
 * Pushes whose images are named in a file, not in argv: `docker compose push` and `compose build --push`
 * (the compose file's `image:`), `docker buildx bake --push` (the bake file's `tags`). Shared by the docker
 * and nerdctl entries (./registry.ts), and run by the standalone binaries (`docker-compose push`, `buildx
 * bake --push`), which CI images install without the docker CLI plugin. Part of the push-tool table
 * (../push-tools.ts).
 *
 * Where a file alone says the build pushes (`output = ["type=registry"]`, `push: true` under a compose
 * service's `build:`), argv says nothing: CI runs far more bake and compose builds that keep their images,
 * so such builds stay no push (docs/detection.md).
 */
import type { CommandSpec, PushToolSpec } from '../types.js';
import { BAKE_SET_PUSH, BUILD_PUSH, CACHE_EXPORT, DOCKER_VALUE_FLAGS } from './flags.js';

const COMPOSE_FILE = { none: true, declaredIn: 'the compose file' } as const;
const BAKE_FILE = { none: true, declaredIn: 'the bake file' } as const;

/** `compose push`, `compose build --push` (after the words that run compose: `['compose']` or none). */
export function composePushes(prefix: readonly string[]): CommandSpec[] {
  // compose's `--dry-run` (a global option since v2.14) shows what it would push.
  return [
    { words: [...prefix, 'push'], remote: COMPOSE_FILE, excludeFlags: ['--dry-run'] },
    {
      words: [...prefix, 'build'],
      remote: COMPOSE_FILE,
      requireAnyFlag: [{ flags: ['--push'] }],
      excludeFlags: ['--dry-run'],
    },
  ];
}

/**
 * `compose publish REPOSITORY` (`alpha publish` before v2.35): the compose files go to REPOSITORY as an OCI
 * artifact, with their env files under `--with-env`, after pushing the services' images (found by review:
 * no push). Its `--dry-run` pushes nothing. Docker's compose only: nerdctl's has no publish.
 */
export function composePublishes(prefix: readonly string[]): CommandSpec[] {
  return [['publish'], ['alpha', 'publish']].map((words) => ({
    words: [...prefix, ...words],
    remote: { positional: 0 },
    excludeFlags: ['--dry-run'],
    // The compose files go from the client itself (the daemon pushes the services' images).
    clientUploads: true as const,
  }));
}

/** `bake --push`, or a `--set` that pushes (after `['buildx']` or none). */
export function bakePushes(prefix: readonly string[]): CommandSpec[] {
  return [
    {
      words: [...prefix, 'bake'],
      remote: BAKE_FILE,
      // `--set *.output=type=registry` and `--set *.cache-to=type=registry,ref=…` upload too.
      requireAnyFlag: [
        { flags: ['--push'] },
        { flags: ['--set'], valueMatches: BAKE_SET_PUSH },
        { flags: ['--set'], valueContains: ['output=type=registry', 'cache-to=type=registry'] },
      ],
      // `--print` prints the resolved bake file and builds nothing (`--call check` is kept: ./flags.ts).
      excludeFlags: ['--print'],
    },
  ];
}

const STANDALONE_VALUE_FLAGS = [
  ...DOCKER_VALUE_FLAGS,
  ...['-p', '--project-name', '--project-directory', '--env-file', '--profile', '--ansi', '--parallel'],
];

// Run as docker's CLI plugins they are exec'd by the docker CLI with their own name first (`docker-compose
// compose push`, `docker-buildx buildx build --push …`), and that child is what connects: it joins the push
// its `docker` parent started (a child exec'd before its parent's push is judged takes that push), so one
// push is one alert. Its plugin form is matched too: the plugin run by its full path, or whose docker parent
// no sensor showed, was no push (found by red-team review). One entry per binary: compose's commands are not
// buildx's (found by review: a shared entry took the buildx binary's `build --push -t REF` for a compose
// build, its tag lost for 'the compose file').
export const composeBakeTools: readonly PushToolSpec[] = [
  {
    tool: 'docker',
    description:
      'The standalone compose binary: `docker-compose push`, `docker-compose build --push`, `docker-compose publish REPO`.',
    binaries: ['docker-compose'],
    syntax: { valueFlags: STANDALONE_VALUE_FLAGS },
    match: {
      kind: 'subcommand',
      commands: [[], ['compose']].flatMap((p) => [...composePushes(p), ...composePublishes(p)]),
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    bridged: true,
    downloads: [['pull']],
    examples: {
      push: [
        'push',
        '-f docker-compose.ci.yml -p x push',
        'build --push',
        'publish --with-env ghcr.io/evil/app:1',
        'alpha publish ghcr.io/evil/app:1',
        'compose push',
        'compose -f ci.yml build --push',
        'compose publish ghcr.io/evil/app:1',
      ],
      notPush: [
        'build',
        'up -d',
        'pull',
        '--dry-run push',
        'compose --dry-run push',
        'compose up -d',
        'bake --push',
        '--dry-run publish ghcr.io/evil/app:1',
      ],
    },
  },
  {
    tool: 'docker',
    description:
      'The standalone buildx binary: `buildx bake --push`, `buildx build --push -t REF`, `buildx imagetools create -t REF`.',
    binaries: ['docker-buildx', 'buildx'],
    syntax: { valueFlags: STANDALONE_VALUE_FLAGS },
    match: {
      kind: 'subcommand',
      commands: [[], ['buildx']].flatMap((p) => [
        ...bakePushes(p),
        ...[['build'], ['b']].flatMap((words) => [
          { words: [...p, ...words], ...BUILD_PUSH },
          { words: [...p, ...words], ...CACHE_EXPORT },
        ]),
        {
          words: [...p, 'imagetools', 'create'],
          remote: { flag: ['-t', '--tag'] },
          excludeFlags: ['--dry-run'],
          clientUploads: true as const,
        },
      ]),
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    bridged: true,
    examples: {
      push: [
        'bake --push',
        'bake --set *.push=true',
        '--builder ci bake --set app.output=type=registry',
        'build --push -t ghcr.io/evil/x:1 .',
        'b --cache-to type=registry,ref=quay.io/evil/c .',
        'imagetools create -t ghcr.io/evil/x:1 ghcr.io/acme/app:1',
        'buildx bake --push',
        'buildx build --push -t ghcr.io/evil/x:1 .',
        'buildx imagetools create -t ghcr.io/evil/x:1 ghcr.io/acme/app:1',
      ],
      notPush: [
        'bake',
        'bake --print --push',
        'build -t app .',
        'buildx bake --print --push',
        'buildx build -t app .',
        'compose push',
        'imagetools inspect ghcr.io/acme/app:1',
      ],
    },
  },
];
