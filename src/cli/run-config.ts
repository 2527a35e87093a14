/**
 * `exfilwatch run`'s config, loaded and fully validated (schema, files, addresses). This is the config side:
 * it loads zod and every schema, so the daemon runs it in a short-lived child process
 * (run-config-isolated.ts), never in its own long-lived heap.
 */

import { resolvedListenClashProblems } from '../config/listen-clash.js';
import { configOrFirstProblem, readConfigText } from '../config/load.js';
import type { ExfilwatchConfig } from '../config/schema.js';
import { checkAllConfig } from '../config/validate.js';
import { ConfigError } from '../errors.js';
import { applyRunOverrides, type RunFlags } from './run-overrides.js';

/**
 * Loads, overrides and fully validates (schema, files, addresses); throws ConfigError for the first problem,
 * counting all of them as check-config lists them: the schema's alone left out a certificate that cannot be read.
 * The schema is validated once (checkAllConfig), not again to parse.
 */
export function loadRunConfig(flags: RunFlags, env: NodeJS.ProcessEnv = process.env): ExfilwatchConfig {
  return loadRunConfigRaw(flags, env).config;
}

/** loadRunConfig, then two listeners on one port that only looking their hostnames up shows (listen-clash.ts). */
export async function loadRunConfigResolved(
  flags: RunFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ExfilwatchConfig> {
  const { raw, config } = loadRunConfigRaw(flags, env);
  const first = (await resolvedListenClashProblems(raw))[0];
  if (first) throw new ConfigError(first.keyPath, first.message);
  return config;
}

function loadRunConfigRaw(flags: RunFlags, env: NodeJS.ProcessEnv) {
  const raw = applyRunOverrides(flags.config ? readConfigText(flags.config) : {}, flags, env);
  // One validation of the schema for both: the problems, and the config when there are none.
  return { raw, config: configOrFirstProblem(checkAllConfig(raw), flags.config) };
}
