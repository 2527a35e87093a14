/**
 * Starts a worker thread from the module file next to the caller: its `.js` build in dist/, or — where the
 * sources run untranspiled (tsx, vitest) — its `.ts` source through tsx, because `--import tsx` does not
 * reach a worker's entry point on Node 20. tsx is a dev dependency, present wherever the sources run as TS.
 *
 *   startSiblingWorker(import.meta.url, 'worker-thread', { workerData })
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startSiblingWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  const js = new URL(`./${name}.js`, callerUrl);
  if (existsSync(fileURLToPath(js))) return new Worker(js, options);
  const ts = new URL(`./${name}.ts`, callerUrl).href;
  const api = createRequire(callerUrl)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const code = `import(${JSON.stringify(pathToFileURL(api).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ts)}); });`;
  return new Worker(code, { ...options, eval: true });
}
