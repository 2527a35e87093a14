/**
 * Copies into a pod's shared workspace by `dd if= of=` and by `zip`/`7z` archive files (review: all were `low`,
 * where `cp` and a `tar` archive file were caught), and their look-alikes that must stay quiet.
 */
import { describe, it } from 'vitest';
import { expectQuiet, expectSecretRead, TOKEN } from './workspace-scenario.js';

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('dd, zip and 7z', () => {
  it('copy a secret into the file they name', async () => {
    await expectSecretRead([
      { binary: '/bin/dd', copy: `if=${TOKEN} of=/workspace/source/t bs=4k`, read: '/workspace/source/t' },
      { binary: '/usr/bin/zip', copy: `-qr /workspace/source/sa.zip ${SA}`, read: '/workspace/source/sa.zip' },
      { binary: '/usr/bin/zip', copy: `-P pw /workspace/source/sa ${TOKEN}`, read: '/workspace/source/sa.zip' },
      { binary: '/usr/bin/7z', copy: `a -pX /workspace/source/k.7z ${TOKEN}`, read: '/workspace/source/k.7z' },
      { binary: '/usr/bin/7za', copy: `a -tzip /workspace/source/k ${SA}`, read: '/workspace/source/k.zip' },
    ]);
  });

  it('stay quiet for files that are no secret, extraction, listing and dd without both files', async () => {
    await expectQuiet([
      { binary: '/bin/dd', copy: 'if=/dev/zero of=/workspace/source/t bs=1M count=1', reads: ['/workspace/source/t'] },
      { binary: '/bin/dd', copy: `if=${TOKEN} bs=1`, reads: ['/workspace/source/token'] },
      { binary: '/usr/bin/zip', copy: '-r /workspace/source/src.zip /src', reads: ['/workspace/source/src.zip'] },
      { binary: '/usr/bin/7z', copy: `x ${SA}.7z -o/workspace/source`, reads: ['/workspace/source/token'] },
      { binary: '/usr/bin/7z', copy: 'l /workspace/source/k.7z', reads: ['/workspace/source/k.7z'] },
    ]);
  });
});

/**
 * The tar that runs reads its own grammar (src/rules/tar-grammars.ts): bsdtar's `-L` (follow symlinks) and `-H` take
 * no value, where GNU tar's `-L N` and `-H FORMAT` do; read as GNU's, `bsdtar -cLf ARCHIVE SECRET` took `f` for
 * `-L`'s value and named no archive, and the copy was missed (found by review). Busybox's tar takes one `-C`, the
 * last, for every name, even one given before it; a plain `tar` may be busybox's.
 */
describe('tar by the grammar of the tar that runs', () => {
  it('copies a secret into the archive bsdtar, busybox and GNU tar name', async () => {
    await expectSecretRead([
      { binary: '/usr/bin/bsdtar', copy: `-cLf /workspace/source/x.tar ${SA}`, read: '/workspace/source/x.tar' },
      { binary: '/usr/bin/bsdtar', copy: `-cHf /workspace/source/x.tar ${TOKEN}`, read: '/workspace/source/x.tar' },
      {
        binary: '/bin/busybox',
        copy: `tar -cf /workspace/source/t.tar token -C ${SA}`,
        cwd: '/home/u',
        read: '/workspace/source/t.tar',
      },
      // Another archive's entries added: bsdtar's `@ARCHIVE`, GNU's concatenate (`-A`); the copy of a secret that is
      // one (GNU's `-A` was read as no copy, where bsdtar's `@` was one: found by review).
      { binary: '/usr/bin/bsdtar', copy: `-cf /workspace/source/x.tar @${TOKEN}`, read: '/workspace/source/x.tar' },
      { binary: '/usr/bin/tar', copy: `-Af /workspace/source/x.tar ${TOKEN}`, read: '/workspace/source/x.tar' },
      {
        binary: '/bin/tar',
        copy: `--concatenate --file=/workspace/source/x.tar -C ${SA} token`,
        read: '/workspace/source/x.tar',
      },
      // A plain tar may be busybox's (Alpine): its names are read both ways.
      {
        binary: '/bin/tar',
        copy: `-cf /workspace/source/t.tar token -C ${SA}`,
        cwd: '/home/u',
        read: '/workspace/source/t.tar',
      },
    ]);
  });
});
