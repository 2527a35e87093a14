/**
 * The measured children run as plain JavaScript, like the shipped `dist/` (no TypeScript loader in the
 * process: tsx alone adds ~45 MB of RSS and its own CPU). src/ and bench/ are transpiled file by file
 * with esbuild (already installed with tsx) into node_modules/.cache/exfilwatch-bench/, keeping the tree,
 * so relative imports and `import.meta.url` paths (the worker thread's file) resolve as they do in dist/,
 * and packages resolve from the repo's node_modules. (Not under bench/: linters would check the output.)
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheRoot = join(repoRoot, 'node_modules', '.cache', 'exfilwatch-bench');
// One folder per bench run (by the bench's pid): two benches at once must not delete each other's build.
export const buildDir = join(cacheRoot, `run-${process.pid}`);

/** Removes the build folders of bench runs that are no longer running (and older unscoped builds). */
function removeStaleBuilds(): void {
  if (!existsSync(cacheRoot)) return;
  for (const entry of readdirSync(cacheRoot)) {
    const pid = /^run-(\d+)$/.exec(entry)?.[1];
    if (pid !== undefined && (Number(pid) === process.pid || isRunning(Number(pid)))) continue;
    rmSync(join(cacheRoot, entry), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Called when the bench ends: its build is not reused (the next run transpiles afresh, ~1 s). */
export function removeBuild(): void {
  rmSync(buildDir, { recursive: true, force: true });
}

function tsFiles(dir: string): string[] {
  return (readdirSync(join(repoRoot, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('out/'))
    .map((f) => join(dir, f));
}

export async function compileForChildren(): Promise<void> {
  const { build } = await import('esbuild');
  removeStaleBuilds();
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
