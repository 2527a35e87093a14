import type { Command } from 'commander';
import type { AppDeps } from '../app.js';
import { ConfigError, errorMessage } from '../errors.js';
import { systemClock } from '../model/clock.js';
import type { ScanFormat } from '../scan/lines.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../telemetry/logger.js';
import { createMetrics } from '../telemetry/metrics.js';

/** Exit codes promised in INTERFACES.md. */
export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

/** Runs a command body with the promised exit codes: ConfigError → 2 with one line; anything else → 1. */
export function action<A extends unknown[]>(
  body: (...args: A) => Promise<number | undefined>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await body(...args);
      process.exitCode = code ?? EXIT_OK;
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`exfilwatch: ${err.message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      process.stderr.write(`exfilwatch: ${errorMessage(err)}\n`);
      process.exitCode = EXIT_RUNTIME;
    }
  };
}

export function parseLogLevel(value: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError('--log-level', `expected one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
  }
  return value as LogLevel;
}

/** What `--format` takes, for the JSON-lines FILE arguments of scan and events. */
export const FORMATS: readonly ScanFormat[] = ['auto', 'tetragon', 'falco'];

export function parseFormat(value: string): ScanFormat {
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new ConfigError('--format', `expected one of ${FORMATS.join(', ')} (got "${value}")`);
  }
  return value as ScanFormat;
}

export function addLogLevelOption(cmd: Command, defaultLevel: LogLevel = 'info'): Command {
  return cmd.option('--log-level <level>', `log level: ${LOG_LEVELS.join('|')}`, defaultLevel);
}

export function cliDeps(level: LogLevel, node: string, defaultMetrics = false): AppDeps {
  return { logger: createLogger(level), metrics: createMetrics({ defaultMetrics }), clock: systemClock, node };
}

/** Repeatable flag collector for commander. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
