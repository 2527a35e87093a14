/**
 * `tetragon-grpc`: GetEvents from a Tetragon agent, like `tetra getevents`, forever.
 *
 * The stream is drained in its 'data' handler: decode, normalize, `out.offer()` — never awaiting, because
 * Tetragon silently drops past its own 10,000-event per-client queue when a client stalls; our own queue
 * drops newest and counts instead. Messages are decoded here rather than by grpc-js, so one undecodable
 * message is a counted skip and the stream goes on. Connection problems are one clear log line naming the
 * address; we retry with exponential backoff and full jitter until the signal aborts, and the pipeline
 * records the gap (`out.connection`).
 */
import { type ChannelOptions, Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { ConfigError } from '../../errors.js';
import { type GetEventsRequest, GetEventsRequest as GetEventsRequestCodec } from '../../generated/tetragon/events.js';
import { sleep } from '../../io/sleep.js';
import { backoffDelayMs } from '../../pipeline/backoff.js';
import { channelNotReady } from '../channel-ready.js';
import { HEALTHY_AFTER_MS, type StreamResult, upOnceEstablished } from '../established.js';
import { streamFailure } from '../grpc-failure.js';
import { probeAddress } from '../probe.js';
import { createRetryLog } from '../retry-log.js';
import type { EventSource, SourceDeps, SourceOutput } from '../types.js';
import { parseTetragonAddress, type TetragonAddress } from './address.js';
import { createMessageHandler } from './message.js';
import { buildGetEventsRequest } from './request.js';
import type { TetragonGrpcConfig } from './schema.js';
import { type PreparedWorker, prepareWorker, streamInWorker } from './worker-stream.js';

export const GET_EVENTS_PATH = '/tetragon.FineGuidanceSensors/GetEvents';

const PROBE_HINTS = {
  agent: 'the Tetragon agent',
  permission: 'the socket is 0660: run as root or in its group',
};
/**
 * The ingest worker's warm-up stream: 20k messages took its grpc-js receive path to its steady cost in the
 * paced bench (142-208 ms alone on a core; docs/latency.md, "A warm ingest worker").
 */
const WORKER_WARM_UP_MESSAGES = 20_000;

export function createTetragonGrpcSource(config: TetragonGrpcConfig, deps: SourceDeps): EventSource {
  const parsed = parseTetragonAddress(config.address);
  if ('error' in parsed) throw new ConfigError(`${deps.keyPath ?? 'sources.tetragonGrpc'}.address`, parsed.error);
  const address: TetragonAddress = parsed;
  const id = `tetragon-grpc ${config.address}`;
  const request = buildGetEventsRequest(config.policyNames);
  const defaults = { node: deps.node };
  const { logger } = deps;

  const logProblem = createRetryLog(id, deps);

  const channelOptions: ChannelOptions = {
    'grpc.max_receive_message_length': config.maxReceiveMessageBytes,
    // Reconnecting is ours to do (with backoff and gap accounting), not the channel's.
    'grpc.enable_retries': 0,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
  };

  const workerOptions = {
    id,
    target: address.target,
    path: GET_EVENTS_PATH,
    request: GetEventsRequestCodec.encode(request).finish(),
    channelOptions,
    connectTimeoutMs: config.connectTimeoutMs,
    healthyAfterMs: HEALTHY_AFTER_MS,
    defaults,
    clock: deps.clock,
  };
  /**
   * The ingest worker for the next stream: the one warmUp() started, then the one the last stream kept
   * (terminated when run ends).
   */
  let prepared: PreparedWorker | null = null;

  async function streamOnce(out: SourceOutput, signal: AbortSignal): Promise<StreamResult> {
    if (config.worker !== false) {
      const worker = prepared;
      prepared = null;
      const { result, kept } = await streamInWorker(workerOptions, out, signal, worker);
      prepared = kept;
      return result;
    }
    const client = new Client(address.target, credentials.createInsecure(), channelOptions);
    try {
      const notReady = await channelNotReady(client, config.connectTimeoutMs, signal);
      if (notReady !== null) return { healthy: false, reason: notReady };
      const call = client.makeServerStreamRequest<GetEventsRequest, Buffer>(
        GET_EVENTS_PATH,
        (req) => Buffer.from(GetEventsRequestCodec.encode(req).finish()),
        (bytes) => bytes,
        request,
      );
      const startedAt = deps.clock.now();
      let received = 0;
      const establishing = upOnceEstablished(() => out.connection(true, address.target));
      const handle = createMessageHandler(id, defaults, out);
      call.on('data', (bytes: Buffer) => {
        received++;
        // Up before the event is offered, so a reconnect's gap marker comes first.
        establishing.received();
        handle(bytes);
      });
      return await new Promise<StreamResult>((resolve) => {
        const finish = (reason: string) => {
          establishing.cancel();
          signal.removeEventListener('abort', onAbort);
          const upMs = deps.clock.now() - startedAt;
          resolve({ healthy: received > 0 || upMs >= HEALTHY_AFTER_MS, reason });
        };
        const onAbort = () => call.cancel();
        signal.addEventListener('abort', onAbort, { once: true });
        call.on('error', (err: ServiceError) => {
          finish(streamFailure(err));
        });
        call.on('end', () => finish('stream ended by the agent'));
      });
    } finally {
      client.close();
    }
  }

  return {
    id,
    type: 'tetragon-grpc',
    warmUpStream: 'tetragon',
    async warmUp(budgetMs) {
      // Only the worker has a cold transport of its own; the main-thread path is the app warm-up's.
      if (config.worker === false || budgetMs <= 0 || prepared !== null) return;
      try {
        // The app warm-up's own messages (built once for both: sharedTetragonWarmUpStream).
        const { asGrpcFrames, sharedTetragonWarmUpStream } = await import('../../warm-up/synthetic-stream.js');
        const stream = sharedTetragonWarmUpStream();
        const outcome = await prepareWorker(workerOptions, {
          frames: asGrpcFrames(stream),
          framesMessages: stream.ranges.length / 2,
          maxMessages: WORKER_WARM_UP_MESSAGES,
          budgetMs,
        });
        prepared = outcome.prepared;
        const { problem } = outcome;
        logger.info(
          {
            source: id,
            messages: outcome.warm?.messages ?? 0,
            ms: Math.round(outcome.warm?.ms ?? 0),
            ...(problem === null ? {} : { problem }),
          },
          problem === null ? 'ingest worker warmed up' : 'ingest worker warm-up ended early; streaming anyway',
        );
      } catch (err) {
        logger.info({ source: id, err: (err as Error).message }, 'ingest worker warm-up failed; streaming cold');
      }
    },
    async run(out, signal) {
      try {
        await runStreams(out, signal);
      } finally {
        // A worker prepared or kept for a stream that never came (stopped first).
        if (prepared !== null) void prepared.worker.terminate();
        prepared = null;
      }
    },
  };

  async function runStreams(out: SourceOutput, signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      const problem = await probeAddress(address, config.connectTimeoutMs, PROBE_HINTS);
      if (signal.aborted) break;
      let reason: string;
      if (problem !== null) {
        reason = `cannot connect: ${problem}`;
      } else {
        const result = await streamOnce(out, signal);
        if (signal.aborted) break;
        if (result.healthy) attempt = 0;
        reason = result.reason;
      }
      out.connection(false, reason);
      // Waiting for a node-local agent to (re)create its socket costs one stat()/connect per try, so that
      // is polled at the minimum delay: we are back within a beat of the agent, however long it was gone.
      // Backoff is for what costs the agent something: connections it accepted and then failed.
      const delay =
        problem !== null && address.kind === 'unix'
          ? config.reconnectMinMs
          : backoffDelayMs(attempt++, config.reconnectMinMs, config.reconnectMaxMs);
      logProblem(reason, delay);
      await sleep(delay, signal);
    }
  }
}
