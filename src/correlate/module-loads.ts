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
 *
 * Staging the guard does not see (a CI step's script file redirecting a dump into `node_modules/x/db.json`, a
 * sibling container of the pod moving one there, a checked-out tree's symlinks, which Falco names by the link)
 * would make node's reads of any size free, so a node process's module loads are not counted up to
 * MODULE_BYTES_PER_PROCESS only (found by a red-team review: 500 MiB read as `x.js` by node and uploaded by it was
 * `push-without-reads`). A name with `..` or `.` in it is no module's either: a path the sensor did not resolve
 * (`node_modules/../../srv/exports/db.json`) is not below `node_modules` at all.
 */
import { isUnexpectedLocation } from '../rules/locations.js';
import { procExemptionsOf } from './exemption-state.js';
import type { ProcState } from './proc-state.js';

const MODULE_FILE = /\.(?:js|cjs|mjs|json|node)$/;
/** A path segment `.` or `..`: the name is not the file's (a sensor gives resolved paths). */
const UNRESOLVED = /\/\.\.?(?:\/|$)/;

/**
 * Module bytes one node process loads without their counting. Renovate loads 73 MiB, semantic-release with its
 * plugins 40 MiB, a jest worker or a webpack build tens of MiB; the biggest module files are typescript's
 * `typescript.js` (9 MiB), `@mdn/browser-compat-data`'s `data.json` (~15 MiB) and native addons (`@next/swc`'s
 * `.node`, ~130 MiB, `@swc/core`'s ~50 MiB, Prisma's query engine ~20 MiB), which `dlopen` maps rather than reads
 * (its header aside): a mapping of a `.node` file takes nothing from the bound. Past it, node's loads count.
 */
export const MODULE_BYTES_PER_PROCESS = 128 * 1024 * 1024;

/** Whether a binary is node's, from where a runtime is expected. */
export function nodeRuntime(b: string | null): boolean {
  return b !== null && (b.endsWith('/node') || b.endsWith('/nodejs')) && !isUnexpectedLocation(b);
}

/** Whether node itself is loading a module file (the caller checks the container's staging). No allocation. */
export function nodeModuleLoad(proc: ProcState, path: string): boolean {
  if (!path.includes('/node_modules/') || !nodeRuntime(proc.binary)) return false;
  return MODULE_FILE.test(path) && !path.includes('/node_modules/.cache/') && !UNRESOLVED.test(path);
}

/**
 * Whether a module load stays within the process's uncounted bytes, and takes its bytes from them. An addon
 * `dlopen` maps (a `.node` file's mapping) takes none: it is code, its size no load's data. Once past the bound,
 * this load and every later one of the process count.
 */
export function withinModuleBudget(proc: ProcState, path: string, read: { op: string; bytes: number | null }): boolean {
  // Module bytes not counted so far: ProcExemptions `moduleBytes`.
  const before = proc.rare?.exempt?.moduleBytes ?? 0;
  if (before > MODULE_BYTES_PER_PROCESS) return false;
  if (read.op === 'map' && path.endsWith('.node')) return true;
  const after = before + (read.bytes ?? 0);
  if (after !== before) procExemptionsOf(proc).moduleBytes = after;
  return after <= MODULE_BYTES_PER_PROCESS;
}
