/**
 * Config errors as users read them: key paths in CONFIGURATION.md's notation with the entry's index
 * (`allowlist[0].reason`), one line per problem.
 */
import { describe, expect, it } from 'vitest';
import { configProblems } from '../../../src/config/load.js';

const keyPaths = (raw: unknown) => configProblems(raw).map((p) => p.keyPath);

describe('config key paths', () => {
  it('name list entries by index in brackets, as CONFIGURATION.md writes `allowlist[].reason`', () => {
    expect(keyPaths({ allowlist: [{ namespace: 'ci', reason: 'x' }, { namespace: 'ci' }] })).toEqual([
      'allowlist[1].reason',
    ]);
    expect(keyPaths({ sources: { falcoGrpc: [{ address: 'falco:5060' }] } })).toEqual(['sources.falcoGrpc[0].tls']);
    expect(keyPaths({ correlator: { destinations: { internal: ['ok', 7] } } })).toEqual([
      'correlator.destinations.internal[1]',
    ]);
    expect(keyPaths([])).toEqual(['(root)']);
  });
});
