/**
 * Installers that download and never push: pip and the go command. They are table entries only for their
 * `downloads` (../types.ts): an install's egress is no push, and what its own process reads of its cache and
 * credential store is the install (../../correlate/download-reads.ts). Part of the push-tool table
 * (../push-tools.ts); poetry, uv and cargo, which also publish, have their downloads in ./packages.ts.
 */
import type { PushToolSpec } from '../types.js';

/** pip's options that take the next word, global (`pip --cache-dir D install`) or install's own. */
const PIP_VALUE_FLAGS = [
  '--cache-dir',
  '--log',
  '--proxy',
  '--cert',
  '--client-cert',
  '--python',
  '--timeout',
  '--retries',
  '--exists-action',
  '--trusted-host',
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-e',
  '--editable',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-d',
  '--dest',
  '-w',
  '--wheel-dir',
];
/** The go command's flags that take the next word (`go build -o bin/app ./...`, `go -C dir build`). */
const GO_VALUE_FLAGS = [
  '-C',
  '-o',
  '-p',
  '-tags',
  '-ldflags',
  '-gcflags',
  '-asmflags',
  '-mod',
  '-modfile',
  '-pkgdir',
  '-overlay',
  '-pgo',
  '-buildmode',
  '-toolexec',
  '-exec',
  '-run',
  '-bench',
  '-count',
  '-timeout',
  '-coverpkg',
  '-covermode',
  '-coverprofile',
];

export const installerTools: readonly PushToolSpec[] = [
  {
    tool: 'pip',
    description: '`pip install`/`download`/`wheel` (also `python -m pip`): a download, never a push.',
    binaries: ['pip', 'pip3*'],
    syntax: { valueFlags: PIP_VALUE_FLAGS },
    match: { kind: 'subcommand', commands: [] },
    downloads: [['install'], ['download'], ['wheel']],
    destination: 'none',
    requiresClassedDestination: false,
    examples: { push: [], notPush: ['install -r requirements.txt', '--cache-dir /c install .', 'download x', 'list'] },
  },
  {
    tool: 'go',
    description: 'The go command fetching and building modules (`go mod download`, `go build`): a download.',
    binaries: ['go'],
    syntax: { valueFlags: GO_VALUE_FLAGS },
    match: { kind: 'subcommand', commands: [] },
    // Not `go generate`: it runs whatever commands the sources name, and they are no install.
    downloads: [
      ['mod', 'download'],
      ['mod', 'tidy'],
      ['mod', 'vendor'],
      ['mod', 'verify'],
      ['get'],
      ['build'],
      ['install'],
      ['test'],
      ['vet'],
      ['list'],
      ['run'],
    ],
    destination: 'none',
    requiresClassedDestination: false,
    examples: { push: [], notPush: ['mod download', 'build -o bin/app ./...', 'generate ./...', 'version'] },
  },
];
