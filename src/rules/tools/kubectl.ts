/**
 * `kubectl cp` out of another pod, from both ends: the client in a container, and the pod side the runtime
 * starts for it. Part of the push-tool table (../push-tools.ts).
 */
import { TAR_PROGRAMS } from '../tar-command.js';
import type { PushToolSpec } from '../types.js';

export const kubectlTools: readonly PushToolSpec[] = [
  {
    tool: 'kubectl',
    description: '`kubectl cp NS/POD:PATH LOCAL` run inside a container: files copied out of another pod.',
    binaries: ['kubectl', 'oc'],
    syntax: {
      valueFlags: [
        '-n',
        '--namespace',
        '-c',
        '--container',
        '--context',
        '--kubeconfig',
        '--cluster',
        '--user',
        '-s',
        '--server',
        '--token',
        '--retries',
        '--as',
        '--as-group',
        '--request-timeout',
        '-l',
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [{ words: ['cp'], remote: { positional: 0 }, minPositionals: 2, podSourceAt: 0 }],
    },
    destination: 'none',
    requiresClassedDestination: false,
    examples: {
      push: [
        'cp prod/db-0:/var/lib/postgresql/data ./loot',
        '-n prod cp db-0:/etc/secret /tmp/s',
        '-v 9 cp db-0:/etc/secret /tmp/s',
      ],
      notPush: ['cp ./a prod/db-0:/tmp/a', '--client-key /k cp ./a db-0:/tmp/a', 'get pods'],
    },
  },
  {
    tool: 'kubectl',
    description:
      '`tar cf - PATH` started by the container runtime: the pod side of someone\'s `kubectl cp` out of the cluster (with `--retries`, `sh -c "tar cf - PATH | tail -c+N"`).',
    binaries: [...TAR_PROGRAMS, 'sh', 'bash', 'ash', 'dash'],
    syntax: {},
    match: {
      kind: 'archive-to-stdout',
      parentBinaries: [
        'runc',
        'crun',
        'conmon',
        'containerd-shim',
        'containerd-shim-runc-v2',
        'runc:[2:INIT]',
        'youki',
      ],
      shells: ['sh', 'bash', 'ash', 'dash'],
    },
    destination: 'none',
    requiresClassedDestination: false,
    examples: { push: [], notPush: ['czf /backup/x.tgz /data'] },
  },
];
