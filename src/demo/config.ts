/**
 * One pipeline replays every scenario, so it runs with the union of what the scenarios ask for: their
 * allowlists are concatenated, other settings merged — and two scenarios that want different values for
 * the same setting are a mistake in the library, reported with both names.
 */
import { ConfigError } from '../errors.js';
import type { Scenario } from '../scenarios/index.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function mergeInto(target: Json, source: Json, path: string, owners: Map<string, string>, owner: string): void {
  for (const [key, value] of Object.entries(source)) {
    const keyPath = path ? `${path}.${key}` : key;
    const current = target[key];
    if (keyPath === 'allowlist' && Array.isArray(value)) {
      target[key] = [...(Array.isArray(current) ? current : []), ...value];
    } else if (isObject(value) && (current === undefined || isObject(current))) {
      const next: Json = isObject(current) ? current : {};
      target[key] = next;
      mergeInto(next, value, keyPath, owners, owner);
    } else if (current !== undefined && JSON.stringify(current) !== JSON.stringify(value)) {
      throw new ConfigError(
        `scenario ${owner}: config.${keyPath}`,
        `conflicts with scenario ${owners.get(keyPath)} (${JSON.stringify(current)} vs ${JSON.stringify(value)}); ` +
          'the demo runs every scenario in one pipeline',
      );
    } else {
      target[key] = value;
      owners.set(keyPath, owner);
    }
  }
}

/** The raw (unvalidated) exfilwatch config the scenarios need together. */
export function mergeScenarioConfigs(scenarios: readonly Scenario[]): Json {
  const merged: Json = {};
  const owners = new Map<string, string>();
  for (const s of scenarios) {
    if (s.config) mergeInto(merged, s.config, '', owners, s.name);
  }
  return merged;
}
