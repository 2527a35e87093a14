/** Runs a real Falco source against the real pipeline bookkeeping (source output + drop-newest queue). */
import net from 'node:net';
import { systemClock } from '../../../src/model/clock.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { DropNewestQueue } from '../../../src/pipeline/drop-newest-queue.js';
import { createSourceOutput } from '../../../src/pipeline/source-output.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../../src/sources/falco-http/index.js';
import type { EventSource } from '../../../src/sources/types.js';
import { createLogger, type Logger, silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';

export interface Harness {
  events: NormalizedEvent[];
  metrics: Metrics;
  queue: DropNewestQueue<NormalizedEvent>;
  output: ReturnType<typeof createSourceOutput>;
  done: Promise<void>;
  /** Waits until `n` events were taken from the queue (or throws after timeoutMs). */
  waitFor(n: number, timeoutMs?: number): Promise<NormalizedEvent[]>;
  stop(): Promise<void>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
}

export const deps = (metrics: Metrics, logger: Logger = silentLogger()) => ({
  logger,
  metrics,
  clock: systemClock,
  node: 'test-node',
});

/** A debug-level logger that appends each line, parsed, to `lines`. */
export function captureLogger(lines: Array<Record<string, unknown>>): Logger {
  return createLogger('debug', { write: (line: string) => lines.push(JSON.parse(line)) });
}

export function runSource(
  make: (d: ReturnType<typeof deps>) => EventSource,
  opts: { capacity?: number; drain?: boolean; logs?: Array<Record<string, unknown>> } = {},
): Harness & { source: EventSource } {
  const metrics = createMetrics();
  const queue = new DropNewestQueue<NormalizedEvent>({ capacity: opts.capacity ?? 10_000 });
  const logger = opts.logs ? captureLogger(opts.logs) : silentLogger();
  const source = make(deps(metrics, logger));
  const output = createSourceOutput({
    id: source.id,
    type: source.type,
    sensor: 'falco',
    node: 'test-node',
    queue,
    metrics,
    logger,
    clock: systemClock,
  });
  const abort = new AbortController();
  const events: NormalizedEvent[] = [];
  const done = source.run(output, abort.signal);
  done.catch(() => undefined);
  let draining = opts.drain ?? true;
  const waiters: Array<() => void> = [];
  void (async () => {
    while (draining) {
      const batch = await queue.take();
      if (batch === null) return;
      events.push(...batch);
      for (const w of waiters.splice(0)) w();
    }
  })();
  return {
    source,
    events,
    metrics,
    queue,
    output,
    done,
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} events (have ${events.length})`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return events;
    },
    async stop() {
      draining = false;
      abort.abort();
      queue.close();
      await done.catch(() => undefined);
    },
    async metric(name, labels = {}) {
      const m = await metrics.registry.getSingleMetric(name)?.get();
      const v = m?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
      return v?.value ?? 0;
    },
  };
}

/** A port that was free a moment ago (for processes that must be told their port up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A falco-http receiver on an ephemeral loopback port, run through runSource; its stop goes on `cleanups`.
 * `config` is the instance's config on top of `listen`.
 */
export async function startFalcoReceiver(
  cleanups: Array<() => Promise<void> | void>,
  config: Record<string, unknown> = {},
  opts: { capacity?: number; drain?: boolean } = {},
): Promise<{ h: Harness & { source: EventSource }; port: number }> {
  const cfg = falcoHttpConfigSchema.parse({ listen: '127.0.0.1:0', ...config });
  const h = runSource((d) => createFalcoHttpSource(cfg, d), opts);
  cleanups.push(() => h.stop());
  const { port } = await (h.source as ReturnType<typeof createFalcoHttpSource>).listening;
  return { h, port };
}
