import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { redact } from '../correlate/redact.js';
import { ConfigError, errorMessage } from '../errors.js';
import { buildConfigSchema, type ExfilwatchConfig } from './schema.js';

export { resolveNodeName } from './node-name.js';

export interface ConfigProblem {
  /** Key path as CONFIGURATION.md writes it, with list indexes: `sources.tetragonGrpc[0].address`. */
  keyPath: string;
  message: string;
}

/** `['allowlist', 0, 'reason']` → `allowlist[0].reason`: the `allowlist[].reason` of CONFIGURATION.md. */
export function keyPathOf(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeValue(value: unknown): string {
  // The offending value is echoed to help, but never a credential it may carry (URLs with user:pass@, tokens).
  const json = JSON.stringify(value);
  const text = json === undefined ? undefined : redact(json);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Every problem in a parsed (not yet validated) config object, each with its key path. */
export function configProblems(raw: unknown): ConfigProblem[] {
  const result = buildConfigSchema().safeParse(raw ?? {});
  if (result.success) return [];
  return result.error.issues.map((issue: z.core.$ZodIssue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const value = valueAt(raw, issue.path);
    if (value !== undefined && issue.code !== 'unrecognized_keys') message += ` (got ${describeValue(value)})`;
    return { keyPath: keyPathOf(issue.path), message };
  });
}

function valueAt(raw: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = raw;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** Validates a parsed config object; throws ConfigError naming the first problem's key path. */
export function parseConfig(raw: unknown): ExfilwatchConfig {
  const problems = configProblems(raw);
  const first = problems[0];
  if (first) throw new ConfigError(first.keyPath, first.message);
  return buildConfigSchema().parse(raw ?? {});
}

export function readConfigText(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('--config', `cannot read ${path}: ${errorMessage(err)}`, { cause: err });
  }
  try {
    return parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError('--config', `${path} is not valid YAML: ${errorMessage(err)}`, { cause: err });
  }
}

/** Loads and validates a config file (or the defaults when no file is given). */
export function loadConfig(path?: string): ExfilwatchConfig {
  return parseConfig(path ? readConfigText(path) : {});
}
