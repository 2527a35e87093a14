/**
 * Copies into a pod's shared workspace that no `cp`-like command line shows (review: all were `low`): a shell's
 * redirection or pipe (`sh -c 'cat TOKEN > /workspace/t'`, `base64`, `openssl`, `tar c | tar x -C DIR`, `tee`,
 * `cp /dev/stdin`, `rsync --files-from` fed by `echo`); and their look-alikes that must stay quiet (a redirect
 * of text, or of a file that is no secret). `dd`, `zip` and `7z` run on their own: workspace-archive-copies.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { relinked } from '../../../src/correlate/relinks.js';
import { expectQuiet, expectSecretRead, type Steps, shellStep, TOKEN } from './workspace-scenario.js';

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Step 1 runs `sh -c SCRIPT` (as Tetragon quotes it), then step 2 reads `read` and pushes. */
const sh = (script: string, o: Omit<Steps, 'binary' | 'copy'> = {}) => shellStep('/bin/sh', script, o);

describe("a shell's redirection of a secret into the workspace", () => {
  it('is a copy when the command reads the secret into its stdout', async () => {
    await expectSecretRead([
      { ...sh(`cat ${TOKEN} > /workspace/source/t`), read: '/workspace/source/t' },
      { ...sh(`base64 -w0 ${TOKEN} >/workspace/source/t.b64 2>/dev/null`), read: '/workspace/source/t.b64' },
      { ...sh(`xxd -p ${TOKEN} >> /workspace/source/t.hex`), read: '/workspace/source/t.hex' },
      { ...sh(`gzip -c ${TOKEN} > /workspace/source/t.gz`), read: '/workspace/source/t.gz' },
      { ...sh(`head -c 4096 ${TOKEN} > /workspace/source/h`), read: '/workspace/source/h' },
      {
        ...sh(`openssl enc -aes-256-cbc -k x -in ${TOKEN} > /workspace/source/t.enc`),
        read: '/workspace/source/t.enc',
      },
      { ...sh(`cat < ${TOKEN} > /workspace/source/t`), read: '/workspace/source/t' },
      { ...sh(`cp /dev/stdin /workspace/source/t < ${TOKEN}`), read: '/workspace/source/t' },
      { ...sh(`dd if=${TOKEN} > /workspace/source/t`), read: '/workspace/source/t' },
    ]);
  });

  it('follows the secret through pipes, tee and output files', async () => {
    await expectSecretRead([
      { ...sh(`cat ${TOKEN} | base64 | tr -d '\\n' > /workspace/source/t`), read: '/workspace/source/t' },
      { ...sh(`cat ${TOKEN} | tee /workspace/source/t >/dev/null`), read: '/workspace/source/t' },
      { ...sh(`openssl base64 -in ${TOKEN} -out /workspace/source/t`), read: '/workspace/source/t' },
      { ...sh(`cat ${TOKEN} | dd of=/workspace/source/t`), read: '/workspace/source/t' },
      { ...sh(`xxd ${TOKEN} /workspace/source/t.hex`), read: '/workspace/source/t.hex' },
      // A group's redirection is its commands'.
      { ...sh(`(cat ${TOKEN}) > /workspace/source/t`), read: '/workspace/source/t' },
      { ...sh(`{ echo x; cat ${TOKEN} | base64; } > /workspace/source/t`), read: '/workspace/source/t' },
    ]);
  });

  it('resolves relative paths with the working directory, cd and variables the script sets', async () => {
    await expectSecretRead([
      { ...sh('cat token > /workspace/source/t', { cwd: SA }), read: '/workspace/source/t' },
      { ...sh(`cat ${TOKEN} > t`, { cwd: '/workspace/source' }), read: '/workspace/source/t' },
      { ...sh(`cd /workspace/source && cat ${TOKEN} > ctx/t`), read: '/workspace/source/ctx/t' },
      { ...sh(`T=${TOKEN}; cat $T > /workspace/source/t`), read: '/workspace/source/t' },
      { ...sh(`set -e\ncd /workspace/source\ncat ${TOKEN} >t`), read: '/workspace/source/t' },
      // The script's parameters: `sh -c 'cat "$1" > "$2"' sh SRC DEST`.
      { binary: '/bin/sh', copy: `-c 'cat "$1" > "$2"' sh ${TOKEN} /workspace/source/t`, read: '/workspace/source/t' },
    ]);
  });

  it('stays quiet for text, a file that is no secret, stderr, or a secret read into no file', async () => {
    await expectQuiet([
      sh('echo hello > /workspace/source/x', { reads: ['/workspace/source/x'] }),
      sh(`echo ${TOKEN} > /workspace/source/x`, { reads: ['/workspace/source/x'] }),
      sh('cat README.md > /workspace/source/x', { cwd: '/src', reads: ['/workspace/source/x'] }),
      sh(`cat ${TOKEN} 2>/workspace/source/err >/dev/null`, { reads: ['/workspace/source/err'] }),
      sh(`wc -c ${TOKEN} > /workspace/source/n`, { reads: ['/workspace/source/n'] }),
      sh(`gzip ${TOKEN} > /workspace/source/log`, { reads: ['/workspace/source/log'] }),
      sh(`cat ${TOKEN} > t`, { reads: ['/workspace/source/t'] }),
      sh(`cat ${TOKEN}\necho done > /workspace/source/x`, { reads: ['/workspace/source/x'] }),
      sh(`{ cat ${TOKEN} > /dev/null; echo ok; } > /workspace/source/x`, { reads: ['/workspace/source/x'] }),
      sh(`(cd /var/run/secrets && cat x.txt); cat token > /workspace/source/x`, {
        cwd: '/src',
        reads: ['/workspace/source/x'],
      }),
    ]);
  });
});

describe('tar piped into tar, and rsync --files-from fed by echo', () => {
  it('puts the secret under the extracting directory, as tar names it', async () => {
    await expectSecretRead([
      { ...sh(`tar c ${TOKEN} | tar x -C /workspace/source`), read: `/workspace/source${TOKEN}` },
      {
        ...sh('tar czf - -C /var/run/secrets kubernetes.io | (cd /workspace/source && tar xzf -)'),
        read: '/workspace/source/kubernetes.io/serviceaccount/token',
      },
      {
        ...sh(`tar cf - ${SA} | tar --extract --file=- --directory=/workspace/source`),
        read: `/workspace/source${SA}/ca.crt`,
      },
      // Stdio by its devices (found by review: no copy was seen).
      {
        ...sh(`tar cf /dev/stdout ${TOKEN} | tar xf /dev/stdin -C /workspace/source`),
        read: `/workspace/source${TOKEN}`,
      },
      {
        ...sh(`tar -cf /dev/fd/1 ${TOKEN} | tar -x -f /proc/self/fd/0 -C /workspace/source`),
        read: `/workspace/source${TOKEN}`,
      },
      {
        ...sh(`echo ${TOKEN.slice(1)} | rsync --files-from=- / /workspace/source/`),
        read: `/workspace/source${TOKEN}`,
      },
      {
        ...sh(`echo ${TOKEN.slice(1)} > /tmp/l; rsync -a --files-from /tmp/l / /workspace/source/`),
        read: `/workspace/source${TOKEN}`,
      },
      // A list the script did not write, from a secret directory: any file below the destination may be one.
      {
        binary: '/usr/bin/rsync',
        copy: `-a --files-from=/tmp/l ${SA} /workspace/source/`,
        read: '/workspace/source/t',
      },
    ]);
  });

  it('stays quiet for the archive of a file that is no secret, or a stream not extracted', async () => {
    await expectQuiet([
      sh('tar c /etc/os-release | tar x -C /workspace/source', { reads: ['/workspace/source/etc/os-release'] }),
      sh(`tar c ${TOKEN} | wc -c > /workspace/source/n`, { reads: ['/workspace/source/n'] }),
      sh(`tar c ${TOKEN} | tar x -C /workspace/source`, { reads: ['/workspace/source/token'] }),
      sh('echo etc/hostname | rsync --files-from=- / /workspace/source/', {
        reads: ['/workspace/source/etc/hostname'],
      }),
      sh(`echo ${TOKEN.slice(1)} > /tmp/l; rsync --files-from=/tmp/other / /workspace/source/`, {
        reads: [`/workspace/source${TOKEN}`],
      }),
      { binary: '/usr/bin/rsync', copy: '-a --files-from=/tmp/l / /workspace/source/', reads: ['/workspace/source/t'] },
      { binary: '/usr/bin/rsync', copy: '--files-from=l /src /workspace/source', reads: ['/workspace/source/t'] },
    ]);
  });
});

describe("the shell's script as the sensors give it", () => {
  it("reads Falco's unquoted argv, option bundles and busybox's sh", () => {
    const where = (binary: string, args: string, argvCount?: number) => relinked(binary, args, null, argvCount).into;
    // Falco joins argv with spaces and quotes nothing: `-c` and one script of four words, two arguments.
    expect(where('/bin/sh', `-c cat ${TOKEN} > /workspace/t`, 2)).toEqual(['/workspace/t']);
    expect(where('/bin/bash', `-euo pipefail -c "cat ${TOKEN} > /workspace/t"`)).toEqual(['/workspace/t']);
    expect(where('/bin/busybox', `sh -c "cat ${TOKEN} > /workspace/t"`)).toEqual(['/workspace/t']);
    // A script file, not an inline script: its redirections are not on the command line.
    expect(where('/bin/sh', '/workspace/run.sh > /workspace/t')).toEqual([]);
    // A script shell-quote rejects (an unclosed `${`) copies nothing, and the exec is still handled.
    expect(where('/bin/sh', `-c "cat ${TOKEN} > /workspace/t; echo \${"`)).toEqual([]);
  });
});
