/**
 * The V8 flags the image ships with (the Dockerfile's `ENV NODE_OPTIONS`, which the chart repeats), so a
 * measured child — the bench's, or the fault suite's production-build daemon — runs under the heap caps
 * production runs under.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function shippedNodeOptions(): string[] {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const m = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile);
  return m ? m[1]!.split(/\s+/).filter((f) => f !== '') : [];
}
