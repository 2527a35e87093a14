/**
 * Package publishers the table lacked (red-team review): `hatch publish`, `pdm publish` and `flit publish` (PyPI,
 * as twine, poetry and uv) and `bun publish` (npm's registry, as npm, pnpm and yarn) upload a package holding
 * whatever was put in it, a few KiB far under the egress threshold: a service-account token packed into a
 * wheel and published raised nothing. Checked as exported Tetragon and Falco JSON lines through the real scan
 * path; kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

interface Publish {
  name: string;
  binary: string;
  args: string;
  to: string;
}

function scenarioOf(p: Publish) {
  const dns = { 'upload.pypi.org': '151.101.0.223', 'registry.npmjs.org': '104.16.2.35' };
  return inlineScenario(p.name, dns, [
    { at: '1s', exec: { id: 'cp', parent: 'app', binary: '/bin/cp', args: `${TOKEN} /tmp/pkg/src/pkg/data.txt` } },
    { after: '2ms', read: { proc: 'cp', path: TOKEN, bytes: 1100 } },
    { after: '3ms', exit: { proc: 'cp' } },
    { after: '800ms', exec: { id: 'pub', parent: 'app', binary: p.binary, args: p.args, cwd: '/tmp/pkg', uid: 1000 } },
    { after: '5ms', read: { proc: 'pub', path: '/tmp/pkg/dist/pkg-0.1.0.tar.gz', bytes: 4200 } },
    { after: '5ms', upload: { proc: 'pub', to: `${p.to}:443`, bytes: '6KiB', over: '500ms' } },
    { after: '10ms', exit: { proc: 'pub' } },
  ]);
}

async function alertsOf(p: Publish, form: SensorForm) {
  return (await runInlineScenario(scenarioOf(p), form)).alerts.map(briefOf);
}

const pypi = { rule: 'sensitive-read-then-push', severity: 'high', tool: 'twine', destination: 'upload.pypi.org' };
const npm = { rule: 'sensitive-read-then-push', severity: 'high', tool: 'npm', destination: 'registry.npmjs.org' };

describe('package publishers', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`hatch publish, run by its interpreter, of a package holding a token is high (${form})`, async () => {
      const p = { name: 'hatch-publish-token', binary: '/usr/local/bin/python3.12', to: 'upload.pypi.org' };
      expect(await alertsOf({ ...p, args: '/usr/local/bin/hatch publish -u __token__' }, form)).toEqual([pypi]);
    });

    it(`pdm publish and python -m flit publish are high too (${form})`, async () => {
      const p = { name: 'pdm-publish-token', binary: '/usr/local/bin/python3.12', to: 'upload.pypi.org' };
      expect(await alertsOf({ ...p, args: '/usr/local/bin/pdm publish --no-build' }, form)).toEqual([pypi]);
      expect(await alertsOf({ ...p, name: 'flit-publish-token', args: '-m flit publish' }, form)).toEqual([pypi]);
    });

    it(`bun publish is high (${form})`, async () => {
      const p = { name: 'bun-publish-token', binary: '/usr/local/bin/bun', to: 'registry.npmjs.org' };
      expect(await alertsOf({ ...p, args: 'publish --access public' }, form)).toEqual([npm]);
    });

    it(`a dry run or a build is quiet (${form})`, async () => {
      const bun = { name: 'bun-publish-dry-run', binary: '/usr/local/bin/bun', to: 'registry.npmjs.org' };
      expect(await alertsOf({ ...bun, args: 'publish --dry-run' }, form)).toEqual([]);
      const hatch = { name: 'hatch-build', binary: '/usr/local/bin/python3.12', to: 'upload.pypi.org' };
      expect(await alertsOf({ ...hatch, args: '/usr/local/bin/hatch build' }, form)).toEqual([]);
    });
  }
});
