/**
 * goreleaser builds each target in a child, `go build … -o dist/ID_OS_ARCH[_VARIANT]/BINARY` (relative to its
 * working directory), then reads every binary into the archives it writes itself in `dist/` and reads those again
 * for the checksums and the upload (syft, cosign or gpg, its children, read them too). A 20 MiB tool for six
 * platforms read 168 MiB of its own products and its release was `bulk-read-then-push`, high (found by a red-team
 * review of CI pipelines; test/unit/correlate/goreleaser-outputs.test.ts). As ko's (./build-outputs.ts), those
 * products are the build's: what the compiler read counted when it read it. So goreleaser, or a child of it,
 * reading in `dist/` below its working directory the very file one of its `go build` children named with `-o`
 * (in a directory of `dist/`), or a file goreleaser names itself at the top of `dist/` (archives, packages,
 * checksums, SBOMs, signatures, its metadata) once such a build ran, is not counted; unless anything was moved,
 * linked, copied, redirected or extracted into a `dist/` directory in the container (./own-products.ts): a build
 * hook (`before.hooks`, `builds.hooks`) is a command goreleaser runs, and a rename into `dist/` reads nothing.
 */
import { basename } from '../rules/argv.js';
import { isUnexpectedLocation } from '../rules/locations.js';
import { goBuildOutput } from './build-outputs.js';
import { workingDirectory } from './copy-paths.js';
import { procExemptionsOf } from './exemption-state.js';
import type { ProcState } from './proc-state.js';

/** A goreleaser run: its `dist/` and the binaries its `go build` children named there. */
export interface Release {
  dist: string;
  binaries: Set<string>;
}

/** Binaries kept per goreleaser process (a target each: tens). Past it one counts as any read (an alert too many). */
const MAX_BINARIES_PER_RELEASE = 256;

/**
 * What goreleaser writes at the top of `dist/` itself: archives (`archives.formats`), nfpm's packages, source
 * archives, checksums (`…checksums.txt`), SBOMs, signatures and certificates, `metadata.json`, `artifacts.json`,
 * `config.yaml`. A name of one part (no `/`).
 */
const RELEASE_FILE =
  /^(?:[^/]+\.(?:tar\.gz|tgz|tar\.xz|txz|tar\.zst|tzst|tar|zip|gz|deb|rpm|apk|ipk|sbom(?:\.json)?|spdx\.json|cdx\.json|sig|pem|asc|sha256)|[^/]*checksums\.txt|metadata\.json|artifacts\.json|config\.yaml)$/;

function isGoreleaser(binary: string | null): boolean {
  return basename(binary) === 'goreleaser' && !isUnexpectedLocation(binary);
}

/** The release goreleaser (or its parent, goreleaser) runs: ProcExemptions `release`. */
export function releaseOf(proc: ProcState): Release | undefined {
  return proc.rare?.exempt?.release ?? proc.parent?.rare?.exempt?.release ?? undefined;
}

/**
 * On a new process: goreleaser itself (from where it is expected) keeps its `dist/`; a `go build -o FILE` child
 * of it (a toolchain, not from a scratch or hidden directory) makes FILE its binary when FILE is in a directory
 * of its `dist/` (`dist/ID_OS_ARCH/NAME`).
 */
export function noteReleaseBuild(proc: ProcState, args: string | null, cwd: string | null): void {
  if (isGoreleaser(proc.binary)) {
    // Falco's proc.cwd ends with a slash.
    const dir = workingDirectory(cwd)?.replace(/\/+$/, '');
    if (dir !== undefined) procExemptionsOf(proc).release = { dist: `${dir}/dist/`, binaries: new Set() };
    return;
  }
  const release = proc.parent?.rare?.exempt?.release ?? null;
  if (release === null || basename(proc.binary) !== 'go' || isUnexpectedLocation(proc.binary)) return;
  const output = goBuildOutput(args, cwd);
  if (output === null || !output.startsWith(release.dist)) return;
  // In a directory of `dist/` (`binary: bin/tool` puts it deeper), never at its top, where its archives are.
  const rest = output.slice(release.dist.length);
  if (rest.indexOf('/') <= 0 || rest.endsWith('/')) return;
  if (release.binaries.size < MAX_BINARIES_PER_RELEASE) release.binaries.add(output);
}

/**
 * Whether goreleaser (or a child of it) is reading what it built: a binary its `go build` wrote, or, once one
 * did, a file goreleaser names at the top of its `dist/`. The caller checks the container's staging.
 */
export function ownReleaseOutput(proc: ProcState, path: string): boolean {
  if (!path.includes('/dist/')) return false;
  const release = releaseOf(proc);
  if (release === undefined || release.binaries.size === 0 || !path.startsWith(release.dist)) return false;
  return release.binaries.has(path) || RELEASE_FILE.test(path.slice(release.dist.length));
}
