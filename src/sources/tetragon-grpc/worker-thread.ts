/**
 * The ingest worker's thread: one GetEvents call, nothing else. grpc-js's per-message work (HTTP/2
 * framing, the gRPC message parser, stream plumbing) saturates a core at the transport's rate, so it runs
 * here while the main thread decodes, normalizes and correlates. Messages cross as raw bytes packed into
 * transferable batches (`[u32 length][message]…`): the most compact form there is.
 *
 * A batch is packed in one reused buffer and handed over as an exact-size copy. Transferring the whole
 * 256 KiB packing buffer instead (a fresh one per batch) made every batch, however few its bytes, count
 * 256 KiB of external memory in the main isolate: V8 answers external-memory growth with mark-compacts,
 * and at the paced bench rate the main thread ran one every ~100 ms (14 vs 4 in a 20k-event run), about
 * 4-5 µs of CPU per event.
 *
 * Flow control: at most MAX_IN_FLIGHT batches may wait for the main thread (it counts the batches it has
 * handled in shared memory); past that the call is paused until the main thread catches up, so HTTP/2
 * flow control pushes back to the agent exactly as a busy single-threaded reader would.
 *
 * The worker makes its call when the main thread says `connect`. Before that, when asked (`warmUp`), it
 * receives a synthetic stream over loopback through the same code (warm-transport.ts) and drops it.
 * After a call ends (`end`, `not-ready`) it waits for the next `connect`, on a client of its own: the
 * source keeps one worker across its reconnects, because starting one costs ~70-80 ms of CPU (an isolate,
 * grpc-js loaded and compiled), which an address that answers every call with UNIMPLEMENTED paid per retry.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { detachEarly } from '../../io/detach-early.js';
import { noGrpcAnswer } from '../channel-ready.js';
import { streamFailure } from '../grpc-failure.js';
import { warmTransport } from './warm-transport.js';
import type { MainToWorker, WorkerInit, WorkerToMain } from './worker-protocol.js';

// Every batch is transferred: break V8's "no buffer detached" promise before the packing code is compiled.
detachEarly();

const init = workerData as WorkerInit;
const port = parentPort!;
const MAX_IN_FLIGHT = 32;

const post = (message: WorkerToMain, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);

const request = Buffer.from(init.request);

let buf = new Uint8Array(init.batchBytes);
let view = new DataView(buf.buffer);
let used = 0;
let count = 0;
const acked = new Int32Array(init.acked);
let posted = 0;
let paused = false;
let flushScheduled = false;
/** The current call's client (a closed grpc-js client cannot connect again: one per call). */
let client: Client | null = null;
/** True from the end of a call until the next `connect`: stale callbacks of the last call see it. */
let ended = false;
let call: ReturnType<Client['makeServerStreamRequest']> | null = null;
/** After `cancel`: the source is stopping and terminates this worker; no call starts any more. */
let stopped = false;
/** While warming up: batches are packed as for real, then dropped instead of posted. */
let discarding = false;

function flush(): void {
  flushScheduled = false;
  if (count === 0) return;
  if (discarding) {
    used = 0;
    count = 0;
    return;
  }
  const out = buf.slice(0, used).buffer;
  post({ type: 'batch', buffer: out, bytes: used, count }, [out]);
  posted++;
  used = 0;
  count = 0;
  if (!paused && posted - Atomics.load(acked, 0) >= MAX_IN_FLIGHT) {
    paused = true;
    call?.pause();
    setTimeout(resumeWhenDrained, 1);
  }
}

function resumeWhenDrained(): void {
  if (ended) return;
  if (posted - Atomics.load(acked, 0) > MAX_IN_FLIGHT / 2) {
    setTimeout(resumeWhenDrained, 1);
    return;
  }
  paused = false;
  call?.resume();
}

function add(message: Buffer): void {
  const need = 4 + message.length;
  if (used + need > buf.length) {
    flush();
    if (need > buf.length) {
      buf = new Uint8Array(need);
      view = new DataView(buf.buffer);
    }
  }
  view.setUint32(used, message.length);
  buf.set(message, used + 4);
  used += need;
  count++;
  if (count >= init.batchMessages) flush();
  else if (!flushScheduled) {
    // Whatever arrived in this turn of the event loop goes together: batches stay small when traffic is.
    flushScheduled = true;
    setImmediate(flush);
  }
}

function end(reason: string): void {
  if (ended) return;
  ended = true;
  flush();
  post({ type: 'end', reason });
  client?.close();
}

function connect(): void {
  // A fresh call: a pause of the last one (its resumeWhenDrained loop stopped at `ended`) is not this one's.
  ended = false;
  paused = false;
  call = null;
  const own = new Client(init.target, credentials.createInsecure(), init.channelOptions);
  client = own;
  own.waitForReady(Date.now() + init.connectTimeoutMs, (err) => {
    if (ended || client !== own) return;
    if (err) {
      ended = true;
      post({ type: 'not-ready', reason: noGrpcAnswer(init.connectTimeoutMs, err.message) });
      own.close();
      return;
    }
    const c = own.makeServerStreamRequest<Buffer, Buffer>(
      init.path,
      () => request,
      (bytes) => bytes,
      request,
    );
    call = c;
    post({ type: 'ready' });
    // Only while this is the current call: a late event of an ended one must not end the next.
    c.on('data', (message: Buffer) => {
      if (call === c) add(message);
    });
    c.on('error', (e: ServiceError) => {
      if (call === c) end(streamFailure(e));
    });
    c.on('end', () => {
      if (call === c) end('stream ended by the agent');
    });
  });
}

let warming: Promise<void> = Promise.resolve();
if (init.warmUp) {
  const w = init.warmUp;
  discarding = true;
  warming = warmTransport({ ...w, path: init.path, request, channelOptions: init.channelOptions }, add).then(
    (result) => {
      flush();
      discarding = false;
      post({ type: 'warm', ...result });
    },
  );
}

port.on('message', (m: MainToWorker) => {
  if (m.type === 'connect') {
    void warming.then(() => {
      if (!stopped) connect();
    });
  } else if (m.type === 'cancel') {
    stopped = true;
    call?.cancel();
    end('stopped');
  }
});
