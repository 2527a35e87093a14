/**
 * A scan line worker: pieces of whole lines in (transferred), their events encoded (codec-encode.ts) out, one
 * answer per piece in the order received. JSON.parse and normalization run here, off the main thread,
 * which keeps reading, correlating and writing alerts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { detachEarly } from '../io/detach-early.js';
import { PieceEncoder } from './codec-encode.js';
import { createLineProcessor } from './lines.js';
import type { WorkerAnswer, WorkerInit, WorkerRequest } from './worker-pool.js';

detachEarly();
const init = workerData as WorkerInit;
const port = parentPort!;
const lines = createLineProcessor(init.format, { node: init.node });
const encoder = new PieceEncoder();

port.on('message', (m: WorkerRequest) => {
  encoder.begin();
  const count = lines.process(Buffer.from(m.buffer, m.offset, m.length), encoder);
  const { piece, transfer } = encoder.finish(m.seq, count);
  // The input goes back too: the main thread reads the next pieces into it.
  piece.input = m.buffer;
  port.postMessage(piece, [...transfer, m.buffer]);
});
port.postMessage({ ready: true } satisfies WorkerAnswer);
