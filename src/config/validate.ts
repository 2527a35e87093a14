/**
 * Everything wrong with a config file, each problem with its key path: schema problems first
 * (configProblems), then the cheap checks of files the config names (credentials, certificates) and of
 * addresses, for every section whose own schema is fine. Used by `check-config` (all problems) and by
 * `run` (the first one, before anything starts).
 */

import { ConfigError } from '../errors.js';
import { parseListenAddress } from '../http/index.js';
import { sinkSchemaDefinitions } from '../sinks/schemas.js';
import { sourceSchemaDefinitions } from '../sources/schemas.js';
import type { SourceDefinition } from '../sources/types.js';
import { flagOriginOf } from './flag-origin.js';
import { asRecord, listenClashProblems } from './listen-clash.js';
import { type ConfigCheck, type ConfigProblem, checkConfig } from './load.js';

export function allConfigProblems(raw: unknown): ConfigProblem[] {
  return checkAllConfig(raw).problems;
}

/** allConfigProblems, with the config the schema's one validation yields (./load.ts checkConfig). */
export function checkAllConfig(raw: unknown): ConfigCheck {
  const check = checkConfig(raw);
  const problems = check.problems;
  const root = asRecord(raw);
  const sinks = asRecord(root.sinks);
  for (const def of sinkSchemaDefinitions) {
    if (!def.fileProblems || sinks[def.configKey] === undefined) continue;
    const parsed = def.schema.safeParse(sinks[def.configKey]);
    if (!parsed.success) continue;
    for (const p of def.fileProblems(parsed.data))
      problems.push({ keyPath: `sinks.${def.configKey}.${p.keyPath}`, message: p.message });
  }
  const sources = asRecord(root.sources);
  for (const def of sourceSchemaDefinitions) {
    const instances = sources[def.configKey];
    const check = def.fileProblems;
    if (!check || !Array.isArray(instances)) continue;
    instances.forEach((instance, i) => {
      const parsed = def.schema.safeParse(instance);
      if (!parsed.success) return;
      // Indexed like the schema's own problems (`sources.falcoHttp[0].listen`).
      for (const p of check(parsed.data))
        problems.push({ keyPath: `sources.${def.configKey}[${i}].${p.keyPath}`, message: p.message });
    });
  }
  problems.push(...duplicateSourceProblems(raw));
  const listen = asRecord(root.metrics).listen;
  if (typeof listen === 'string') {
    try {
      parseListenAddress(listen, 'metrics.listen');
    } catch (err) {
      if (err instanceof ConfigError)
        problems.push({ keyPath: 'metrics.listen', message: err.message.replace(/^metrics\.listen: /, '') });
    }
  }
  problems.push(...listenClashProblems(raw));
  return check;
}

/** Every sensor endpoint given twice, for `events` too (which starts sources but no sinks). */
export function duplicateSourceProblems(raw: unknown): ConfigProblem[] {
  const sources = asRecord(asRecord(raw).sources);
  return sourceSchemaDefinitions.flatMap((def) => duplicateEndpoints(def, sources[def.configKey]));
}

/**
 * One sensor endpoint read by two entries of a source type (the second named, by its flag when a flag made
 * it): every event would enter the pipeline twice. A source flag replaces the file's entries of its type
 * (cli/source-flags.ts), so a flag given twice with one endpoint is one too.
 */
function duplicateEndpoints(def: SourceDefinition<unknown>, instances: unknown): ConfigProblem[] {
  if (!Array.isArray(instances)) return [];
  const problems: ConfigProblem[] = [];
  const firstById = new Map<string, string>();
  instances.forEach((instance, i) => {
    const parsed = def.schema.safeParse(instance);
    if (!parsed.success) return;
    const endpoint = def.endpoint(parsed.data);
    if (endpoint.id === null) return;
    const origin = flagOriginOf(instance);
    const name = origin ? `${origin.flag} ${origin.value}` : `sources.${def.configKey}[${i}]`;
    const first = firstById.get(endpoint.id);
    if (first === undefined) {
      firstById.set(endpoint.id, name);
      return;
    }
    const value = (parsed.data as Record<string, unknown>)[endpoint.keyPath];
    problems.push({
      keyPath: origin ? origin.flag : `${name}.${endpoint.keyPath}`,
      message:
        `${JSON.stringify(value)} is already ${first}: one ${def.type} endpoint read twice would count every ` +
        'event twice (give it once)',
    });
  });
  return problems;
}
