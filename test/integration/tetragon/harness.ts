/** Runs a source against the real pipeline bookkeeping (source-output + drop-newest queue) and records it. */
import { DecodeError } from '../../../src/errors.js';
import { systemClock } from '../../../src/model/clock.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { DropNewestQueue } from '../../../src/pipeline/drop-newest-queue.js';
import { createSourceOutput } from '../../../src/pipeline/source-output.js';
import type { EventSource, SourceDeps } from '../../../src/sources/types.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';

export interface Harness {
  deps: SourceDeps;
  metrics: Metrics;
  events: NormalizedEvent[];
  decodeErrors: string[];
  logs: Array<{ level: number; msg: string; [k: string]: unknown }>;
  start(source: EventSource): void;
  /** Aborts the source and waits for run() to settle; returns how it ended. */
  stop(): Promise<'resolved' | Error>;
  waitFor(pred: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  up(): boolean;
}

export function createHarness(node = 'test-node'): Harness {
  const logs: Harness['logs'] = [];
  const logger = createLogger('debug', {
    write(line: string) {
      logs.push(JSON.parse(line));
    },
  });
  const metrics = createMetrics();
  const deps: SourceDeps = { logger, metrics, clock: systemClock, node };
  const events: NormalizedEvent[] = [];
  const decodeErrors: string[] = [];
  const queue = new DropNewestQueue<NormalizedEvent>({ capacity: 100_000 });
  const abort = new AbortController();
  let running: Promise<'resolved' | Error> | null = null;
  let output: ReturnType<typeof createSourceOutput> | null = null;

  return {
    deps,
    metrics,
    events,
    decodeErrors,
    logs,
    start(source) {
      const base = createSourceOutput({
        id: source.id,
        type: source.type,
        sensor: 'tetragon',
        node,
        queue: {
          offer: (e: NormalizedEvent) => {
            events.push(e);
            return queue.offer(e);
          },
          waitForRoom: () => queue.waitForRoom(),
        },
        metrics,
        logger,
        clock: systemClock,
        logEveryMs: 0,
      });
      output = base;
      const out = {
        ...base,
        decodeError(err: DecodeError) {
          decodeErrors.push(err.message);
          base.decodeError(err);
        },
      };
      running = source.run(out, abort.signal).then(
        () => 'resolved' as const,
        (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
      );
    },
    async stop() {
      abort.abort();
      return running ?? 'resolved';
    },
    async waitFor(pred, what, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    up: () => output?.isUp() ?? false,
  };
}

export { DecodeError };

/** Current value of a counter/gauge series with exactly these labels (0 when absent). */
export async function metricValue(
  metric: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metric.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return hit?.value ?? 0;
}
