/**
 * Instruments the real pipeline from outside: wraps a source's output (counting raw messages in stream
 * order) and the correlator (noting when each message's event has been correlated), and collects alerts
 * in a sink. Nothing inside src/ is changed or slowed by the benchmark beyond these wrappers.
 */
import type { Correlator } from '../../src/correlate/types.js';
import type { Alert } from '../../src/model/alert.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import type { AlertSink } from '../../src/sinks/types.js';
import type { EventSource, SourceOutput } from '../../src/sources/types.js';
import { cpuMs } from './child.js';

export interface BenchAlert {
  rule: string;
  severity: string;
  containerId: string | null;
  tool: string | null;
  destination: string | null;
}

export interface Probe {
  source(inner: EventSource): EventSource;
  correlator(inner: Correlator): Correlator;
  sink: AlertSink;
  /** Resolves once `count` raw messages were handled and every accepted event was correlated. */
  done: Promise<void>;
  /** performance.now() of the first raw message and of completion. */
  firstAt(): number;
  /** Process CPU ms (user + system) when the first raw message arrived. */
  firstCpuMs(): number;
  doneAt(): number;
  messages(): number;
  correlated(): number;
  accepted(): number;
  dropped(): number;
  ignored(): number;
  decodeErrors(): number;
  alerts: BenchAlert[];
  /** Epoch ms (sub-ms) at which message i's event was correlated (NaN: ignored or not yet). */
  correlatedAt: Float64Array;
  /** Epoch ms at which message i was normalized and offered to the event queue (NaN: not yet). */
  offeredAt: Float64Array;
  /** Per correlator call, flattened: [start epoch ms, end epoch ms, events] (latency runs). */
  ingestSpans: number[];
  /** Per alert: epoch ms it reached the sink, and the earliest message index of the batch that released it. */
  alertTimes: Array<{ atMs: number; releasedBySeq: number }>;
}

const nowEpochMs = () => performance.timeOrigin + performance.now();

/**
 * `count`: raw messages that make the run complete; `trackLatency`: note each message's correlated-at time;
 * `onFirst`: called when the first raw message arrives (a snapshot of what a per-message figure counts from).
 */
export function createProbe(count: number, trackLatency = false, onFirst?: () => void): Probe {
  let messages = 0;
  let accepted = 0;
  let dropped = 0;
  let ignored = 0;
  let decodeErrors = 0;
  let correlated = 0;
  let first = 0;
  let firstCpu = 0;
  let finished = 0;
  // Message indexes of accepted events, in queue order (the queue keeps order).
  const slots = trackLatency ? count : 0;
  const seqs = new Int32Array(slots);
  let seqHead = 0;
  let seqTail = 0;
  const correlatedAt = new Float64Array(slots).fill(Number.NaN);
  const offeredAt = new Float64Array(slots).fill(Number.NaN);
  const ingestSpans: number[] = [];
  const alertRelease = new Map<Alert, number>();
  const alerts: BenchAlert[] = [];
  const alertTimes: Probe['alertTimes'] = [];
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const check = () => {
    if (finished === 0 && messages >= count && correlated >= accepted) {
      finished = performance.now();
      resolveDone();
    }
  };
  const seen = () => {
    if (messages++ === 0) {
      first = performance.now();
      firstCpu = cpuMs();
      onFirst?.();
    }
  };

  return {
    done,
    alerts,
    alertTimes,
    correlatedAt,
    offeredAt,
    ingestSpans,
    firstAt: () => first,
    firstCpuMs: () => firstCpu,
    doneAt: () => finished,
    messages: () => messages,
    correlated: () => correlated,
    accepted: () => accepted,
    dropped: () => dropped,
    ignored: () => ignored,
    decodeErrors: () => decodeErrors,
    source(inner) {
      return {
        id: inner.id,
        type: inner.type,
        // What the app's start reads of a source, as the real one says it: its warm-up stream (the app warms
        // up only for a declared one), whether it listens before the warm-up, and when it is set up.
        ...(inner.warmUpStream ? { warmUpStream: inner.warmUpStream } : {}),
        ...(inner.pushedTo !== undefined ? { pushedTo: inner.pushedTo } : {}),
        ...(inner.started ? { started: inner.started } : {}),
        // As `run` warms the real source up (its ingest worker's transport), so does the bench.
        ...(inner.warmUp ? { warmUp: (budgetMs: number) => inner.warmUp!(budgetMs) } : {}),
        run(out: SourceOutput, signal) {
          const wrapped: SourceOutput = {
            offer(event) {
              const index = messages;
              if (index < slots) offeredAt[index] = nowEpochMs();
              seen();
              const ok = out.offer(event);
              if (ok) {
                accepted++;
                if (seqTail < slots) seqs[seqTail++] = index;
              } else dropped++;
              check();
              return ok;
            },
            decodeError(error, sensor) {
              seen();
              decodeErrors++;
              out.decodeError(error, sensor);
              check();
            },
            ignored() {
              seen();
              ignored++;
              out.ignored();
              check();
            },
            connection: (up, detail) => out.connection(up, detail),
            waitForRoom: () => out.waitForRoom(),
          };
          return inner.run(wrapped, signal);
        },
      };
    },
    correlator(inner) {
      return {
        ingest(batch: readonly NormalizedEvent[]) {
          const firstSeq = seqHead < seqTail ? seqs[seqHead]! : -1;
          const startedAt = slots > 0 ? nowEpochMs() : 0;
          const out = inner.ingest(batch);
          const at = nowEpochMs();
          if (slots > 0) ingestSpans.push(startedAt, at, batch.length);
          for (const e of batch) {
            // Gap markers made by the pipeline itself (queue full, reconnect) are not stream messages.
            if (e.kind === 'gap' && (e.gap.reason === 'queue_full' || e.gap.reason === 'disconnected')) continue;
            if (seqHead < seqTail) correlatedAt[seqs[seqHead++]!] = at;
            correlated++;
          }
          for (const a of out) alertRelease.set(a, firstSeq);
          check();
          return out;
        },
        advance: (nowMs) => inner.advance(nowMs),
        flush: () => inner.flush(),
        trackedContainers: () => inner.trackedContainers(),
      };
    },
    sink: {
      name: 'bench',
      start: async () => undefined,
      async send(alert) {
        alerts.push({
          rule: alert.rule,
          severity: alert.severity,
          containerId: alert.container?.id ?? null,
          tool: alert.push?.tool ?? null,
          destination: alert.push?.destination ?? null,
        });
        alertTimes.push({ atMs: nowEpochMs(), releasedBySeq: alertRelease.get(alert) ?? -1 });
        return { status: 'ok' };
      },
      flush: async () => undefined,
      close: async () => undefined,
    },
  };
}
