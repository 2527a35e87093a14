/**
 * `demo --scenarios DIR`: a directory that is not there, or a description in it that does not load, is a
 * usage error naming the flag (exit 2), in one line (docs/demo.md).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDemoScenarios } from '../../../src/demo/scenarios.js';
import { defaultScenarioDir, loadScenarios } from '../../../src/scenarios/index.js';
import { configErrorOf } from '../../helpers/config-error.js';

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-demo-scenarios-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadDemoScenarios', () => {
  it('the bundled library by default: the scenarios marked demo', () => {
    const expected = loadScenarios(defaultScenarioDir())
      .filter((s) => s.demo)
      .map((s) => s.name);
    expect(expected.length).toBeGreaterThan(0);
    expect(loadDemoScenarios().map((s) => s.name)).toEqual(expected);
  });

  it('a missing directory: --scenarios, the path, "no such directory"', () => {
    const missing = join(dir, 'nonexistent');
    const err = configErrorOf(() => loadDemoScenarios(missing));
    expect(err.keyPath).toBe('--scenarios');
    expect(err.message).toBe(`--scenarios: ${missing}: no such directory`);
  });

  it('a path through a file is no such directory either', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    expect(configErrorOf(() => loadDemoScenarios(join(file, 'sub'))).message).toBe(
      `--scenarios: ${join(file, 'sub')}: no such directory`,
    );
  });

  it('a file: "not a directory"', () => {
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, 'name: scenario\n');
    expect(configErrorOf(() => loadDemoScenarios(file)).message).toBe(`--scenarios: ${file}: not a directory`);
  });

  it('a directory without demo scenarios', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    expect(configErrorOf(() => loadDemoScenarios(empty)).message).toBe(
      `--scenarios: ${empty}: no scenario description (*.yaml) with demo: true`,
    );
  });

  it('a description with a YAML syntax error: one line naming the file, line and column', () => {
    const bad = mkdtempSync(join(dir, 'syntax-'));
    writeFileSync(join(bad, 'broken.yaml'), 'name: broken\nsteps: [\n');
    const err = configErrorOf(() => loadDemoScenarios(bad));
    expect(err.keyPath).toBe('--scenarios');
    expect(err.message).toMatch(
      new RegExp(`^--scenarios: ${join(bad, 'broken.yaml')}: YAML syntax error at line \\d+, column \\d+: \\S`),
    );
    expect(err.message).not.toContain('\n');
  });

  it('a YAML file that is not a scenario description: the keys it lacks, one line', () => {
    const other = mkdtempSync(join(dir, 'other-'));
    writeFileSync(join(other, 'config.yaml'), 'correlator:\n  windowMs: 1000\n');
    const err = configErrorOf(() => loadDemoScenarios(other));
    expect(err.message).toContain(`--scenarios: ${join(other, 'config.yaml')}: name: `);
    expect(err.message).not.toContain('\n');
  });
});
