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
