/**
 * scan's line workers (worker-thread.ts). Pieces are dealt round-robin and each worker answers in the
 * order it was given them, so results can be taken back in file order: `submit` returns the piece's
 * result, and awaiting those promises in submission order replays the file exactly as it was written.
 */
import type { Worker } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import { detachEarly } from '../io/detach-early.js';
import { startSiblingWorker } from '../io/start-worker.js';
import { PieceDecoder } from './codec-decode.js';
import type { EncodedPiece } from './codec-format.js';
import type { ScanFormat } from './lines.js';

export interface WorkerInit {
  format: ScanFormat;
  /** Default node name for events that carry none. */
  node: string;
}

/** A worker's first message says it is up; then one EncodedPiece per request, in order. */
export type WorkerAnswer = { ready: true } | EncodedPiece;

export interface WorkerRequest {
  seq: number;
  buffer: ArrayBuffer;
  offset: number;
  length: number;
}

/** A piece's answer and the decoder that must read it (the one of the worker that encoded it). */
export interface PieceResult {
  piece: EncodedPiece;
  decoder: PieceDecoder;
}

export interface LinePool {
  /** Workers up and waiting for pieces (start-up takes ~100 ms: meanwhile the main thread parses). */
  ready(): number;
  /** Resolves once every worker is up (or one failed). */
  allReady(): Promise<void>;
  /** Transfers the bytes to a ready worker (the buffer is unusable here afterwards). */
  submit(buffer: ArrayBuffer, offset: number, length: number): Promise<PieceResult>;
  close(): Promise<void>;
}

function startWorker(workerData: WorkerInit): Worker {
  return startSiblingWorker(import.meta.url, 'worker-thread', { workerData });
}

interface Waiter {
  resolve(r: PieceResult): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  waiting: Waiter[];
}

export function startLinePool(threads: number, init: WorkerInit): LinePool {
  detachEarly();
  let failure: Error | null = null;
  let seq = 0;
  const all: Slot[] = [];
  /** Workers that said they are up, in that order. */
  const up: Slot[] = [];
  let allUp!: () => void;
  const allReady = new Promise<void>((resolve) => {
    allUp = resolve;
  });
  for (let i = 0; i < threads; i++) {
    const slot: Slot = { worker: startWorker(init), waiting: [] };
    const decoder = new PieceDecoder();
    const fail = (err: Error) => {
      failure ??= err;
      for (const w of slot.waiting.splice(0)) w.reject(failure);
      allUp();
    };
    slot.worker.on('message', (m: WorkerAnswer) => {
      if ('ready' in m) {
        up.push(slot);
        if (up.length === threads) allUp();
      } else slot.waiting.shift()?.resolve({ piece: m, decoder });
    });
    slot.worker.on('error', (err) => fail(new Error(`scan line worker failed: ${errorMessage(err)}`)));
    slot.worker.on('exit', (code) => fail(new Error(`scan line worker exited (code ${code})`)));
    all.push(slot);
  }
  let next = 0;
  return {
    ready: () => (failure ? 0 : up.length),
    allReady: () => allReady,
    submit(buffer, offset, length) {
      if (failure) return Promise.reject(failure);
      if (up.length === 0) return Promise.reject(new Error('no scan line worker is ready'));
      const slot = up[next % up.length]!;
      next++;
      const result = new Promise<PieceResult>((resolve, reject) => {
        slot.waiting.push({ resolve, reject });
        const request: WorkerRequest = { seq: seq++, buffer, offset, length };
        slot.worker.postMessage(request, [buffer]);
      });
      // Awaited in order by the caller; one failing early must not count as unhandled meanwhile.
      result.catch(() => undefined);
      return result;
    },
    async close() {
      failure ??= new Error('scan line workers closed');
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
