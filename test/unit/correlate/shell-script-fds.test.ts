/**
 * A digit before a redirection is its descriptor only when nothing parts them: `cat token 2>t` writes stderr to t,
 * `cat token 2 > t` writes token (and a file named 2) to t. shell-quote's tokens are the same for both (review:
 * the second copy was missed).
 */
import { describe, it } from 'vitest';
import { expectQuiet, expectSecretRead, shellStep, TOKEN } from './workspace-scenario.js';

const sh = (script: string) => shellStep('/bin/sh', script);

describe("a digit and a redirection parted by a blank (the digit is the command's argument)", () => {
  it('is a copy of the command stdout', async () => {
    await expectSecretRead([
      { ...sh(`cat ${TOKEN} 2 > /workspace/source/t`), read: '/workspace/source/t' },
      { ...sh(`cat ${TOKEN} 1 2\t>> /workspace/source/t`), read: '/workspace/source/t' },
      { ...sh(`echo 'x 2 > y'; cat ${TOKEN} 0 > /workspace/source/t`), read: '/workspace/source/t' },
    ]);
  });

  it('stays a descriptor when nothing parts them, or inside quotes', async () => {
    await expectQuiet([
      { ...sh(`cat ${TOKEN} 2>/workspace/source/t >/dev/null`), reads: ['/workspace/source/t'] },
      { ...sh(`cat ${TOKEN} >/dev/null 2>> /workspace/source/t`), reads: ['/workspace/source/t'] },
      { ...sh(`echo '${TOKEN} 2 > x' > /workspace/source/t`), reads: ['/workspace/source/t'] },
    ]);
  });
});
