/** The retrying sources' log line (tetragon-grpc, falco-grpc): the first failure warns, repeats are rate-limited. */
import { describe, expect, it } from 'vitest';
import { createRetryLog, REPEAT_LOG_MS } from '../../../src/sources/retry-log.js';
import type { Logger } from '../../../src/telemetry/logger.js';

function recorder() {
  const lines: Array<{ level: 'warn' | 'debug'; msg: string; fields: Record<string, unknown> }> = [];
  const logger = {
    warn: (fields: Record<string, unknown>, msg: string) => lines.push({ level: 'warn', msg, fields }),
    debug: (fields: Record<string, unknown>, msg: string) => lines.push({ level: 'debug', msg, fields }),
  } as unknown as Logger;
  return { lines, logger };
}

describe('createRetryLog', () => {
  it('warns the first failure at once, the same one again only after REPEAT_LOG_MS, a new one at once', () => {
    const { lines, logger } = recorder();
    let now = 1_000_000;
    const log = createRetryLog('falco-grpc unix:///x.sock', { logger, clock: { now: () => now } });
    log('cannot connect: /x.sock: socket path does not exist (yet)', 499.6);
    now += 1000;
    log('cannot connect: /x.sock: socket path does not exist (yet)', 500);
    now += REPEAT_LOG_MS - 1000;
    log('cannot connect: /x.sock: socket path does not exist (yet)', 500);
    now += 10;
    log('cannot connect: connection refused (is Falco running?)', 500);
    expect(lines.map((l) => l.level)).toEqual(['warn', 'debug', 'warn', 'warn']);
    expect(lines[0]).toEqual({
      level: 'warn',
      msg: 'falco-grpc unix:///x.sock: cannot connect: /x.sock: socket path does not exist (yet); retrying',
      fields: { source: 'falco-grpc unix:///x.sock', retryInMs: 500 },
    });
  });
});
