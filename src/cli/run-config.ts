/**
 * `exfilwatch run`'s config, loaded and fully validated (schema, files, addresses). This is the config side:
 * it loads zod and every schema, so the daemon runs it in a short-lived child process
 * (run-config-isolated.ts), never in its own long-lived heap.
 */
import { configOrFirstProblem, readConfigText } from '../config/load.js';
import type { ExfilwatchConfig } from '../config/schema.js';
import { checkAllConfig } from '../config/validate.js';
import { applyRunOverrides, type RunFlags } from './run-overrides.js';

/**
 * Loads, overrides and fully validates (schema, files, addresses); throws ConfigError for the first problem,
 * counting all of them as check-config lists them: the schema's alone left out a certificate that cannot be read.
 * The schema is validated once (checkAllConfig), not again to parse.
 */
export function loadRunConfig(flags: RunFlags, env: NodeJS.ProcessEnv = process.env): ExfilwatchConfig {
  const raw = applyRunOverrides(flags.config ? readConfigText(flags.config) : {}, flags, env);
  // One validation of the schema for both: the problems, and the config when there are none.
  return configOrFirstProblem(checkAllConfig(raw), flags.config);
}
