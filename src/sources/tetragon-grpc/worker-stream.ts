/**
 * One GetEvents stream taken in a worker thread (worker-thread.ts): the worker runs the grpc-js client and
 * hands over raw messages in transferable batches; this side decodes, normalizes and offers them exactly
 * as the in-thread stream does (message.ts). On 2 cores the transport's per-message cost and exfilwatch's
 * own work run in parallel, so ingest goes past the single-thread drain rate instead of stopping at it.
 */
import type { Worker } from 'node:worker_threads';
import type { ChannelOptions } from '@grpc/grpc-js';
import type { NormalizeDefaults } from '../../formats/types.js';
import { startSiblingWorker } from '../../io/start-worker.js';
import type { Clock } from '../../model/clock.js';
import { type Establishing, type StreamResult, upOnceEstablished } from '../established.js';
import type { SourceOutput } from '../types.js';
import { createRangeHandler } from './message.js';
import type { MainToWorker, WorkerInit, WorkerToMain } from './worker-protocol.js';

export interface WorkerStreamOptions {
  id: string;
  target: string;
  path: string;
  request: Uint8Array;
  channelOptions: ChannelOptions;
  connectTimeoutMs: number;
  healthyAfterMs: number;
  defaults: NormalizeDefaults;
  clock: Clock;
}

const BATCH_BYTES = 256 * 1024;
const BATCH_MESSAGES = 512;

/** What the worker needs to know about its call (the rest of WorkerInit is this module's). */
export type WorkerCallOptions = Pick<
  WorkerStreamOptions,
  'target' | 'path' | 'request' | 'channelOptions' | 'connectTimeoutMs'
>;

/** A worker started ahead of its stream (and warmed up, when asked), waiting for `connect`. */
export interface PreparedWorker {
  worker: Worker;
  acked: SharedArrayBuffer;
  /** Set when the worker failed or exited before it was used: start another. */
  dead: boolean;
}

function startWorker(o: WorkerCallOptions, warmUp: WorkerInit['warmUp']): PreparedWorker {
  const init: WorkerInit = {
    target: o.target,
    path: o.path,
    request: o.request,
    channelOptions: o.channelOptions,
    connectTimeoutMs: o.connectTimeoutMs,
    batchBytes: BATCH_BYTES,
    batchMessages: BATCH_MESSAGES,
    acked: new SharedArrayBuffer(4),
    warmUp,
  };
  const prepared: PreparedWorker = {
    worker: startSiblingWorker(import.meta.url, 'worker-thread', { workerData: init }),
    acked: init.acked,
    dead: false,
  };
  const died = () => {
    prepared.dead = true;
  };
  prepared.worker.once('error', died).once('exit', died);
  return prepared;
}

export interface WorkerWarmUp {
  /** gRPC frames (`[0][u32 length][message]…`) of a synthetic stream, and how many messages they hold. */
  frames: Uint8Array;
  framesMessages: number;
  maxMessages: number;
  budgetMs: number;
}

/** What a warm-up did (`warm`: the worker's own report, null when it never reported), and why it ended early. */
export interface WarmOutcome {
  warm: Extract<WorkerToMain, { type: 'warm' }> | null;
  problem: string | null;
}

/**
 * Starts a worker for the next stream now and has it warm up its receive path (warm-transport.ts).
 * Resolves when it is warm, with what it did; the worker then waits, unref'd, for streamInWorker. A worker
 * that failed, exited or never reported is terminated and not handed on (`prepared` null): the stream then
 * starts a fresh one, as it would have without a warm-up.
 */
export async function prepareWorker(
  o: WorkerCallOptions,
  warmUp: WorkerWarmUp,
): Promise<WarmOutcome & { prepared: PreparedWorker | null }> {
  const prepared = startWorker(o, warmUp);
  prepared.worker.unref();
  const outcome = await new Promise<WarmOutcome>((resolve) => {
    // The worker bounds its warm-up by the budget; this only guards against a worker that never answers.
    const timer = setTimeout(
      () => done({ warm: null, problem: 'the ingest worker did not answer' }),
      warmUp.budgetMs + 2_000,
    );
    timer.unref();
    const done = (v: WarmOutcome) => {
      clearTimeout(timer);
      prepared.worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      resolve(v);
    };
    const onMessage = (m: WorkerToMain) => {
      if (m.type === 'warm') done({ warm: m, problem: m.problem });
    };
    const onError = (err: Error) => done({ warm: null, problem: `ingest worker failed: ${err.message}` });
    const onExit = (code: number) => done({ warm: null, problem: `ingest worker exited (code ${code})` });
    prepared.worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
  if (outcome.warm === null) {
    void prepared.worker.terminate();
    return { ...outcome, prepared: null };
  }
  return { ...outcome, prepared };
}

/** How a stream in a worker ended, and the worker to stream through next time (null: start another). */
export interface WorkerStreamEnd {
  result: StreamResult;
  kept: PreparedWorker | null;
}

/**
 * Streams through `prepared` when it is given and alive, else through a worker started now. The worker is
 * kept (unref'd, waiting for the next `connect`) when its call ended and it said so; terminated when the
 * stream was stopped or the worker failed. Kept across reconnects because a worker's start is the costly
 * part of a failed attempt (worker-thread.ts).
 */
export function streamInWorker(
  o: WorkerStreamOptions,
  out: SourceOutput,
  signal: AbortSignal,
  prepared: PreparedWorker | null = null,
): Promise<WorkerStreamEnd> {
  if (prepared?.dead) void prepared.worker.terminate();
  const started = prepared && !prepared.dead ? prepared : startWorker(o, null);
  const worker = started.worker;
  worker.ref();
  const acked = new Int32Array(started.acked);
  const handle = createRangeHandler(o.id, o.defaults, out);
  const tell = (m: MainToWorker) => worker.postMessage(m);
  let startedAt = Number.NaN;
  let received = 0;

  return new Promise<WorkerStreamEnd>((resolve) => {
    let settled = false;
    let establishing: Establishing | null = null;
    /** `reusable`: the worker said its call ended and waits for the next `connect`. */
    const finish = (reason: string, connected: boolean, reusable = false) => {
      if (settled) return;
      settled = true;
      establishing?.cancel();
      signal.removeEventListener('abort', onAbort);
      const upMs = connected ? o.clock.now() - startedAt : 0;
      const result = { healthy: connected && (received > 0 || upMs >= o.healthyAfterMs), reason };
      const keep = reusable && !signal.aborted && !started.dead;
      if (keep) {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        worker.unref();
      } else {
        void worker.terminate();
      }
      resolve({ result, kept: keep ? started : null });
    };
    const onAbort = () => {
      tell({ type: 'cancel' });
      // The worker answers with 'end'; if it is wedged, do not wait for it.
      setTimeout(() => finish('stopped', !Number.isNaN(startedAt)), 1_000).unref();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const handleBatch = (m: Extract<WorkerToMain, { type: 'batch' }>) => {
      // Each message is read where it lies in the batch: no view object per message.
      // Up before the events are offered, so a reconnect's gap marker comes first.
      establishing?.received();
      const bytes = Buffer.from(m.buffer, 0, m.bytes);
      let pos = 0;
      for (let i = 0; i < m.count; i++) {
        const len = bytes.readUInt32BE(pos);
        handle(bytes, pos + 4, pos + 4 + len);
        pos += 4 + len;
      }
      received += m.count;
      Atomics.add(acked, 0, 1);
    };
    const handleMessage = (m: WorkerToMain) => {
      switch (m.type) {
        case 'ready':
          startedAt = o.clock.now();
          establishing = upOnceEstablished(() => out.connection(true, o.target));
          break;
        case 'not-ready':
          finish(m.reason, false, true);
          break;
        case 'batch':
          handleBatch(m);
          break;
        case 'end':
          finish(m.reason, !Number.isNaN(startedAt), true);
          break;
      }
    };
    // One batch per turn of the event loop. The port delivers everything that has arrived in one go: after
    // a stall that was up to MAX_IN_FLIGHT batches (16k events) normalized back to back before the
    // correlator could take the first, all of them alive on the heap at once (promoted by the scavenger,
    // then mark-compacted). Batches waiting here are still raw bytes, outside the heap, and unacked, so
    // the worker's flow control sees them as the backlog they are.
    const pending: WorkerToMain[] = [];
    let pumping = false;
    const pump = () => {
      const m = pending.shift();
      if (m === undefined) {
        pumping = false;
        return;
      }
      handleMessage(m);
      // Whatever arrived meanwhile, or in the same delivery, waits for the next turn.
      setImmediate(pump);
    };
    const onMessage = (m: WorkerToMain) => {
      pending.push(m);
      if (!pumping) {
        pumping = true;
        pump();
      }
    };
    const onError = (err: Error) => finish(`ingest worker failed: ${err.message}`, !Number.isNaN(startedAt));
    const onExit = (code: number) => finish(`ingest worker exited (code ${code})`, !Number.isNaN(startedAt));
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    tell({ type: 'connect' });
  });
}
