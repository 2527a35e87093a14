/**
 * The scenarios `demo` replays: the bundled library, or `--scenarios DIR`. A directory that is not there, or
 * one holding a description that does not load, is the user's input, so it is a usage error naming the flag
 * (exit 2, one line: docs/demo.md), not a runtime failure (exit 1).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { loadScenarios, type Scenario, ScenarioError } from '../scenarios/index.js';

const FLAG = '--scenarios';

/** The scenarios with `demo: true` in `dir` (default: the bundled examples/scenarios). */
export function loadDemoScenarios(dir?: string): Scenario[] {
  if (dir !== undefined) checkDirectory(dir);
  let all: Scenario[];
  try {
    all = loadScenarios(dir);
  } catch (err) {
    // The bundled library failing to load is our bug (exit 1); a user's directory is their input.
    if (dir !== undefined && err instanceof ScenarioError) throw new ConfigError(FLAG, err.message, { cause: err });
    throw err;
  }
  const scenarios = all.filter((s) => s.demo);
  if (scenarios.length === 0) {
    throw new ConfigError(FLAG, `${dir ?? 'examples/scenarios'}: no scenario description (*.yaml) with demo: true`);
  }
  return scenarios;
}

function checkDirectory(dir: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
    // Listing needs read and search permission: checked here so EACCES is a usage error too.
    if (isDirectory) accessSync(dir, constants.R_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ConfigError(FLAG, `${dir}: no such directory`);
    throw new ConfigError(FLAG, `${dir}: cannot read (${code ?? String(err)})`, { cause: err });
  }
  if (!isDirectory) throw new ConfigError(FLAG, `${dir}: not a directory`);
}
