/**
 * Detaches one empty ArrayBuffer, once per thread, before the hot path is compiled.
 *
 * V8 compiles typed-array and Buffer code on the promise that no ArrayBuffer has ever been detached in
 * the isolate (a process-wide "protector"). The first transfer of a buffer to another thread detaches one
 * and throws away every function compiled on that promise: on a 200k-line scan with one line worker, 11 of
 * the main thread's optimized functions at once (the correlator's read buckets and distinct-file tables,
 * the line splitter, Buffer.toString), each then recompiled. Threads that transfer buffers anyway (scan's
 * worker pool and line workers, the Tetragon ingest worker) break the promise at their start instead,
 * while nothing is optimized yet and there is nothing to throw away.
 */
let done = false;

export function detachEarly(): void {
  if (done) return;
  done = true;
  const buffer = new ArrayBuffer(0);
  structuredClone(buffer, { transfer: [buffer] });
}
