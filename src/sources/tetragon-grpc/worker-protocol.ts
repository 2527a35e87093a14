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
}

export type WorkerToMain =
  | { type: 'ready' }
  | { type: 'not-ready'; reason: string }
  /** `bytes` of `buffer` hold `count` messages, each `[u32 big-endian length][GetEventsResponse]`. */
  | { type: 'batch'; buffer: ArrayBuffer; bytes: number; count: number }
  | { type: 'end'; reason: string };

export type MainToWorker = { type: 'cancel' };
