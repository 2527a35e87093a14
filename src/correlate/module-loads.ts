/**
 * A Node release tool or bot reads its own modules as it starts: Renovate loads tens of MiB from
 * `/usr/local/renovate/node_modules`, semantic-release its plugins from the project's `node_modules`, and their
 * tag or branch push in the window was `push-after-moderate-reads` (thousands of files) or, past 64 MiB,
 * `bulk-read-then-push` (found by a red-team review of CI pipelines; test/unit/correlate/node-module-loads.test.ts).
 * Those reads are the runtime loading code that `npm ci` installed (its own reads of the cache are the install:
 * ./download-reads.ts), not data. So a `node` process (from where a runtime is expected) reading a module file
 * (`.js`, `.cjs`, `.mjs`, `.json`, `.node`) below a `node_modules` directory is not counted, unless anything was
 * moved, linked, copied, redirected or extracted into a `node_modules` directory in the container
 * (./own-products.ts). Its caches (`node_modules/.cache/`: babel's, eslint's, webpack's) hold what a build made of
 * the project's files and count; so does any other process reading `node_modules`, and node reading anything else.
 */
import { isUnexpectedLocation } from '../rules/locations.js';
import type { ProcState } from './proc-state.js';

const MODULE_FILE = /\.(?:js|cjs|mjs|json|node)$/;

/** Whether node itself is loading a module file (the caller checks the container's staging). No allocation. */
export function nodeModuleLoad(proc: ProcState, path: string): boolean {
  if (!path.includes('/node_modules/')) return false;
  const b = proc.binary;
  if (b === null || !(b.endsWith('/node') || b.endsWith('/nodejs')) || isUnexpectedLocation(b)) return false;
  return MODULE_FILE.test(path) && !path.includes('/node_modules/.cache/');
}
