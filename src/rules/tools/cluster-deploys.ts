/**
 * Tools that build images, push them and deploy them to a cluster (Skaffold, werf, DevSpace). Part of the
 * push-tool table (../push-tools.ts).
 */
import type { FlagRequirement, PushToolSpec } from '../types.js';
import { HELP_FLAGS } from './flags.js';

/**
 * A kube context naming a local cluster (kind's `kind-NAME`, k3d's `k3d-NAME`, minikube, Docker Desktop):
 * Skaffold and DevSpace load their images into it instead of pushing them.
 */
const LOCAL_KUBE_CONTEXT: FlagRequirement = {
  flags: ['--kube-context'],
  valueMatches: /^(?:kind-.+|k3d-.+|minikube|docker-desktop|docker-for-desktop|rancher-desktop|colima)$/,
};

export const clusterDeployTools: readonly PushToolSpec[] = [
  {
    tool: 'skaffold',
    description:
      '`skaffold build` (not `--push=false`, `--dry-run`, a local kube context); `skaffold run` with `--push` or `--default-repo`.',
    binaries: ['skaffold'],
    syntax: {
      valueFlags: [
        '-d',
        '--default-repo',
        '-f',
        '--filename',
        '-p',
        '--profile',
        '--kube-context',
        '--kubeconfig',
        '-n',
        '--namespace',
        '-t',
        '--tag',
        '-m',
        '--module',
        '-b',
        '--build-image',
        '--cache-file',
        '--file-output',
        '-o',
        '--output',
        '--platform',
        '-l',
        '--label',
        '-v',
        '--verbosity',
        '--digest-source',
        '--remote-cache-dir',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        {
          // Pushed unless the kube context is a local cluster, which argv shows only with `--kube-context`.
          words: ['build'],
          remote: { flag: ['-d', '--default-repo'] },
          excludeFlags: ['--dry-run', ...HELP_FLAGS],
          excludeAnyFlag: [LOCAL_KUBE_CONTEXT],
          offFlags: ['--push'],
        },
        {
          // `run` mostly deploys to a local cluster in CI tests: a push only when argv asks for one.
          words: ['run'],
          remote: { flag: ['-d', '--default-repo'] },
          requireAnyFlag: [{ flags: ['--push'] }, { flags: ['-d', '--default-repo'] }],
          excludeFlags: HELP_FLAGS,
          excludeAnyFlag: [LOCAL_KUBE_CONTEXT],
          offFlags: ['--push'],
        },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    examples: {
      push: [
        'build',
        'build --default-repo=ghcr.io/evil --file-output=/tmp/tags.json',
        'build -p ci --kube-context gke_acme_prod',
        'run --push',
        'run -d ghcr.io/evil --tail=false',
      ],
      notPush: [
        'build --push=false',
        'build --dry-run',
        'build --kube-context kind-ci',
        'run',
        'run --kube-context=minikube -d ghcr.io/acme',
        'dev',
        'dev --kube-context kind-kind',
        'render',
        'delete',
      ],
    },
  },
  {
    tool: 'werf',
    description: '`werf build`/`converge`/`bundle publish` with `--repo`, and `werf export --tag REF`.',
    binaries: ['werf'],
    syntax: {
      valueFlags: [
        '--repo',
        '--final-repo',
        '--secondary-repo',
        '--cache-repo',
        '--tag',
        '--add-custom-tag',
        '--env',
        '--config',
        '--dir',
        '--kube-context',
        '--namespace',
        '--platform',
        '--values',
        '--set',
        '--set-string',
        '--set-file',
        '--secret-values',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        ...[['build'], ['converge'], ['bundle', 'publish']].map((words) => ({
          words,
          remote: { flag: ['--final-repo', '--repo'] },
          requireAnyFlag: [{ flags: ['--repo', '--final-repo'] }],
          excludeFlags: ['--skip-build', ...HELP_FLAGS],
        })),
        {
          words: ['export'],
          remote: { flag: ['--tag'] },
          requireAnyFlag: [{ flags: ['--tag'] }],
          excludeFlags: HELP_FLAGS,
        },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    examples: {
      push: [
        'build --repo ghcr.io/evil/x',
        'converge --repo=registry.evil.example/app --env production',
        'bundle publish --repo ghcr.io/evil/bundle',
        'export --tag ghcr.io/evil/x:1',
      ],
      notPush: ['build', 'converge --repo ghcr.io/acme/app --skip-build', 'render', 'run app'],
    },
  },
  {
    tool: 'devspace',
    description: '`devspace build`/`deploy` (not `--skip-push`, `--skip-build`, a local kube context).',
    binaries: ['devspace'],
    syntax: {
      valueFlags: [
        '--kube-context',
        '-n',
        '--namespace',
        '-p',
        '--profile',
        '--config',
        '--var',
        '-t',
        '--tag',
        '--pipeline',
        '--build-sequential',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: ['build', 'deploy'].map((word) => ({
        words: [word],
        remote: { none: true, declaredIn: 'devspace.yaml' },
        excludeFlags: ['--skip-push', '--skip-build', ...HELP_FLAGS],
        excludeAnyFlag: [LOCAL_KUBE_CONTEXT],
      })),
    },
    destination: 'none',
    requiresClassedDestination: false,
    examples: {
      push: ['build', 'deploy --namespace prod', 'build -t v1 --kube-context gke_acme_prod'],
      notPush: ['build --skip-push', 'deploy --skip-build', 'deploy --kube-context kind-ci', 'dev', 'purge'],
    },
  },
];
