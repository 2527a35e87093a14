/**
 * A NATS sink for integration tests: its own temporary spool, every log line (debug and up) kept parsed,
 * and closed (spool removed) through `onCleanup`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createNatsSink, type NatsSink, natsSinkConfigSchema } from '../../src/sinks/nats/index.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../src/telemetry/metrics.js';

export interface SinkLogLine {
  level: number;
  msg: string;
  retryInMs?: number;
  err?: string;
}

/** Starts a sink on `config` (the sink's keys; `spool.dir` is filled in). */
export async function startLoggedNatsSink(
  config: Record<string, unknown>,
  onCleanup: (cleanup: () => Promise<unknown> | unknown) => void,
): Promise<{ sink: NatsSink; lines: SinkLogLine[]; metrics: Metrics }> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-'));
  onCleanup(() => rmSync(spoolDir, { recursive: true, force: true }));
  const lines: SinkLogLine[] = [];
  const sinkLog = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as SinkLogLine);
      done();
    },
  });
  const metrics = createMetrics();
  const sink = createNatsSink(natsSinkConfigSchema.parse({ ...config, spool: { dir: spoolDir } }), {
    logger: createLogger('debug', sinkLog),
    metrics,
    clock: { now: () => Date.now() },
    node: 'node-a',
  });
  await sink.start();
  onCleanup(() => sink.close());
  return { sink, lines, metrics };
}
