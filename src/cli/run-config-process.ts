/**
 * The child process that validates `exfilwatch run`'s config (run-config-isolated.ts starts it): it reads
 * `{ flags }` as JSON on stdin, loads and validates the config with zod and every schema, writes one
 * RunConfigAnswer as JSON on stdout and exits, so all of that leaves memory with it. The environment
 * (NATS_URL, NODE_NAME…) and the working directory (relative paths) are the daemon's own.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '../errors.js';
import { loadRunConfigResolved } from './run-config.js';
import type { RunConfigAnswer } from './run-config-isolated.js';

async function answer(): Promise<RunConfigAnswer> {
  try {
    const { flags } = JSON.parse(readFileSync(0, 'utf8')) as { flags: Parameters<typeof loadRunConfigResolved>[0] };
    return { ok: true, config: await loadRunConfigResolved(flags, process.env) };
  } catch (err) {
    if (err instanceof ConfigError) {
      // ConfigError's message is `<keyPath>: <message>`: the daemon rebuilds the same error from both parts.
      return { ok: false, keyPath: err.keyPath, message: err.message.slice(err.keyPath.length + 2) };
    }
    return { ok: false, error: errorMessage(err) };
  }
}

process.stdout.write(`${JSON.stringify(await answer())}\n`);
