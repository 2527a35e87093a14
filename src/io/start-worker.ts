/**
 * Starts a worker thread from the module file next to the caller: its `.js` build in dist/, or — where the
 * sources run untranspiled (tsx, vitest) — its `.ts` source through tsx, because `--import tsx` does not
 * reach a worker's entry point on Node 20. tsx is a dev dependency, present wherever the sources run as TS.
 *
 * tsx's require hook (`tsx/cjs/api`), not its ESM loader: registering the ESM loader in a worker runs its
 * hooks in a thread of the worker's own, whose port Node 20 keeps in the main thread's port table after the
 * worker is terminated: one MessagePort per worker, for good (an ingest worker per sensor reconnect, when
 * each started one; see test/integration/tetragon/worker-churn.test.ts). The require hook runs in the
 * worker's own thread.
 *
 *   startSiblingWorker(import.meta.url, 'worker-thread', { workerData })
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startSiblingWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  const js = new URL(`./${name}.js`, callerUrl);
  if (existsSync(fileURLToPath(js))) return new Worker(js, options);
  const ts = fileURLToPath(new URL(`./${name}.ts`, callerUrl));
  const api = createRequire(callerUrl).resolve('tsx/cjs/api');
  const code = `require(${JSON.stringify(api)}).register(); require(${JSON.stringify(ts)});`;
  return new Worker(code, { ...options, eval: true });
}
