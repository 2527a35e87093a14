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
    destination ?? pino.destination({ dest: 2, sync: false }),
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
