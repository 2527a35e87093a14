/**
 * The scenario library itself: every description validates, the committed generated files are exactly
 * what the generator produces today, and each scenario's secrets really are in its input (so the
 * no-secret-in-output test proves something).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedFiles } from '../../scripts/gen-scenarios.js';
import { defaultScenarioDir, generatedPaths, loadScenarios, parseScenario } from '../../src/scenarios/index.js';

const dir = defaultScenarioDir();
const scenarios = loadScenarios(dir);

describe('scenario library', () => {
  it('holds attack and benign scenarios, each with an expectation', () => {
    expect(scenarios.length).toBeGreaterThan(0);
    expect(scenarios.some((s) => s.kind === 'attack')).toBe(true);
    for (const s of scenarios) {
      if (s.kind === 'attack') expect(s.expect, s.name).not.toBe('none');
    }
  });

  it('committed generated files equal a fresh generation (run npm run gen:scenarios)', () => {
    const files = expectedFiles(dir);
    for (const [name, content] of files) {
      const committed = readFileSync(join(dir, 'generated', name), 'utf8');
      expect(committed === content, `${name} is stale`).toBe(true);
    }
  });

  it('puts every declared secret into the raw input of both forms', () => {
    for (const s of scenarios) {
      const paths = generatedPaths(dir, s.name);
      const tetragon = readFileSync(paths.tetragon, 'utf8');
      const falco = readFileSync(paths.falco, 'utf8');
      for (const secret of s.secrets) {
        expect(tetragon.includes(secret), `${s.name}: ${secret} in Tetragon form`).toBe(true);
        expect(falco.includes(secret), `${s.name}: ${secret} in Falco form`).toBe(true);
      }
    }
  });

  it('rejects a bad description with the file and key path in one line', () => {
    expect(() =>
      parseScenario(
        {
          name: 'x',
          kind: 'attack',
          title: 't',
          containers: [{ name: 'a', init: { binary: '/x' } }],
          steps: [],
          expect: 'none',
        },
        'x.yaml',
      ),
    ).toThrow(/^x\.yaml: .*containers\.0\.namespace: required unless host: true/);
    expect(() =>
      parseScenario(
        {
          name: 'y',
          kind: 'benign',
          title: 't',
          containers: [{ name: 'a', namespace: 'n', pod: 'p', image: 'i', init: { binary: '/x' } }],
          steps: [{ at: '1s', exit: { proc: 'a' }, exec: { id: 'b', parent: 'a', binary: '/b' } }],
          expect: [{ rule: 'bulk-read-then-push', severity: 'high', container: 'zzz' }],
        },
        'y.yaml',
      ),
    ).toThrow(/steps\.0: a step needs exactly one of/);
    expect(() =>
      parseScenario(
        {
          name: 'other',
          kind: 'benign',
          title: 't',
          containers: [{ name: 'a', namespace: 'n', pod: 'p', image: 'i', init: { binary: '/x' } }],
          steps: [{ at: '1s', exit: { proc: 'a' } }],
          expect: 'none',
        },
        'z.yaml',
      ),
    ).toThrow(/name: must equal the file name "z"/);
  });
});
