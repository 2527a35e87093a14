/** Language package registries (npm, PyPI). Part of the push-tool table (../push-tools.ts). */
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
];
