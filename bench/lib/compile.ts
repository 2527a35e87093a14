/**
 * The measured children run as plain JavaScript, like the shipped `dist/` (no TypeScript loader in the
 * process: tsx alone adds ~45 MB of RSS and its own CPU). src/ and bench/ are transpiled file by file
 * with esbuild (already installed with tsx) into node_modules/.cache/exfilwatch-bench/, keeping the tree,
 * so relative imports and `import.meta.url` paths (the worker thread's file) resolve as they do in dist/,
 * and packages resolve from the repo's node_modules. (Not under bench/: linters would check the output.)
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const buildDir = join(repoRoot, 'node_modules', '.cache', 'exfilwatch-bench');

function tsFiles(dir: string): string[] {
  return (readdirSync(join(repoRoot, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('out/'))
    .map((f) => join(dir, f));
}

export async function compileForChildren(): Promise<void> {
  const { build } = await import('esbuild');
  rmSync(buildDir, { recursive: true, force: true });
  await build({
    entryPoints: [...tsFiles('src'), ...tsFiles('bench')].map((f) => join(repoRoot, f)),
    outdir: buildDir,
    outbase: repoRoot,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    sourcemap: false,
    logLevel: 'error',
  });
  // Inside node_modules the repo's package.json no longer applies: say these files are ES modules.
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(join(buildDir, 'package.json'), '{ "type": "module" }\n');
}

export function childScript(name: string): string {
  return join(buildDir, 'bench', 'children', `${name}.js`);
}

export const relativeToRepo = (p: string) => relative(repoRoot, p);
