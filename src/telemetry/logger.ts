import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * JSON logs on stderr by default: stdout is reserved for alerts and events (JSON lines other tools parse).
 * Secrets are redacted before anything reaches a log line (correlate/redact); the paths below are a
 * second line of defence for config objects that carry credentials.
 */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: 'exfilwatch' },
      redact: {
        paths: [
          'password',
          'token',
          'nkey',
          'creds',
          'secret',
          '*.password',
          '*.token',
          '*.nkey',
          '*.pass',
          '*.secret',
        ],
        censor: '[REDACTED]',
      },
    },
    // Synchronous, as pino's own default: a log line is out before the next statement runs, so the plain
    // last line a failing command prints comes after the JSON logs before it, and nothing is lost when the
    // process exits or crashes. Logs are rare (per alert, per state change; per-event problems are
    // rate-limited), so the writes cost nothing next to the event path.
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
