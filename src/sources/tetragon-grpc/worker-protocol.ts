/** Messages between the tetragon-grpc source (main thread) and its ingest worker (worker-thread.ts). */
import type { ChannelOptions } from '@grpc/grpc-js';

export interface WorkerInit {
  /** grpc-js target (`unix:///…` or `host:port`). */
  target: string;
  path: string;
  /** The encoded GetEventsRequest (allow_list). */
  request: Uint8Array;
  channelOptions: ChannelOptions;
  connectTimeoutMs: number;
  /** A batch is handed over when it holds this many bytes or messages, or when the worker's turn ends. */
  batchBytes: number;
  batchMessages: number;
  /**
   * One Int32: batches the main thread has handled. Acks are counted here rather than posted back, as a
   * message per batch costs the main thread more than the batch's hand-over itself.
   */
  acked: SharedArrayBuffer;
  /**
   * A synthetic stream to receive over loopback before the real call (warm-transport.ts), or null. The
   * worker answers with `warm` when done and connects only when told to (`connect`).
   */
  warmUp: { frames: Uint8Array; framesMessages: number; maxMessages: number; budgetMs: number } | null;
}

export type WorkerToMain =
  | { type: 'ready' }
  | { type: 'not-ready'; reason: string }
  /** `bytes` of `buffer` hold `count` messages, each `[u32 big-endian length][GetEventsResponse]`. */
  | { type: 'batch'; buffer: ArrayBuffer; bytes: number; count: number }
  | { type: 'end'; reason: string }
  /** The warm-up is over (`problem`: why it ended early, or null). */
  | { type: 'warm'; messages: number; ms: number; problem: string | null };

/**
 * `connect`: make the GetEvents call (the worker waits for it; after `end` or `not-ready`, for the next);
 * `cancel`: end the call and the worker.
 */
export type MainToWorker = { type: 'connect' } | { type: 'cancel' };
