/**
 * The config the demo runs with. One pipeline replays every scenario, so it runs with the union of what the
 * scenarios ask for: their allowlists are concatenated, other settings merged — and two scenarios that want
 * different values for the same setting are a mistake in the library, reported with both names. On top of
 * that, what a laptop needs and a node does not: no DNS, and a private NATS spool.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRunOverrides } from '../cli/run-overrides.js';
import { parseConfig } from '../config/load.js';
import type { ExfilwatchConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { Scenario } from '../scenarios/index.js';
import type { LogLevel } from '../telemetry/logger.js';

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

export interface DemoConfigOptions {
  /** `--nats`; `env.NATS_URL` otherwise, as `run` reads it. */
  nats?: string;
  logLevel: LogLevel;
  env: NodeJS.ProcessEnv;
}

export interface DemoConfig {
  config: ExfilwatchConfig;
  /** The spool directory the demo created for the NATS sink; null without NATS or when a scenario chose one. */
  privateSpoolDir: string | null;
  /** Removes what the demo created (the private spool and anything still in it). Safe to call twice. */
  dispose(): void;
}

export function buildDemoConfig(scenarios: readonly Scenario[], o: DemoConfigOptions): DemoConfig {
  const merged = mergeScenarioConfigs(scenarios);
  // A laptop demo resolves no forge hostnames: the scenarios' own argv teaches the correlator their IPs.
  const correlator = (merged.correlator ?? {}) as Json;
  const destinations = (correlator.destinations ?? {}) as Json;
  merged.correlator = { ...correlator, destinations: { dnsRefreshMs: 0, ...destinations } };
  const raw = applyRunOverrides(merged, { nats: o.nats, logLevel: o.logLevel }, o.env) as Json;

  // The daemon's default spool (/var/lib/exfilwatch/spool) is a node's hostPath: a user on a laptop cannot
  // create it, and a demo must not leave alerts there for a later `run` to deliver. Its own directory,
  // 0700 like the sink would make it, removed when the demo ends. A spool a scenario sets is the user's.
  let privateSpoolDir: string | null = null;
  const sinks = isObject(raw.sinks) ? raw.sinks : undefined;
  const nats = isObject(sinks?.nats) ? sinks.nats : undefined;
  if (sinks && nats && !(isObject(nats.spool) && nats.spool.dir !== undefined)) {
    privateSpoolDir = mkdtempSync(join(tmpdir(), 'exfilwatch-demo-spool-'));
    const spool = { ...(isObject(nats.spool) ? nats.spool : {}), dir: privateSpoolDir };
    raw.sinks = { ...sinks, nats: { ...nats, spool } };
  }
  const dispose = () => {
    if (privateSpoolDir !== null) rmSync(privateSpoolDir, { recursive: true, force: true });
  };
  try {
    return { config: parseConfig(raw), privateSpoolDir, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}
