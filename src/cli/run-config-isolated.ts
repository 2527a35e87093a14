/**
 * Validates `exfilwatch run`'s config in a short-lived child process (run-config-process.ts) and returns the
 * plain validated object. zod and the composed schemas cost ~25 MB of RSS (~10 MB of live heap, which V8
 * then keeps ~1.7× committed) that the daemon needs for a moment at start-up and would otherwise hold for
 * its whole life: ESM modules are never unloaded. A worker thread would free its isolate but leaves ~4 MB
 * of its allocations in the process; a process leaves nothing. Costs ~0.3 s of start-up (dist).
 *
 * This module and everything it imports stay free of zod (a test checks the daemon's module graph).
 */
import { spawnSync } from 'node:child_process';
import { getDefaultResultOrder } from 'node:dns';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ExfilwatchConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { RunFlags } from './run-overrides.js';

export type RunConfigAnswer =
  | { ok: true; config: ExfilwatchConfig }
  | { ok: false; keyPath: string; message: string }
  | { ok: false; error: string };

const TIMEOUT_MS = 120_000;

/** `node run-config-process.js`, or — where the sources run untranspiled (tsx, vitest) — the `.ts` file through tsx. */
function childCommand(): string[] {
  const js = new URL('./run-config-process.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return [fileURLToPath(js)];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, fileURLToPath(new URL('./run-config-process.ts', import.meta.url))];
}

/**
 * Loads, overrides and fully validates like loadRunConfig (run-config.ts), in a child process with this
 * environment (NATS_URL, NODE_NAME…); throws ConfigError for the first problem.
 */
export function loadRunConfigIsolated(flags: RunFlags, env: NodeJS.ProcessEnv = process.env): ExfilwatchConfig {
  // run's result order (its --dns-result-order, or dns.setDefaultResultOrder): the listen-clash check resolves a
  // name as run will bind it, and a flag on run's command line is not passed on to a child.
  const order = `--dns-result-order=${getDefaultResultOrder()}`;
  const child = spawnSync(process.execPath, [order, ...childCommand()], {
    input: JSON.stringify({ flags }),
    env,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout?.trim().split('\n').at(-1);
  let answer: RunConfigAnswer | undefined;
  try {
    answer = line ? (JSON.parse(line) as RunConfigAnswer) : undefined;
  } catch {
    answer = undefined;
  }
  if (answer === undefined) {
    const why = child.error?.message ?? (child.signal ? `signal ${child.signal}` : `exit code ${child.status}`);
    const detail = child.stderr?.trim().split('\n').at(-1);
    throw new Error(`config validation process failed (${why})${detail ? `: ${detail}` : ''}`);
  }
  if (answer.ok) return answer.config;
  if ('keyPath' in answer) throw new ConfigError(answer.keyPath, answer.message);
  throw new Error(answer.error);
}
