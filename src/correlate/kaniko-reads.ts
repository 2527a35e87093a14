/**
 * kaniko builds in its own container's root: it extracts the base image's layers over `/`, then hashes every file of
 * that root to take each snapshot (the default `--snapshot-mode=full` reads them whole) and writes the layers it
 * makes to `/kaniko/` before uploading them. Those reads were counted as the push's own: a build of a 2 MiB context
 * `FROM eclipse-temurin:21-jre` read the JRE (`/opt/java/openjdk`, 130 MiB) and was `bulk-read-then-push`, high, by
 * the base image alone (found by a red-team review of CI pipelines;
 * test/unit/correlate/kaniko-snapshot-reads.test.ts). What kaniko uploads comes from the base image (pulled), the
 * build context (read by kaniko: counted) and what `RUN` commands made (their processes' reads: counted). So the
 * executor's own reads count only inside its context (`--context`/`-c`, `dir://` or a plain path, `/workspace` by
 * default; a local `tar://` archive), of the Dockerfile, of a remote context's copy (`/kaniko/buildcontext/`) and of
 * secrets and a pod step's copies of them anywhere (kaniko skips `/var/run` and mounts unless told otherwise:
 * `--ignore-var-run=false` makes it read the service-account token, which counts).
 */
import { tokenize } from '../rules/argv.js';
import { absoluteTarget } from './copy-paths.js';
import { procExemptionsOf } from './exemption-state.js';
import type { ProcState } from './proc-state.js';

const REMOTE_CONTEXT = /^(?:git|gs|s3|https?):\/\//;

/**
 * A flag's value as kaniko's pflag takes it: `--context DIR`, `--context=DIR`, and for the short form also `-c=DIR`
 * and `-cDIR` (found by red-team review: `-c=dir:///srv/exports` was read as the default `/workspace`, and the
 * real context's reads as the base image's).
 */
function flagValue(words: readonly string[], i: number, long: string, short: string | null): string | null {
  const w = words[i]!;
  if (w === long || w === short) return words[i + 1] ?? null;
  if (w.startsWith(`${long}=`)) return w.slice(long.length + 1);
  if (short === null || !w.startsWith(short) || w.startsWith('--')) return null;
  return w.slice(w[short.length] === '=' ? short.length + 1 : short.length);
}

/**
 * The prefixes (a directory with its `/`, or a file) under which kaniko's own reads count; null for all. The
 * working directory is not kept for a process: a relative context (or `--kaniko-dir`) counts every read. A
 * relative Dockerfile is in the context, as kaniko takes it.
 */
function countedPaths(args: string | null): readonly string[] | null {
  const words = tokenize(args);
  let context = 'dir:///workspace';
  let dockerfile: string | null = null;
  let kanikoDir = '/kaniko';
  for (let i = 0; i < words.length; i++) {
    context = flagValue(words, i, '--context', '-c') ?? context;
    dockerfile = flagValue(words, i, '--dockerfile', '-f') ?? dockerfile;
    kanikoDir = flagValue(words, i, '--kaniko-dir', null) ?? kanikoDir;
  }
  const work = absoluteTarget(kanikoDir, null);
  if (work === null) return null;
  const paths = [`${work}/buildcontext/`];
  let dockerfileBase = `${work}/buildcontext`;
  if (!REMOTE_CONTEXT.test(context)) {
    const local = absoluteTarget(context.replace(/^(?:dir|tar):\/\//, ''), null);
    if (local === null) return null;
    paths.push(context.startsWith('tar://') ? local : `${local}/`);
    dockerfileBase = local;
  }
  if (dockerfile !== null) {
    const file = absoluteTarget(dockerfile, dockerfileBase);
    if (file === null) return null;
    paths.push(file);
  }
  return paths;
}

/**
 * A kaniko push whose argv the sensor cut (Falco keeps 4 KiB): its context may be past the cut (`--build-arg
 * PAD=<4 KiB> --context dir:///srv/exports`, found by red-team review: read as the default `/workspace`, the real
 * context's reads were the base image's), so every read of it counts.
 */
export function noteKanikoArgvCut(proc: ProcState): void {
  procExemptionsOf(proc).kanikoCounted = null;
}

/**
 * Whether a read by the kaniko executor itself is of its own root (the base image) or layers. Asked only for a
 * file that is neither a secret nor a pod step's copy of one (reads.ts record).
 */
export function kanikoRootRead(proc: ProcState, path: string): boolean {
  const rare = proc.rare;
  if (rare === null || rare.push === null || rare.push.tool !== 'kaniko') return false;
  // Where the executor's reads count (null: all of them): ProcExemptions `kanikoCounted`.
  let paths = rare.exempt?.kanikoCounted;
  if (paths === undefined) {
    paths = countedPaths(rare.args);
    procExemptionsOf(proc).kanikoCounted = paths;
  }
  return paths !== null && !paths.some((p) => path === p || (p.endsWith('/') && path.startsWith(p)));
}
