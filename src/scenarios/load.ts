/** Reading scenario descriptions from disk, with one clear line per problem (file, key path, message). */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ScenarioError } from './expand.js';
import { type Scenario, scenarioSchema } from './schema.js';

/** examples/scenarios/ of this package, from src/scenarios/ (tsx) or dist/scenarios/ (built). */
export function defaultScenarioDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'scenarios');
}

/** Where `npm run gen:scenarios` writes a scenario's two forms. */
export function generatedPaths(dir: string, name: string): { tetragon: string; falco: string } {
  return {
    tetragon: join(dir, 'generated', `${name}.tetragon.jsonl`),
    falco: join(dir, 'generated', `${name}.falco.jsonl`),
  };
}

function issuePath(issue: z.core.$ZodIssue): string {
  return issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
}

/** Validates one description; `file` names it in errors. */
export function parseScenario(raw: unknown, file: string): Scenario {
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${issuePath(i)}: ${i.message}`);
    throw new ScenarioError(`${file}: ${problems.join('; ')}`);
  }
  const stem = basename(file).replace(/\.ya?ml$/, '');
  if (file.match(/\.ya?ml$/) && result.data.name !== stem) {
    throw new ScenarioError(`${file}: name: must equal the file name "${stem}" (got "${result.data.name}")`);
  }
  checkReferences(result.data, file);
  return result.data;
}

/** Expected alerts name containers the scenario declares. */
function checkReferences(s: Scenario, file: string): void {
  const names = new Set(s.containers.map((c) => c.name));
  if (names.size !== s.containers.length) throw new ScenarioError(`${file}: containers: names must be unique`);
  if (s.expect !== 'none') {
    s.expect.forEach((e, i) => {
      if (!names.has(e.container)) {
        throw new ScenarioError(`${file}: expect.${i}.container: no container named "${e.container}"`);
      }
    });
  }
  s.containers.forEach((c, i) => {
    if (c.node && !s.nodes.includes(c.node)) {
      throw new ScenarioError(`${file}: containers.${i}.node: "${c.node}" is not in nodes`);
    }
  });
}

export function loadScenarioFile(path: string): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ScenarioError(`${path}: ${yamlProblem(err)}`, { cause: err });
  }
  return parseScenario(raw, path);
}

/** The yaml library's message ends in a multi-line code frame; a problem here is one line (demo prints it). */
function yamlProblem(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const first = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const at = err instanceof YAMLParseError ? err.linePos?.[0] : undefined;
  return at ? `YAML syntax error at line ${at.line}, column ${at.col}: ${first}` : first;
}

/** Every `*.yaml` in `dir`, sorted by name. */
export function loadScenarios(dir: string = defaultScenarioDir()): Scenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => loadScenarioFile(join(dir, f)));
}
