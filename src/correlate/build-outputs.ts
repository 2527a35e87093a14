/**
 * ko builds each image's binary in a child, `go build … -o DIR/out IMPORTPATH` (DIR a fresh
 * `os.MkdirTemp("", "ko")`, or `$KOCACHE/bin/IMPORTPATH/PLATFORM`), then reads the binary whole into the
 * image's layer (and `go version -m DIR/out` reads it for the SBOM). Those reads were counted as ko's own: a
 * 40 MiB controller was `push-after-moderate-reads`, medium, on every `ko build`, and two platforms or two
 * images `bulk-read-then-push` (found by a red-team review of CI pipelines;
 * test/unit/correlate/ko-build-outputs.test.ts). The binary is the build's product: its sources counted when
 * the compiler read them, the module cache is the build's (./download-reads.ts). So a read of the very file a
 * `go build` child of a ko push wrote with `-o` is not counted when ko or a child of ko reads it; any other
 * process reading it, ko reading anything else, and a `go` run from a scratch or hidden directory still count.
 */
import { basename, tokenize } from '../rules/argv.js';
import { isUnexpectedLocation } from '../rules/locations.js';
import { absoluteTarget, workingDirectory } from './copy-paths.js';
import { procExemptionsOf } from './exemption-state.js';
import type { ProcState } from './proc-state.js';
import { noteReleaseBuild } from './release-outputs.js';

/**
 * Outputs kept per ko process: `ko resolve` of a release builds one per image and platform (tens). Past it a
 * further output is not kept, and its reads count as any read (an alert too many, never one missed).
 */
const MAX_OUTPUTS_PER_BUILDER = 256;

export function builderOf(proc: ProcState): ProcState | null {
  if (proc.push?.tool === 'ko') return proc;
  const parent = proc.parent;
  return parent !== null && parent.push?.tool === 'ko' ? parent : null;
}

/** `-o FILE` or `-o=FILE` of `go build` (`go build` takes no other flag beginning with `-o`). */
export function goBuildOutput(args: string | null, cwd: string | null): string | null {
  const words = tokenize(args);
  if (words[0] !== 'build') return null;
  let output: string | null = null;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-o' || w === '--o') output = words[++i] ?? null;
    else if (w.startsWith('-o=') || w.startsWith('--o=')) output = w.slice(w.indexOf('=') + 1);
  }
  return absoluteTarget(output, workingDirectory(cwd));
}

/**
 * The only outputs ko names: `out` (`out.exe` for Windows) in `os.MkdirTemp("", "ko")` (`ko` and digits) or in
 * `$KOCACHE/bin/IMPORTPATH/OS/ARCH/`. Any other name is no ko's (found by red-team review: a binary named `ko`
 * run with `build` had its `go build -o /srv/exports/db.dump ./nope` fail before writing, and read the dump as
 * the build's product).
 */
const KO_OUTPUT = /(?:\/ko\d+|\/bin\/.+)\/out(?:\.exe)?$/;

/** On a new process: a `go build -o FILE` that ko runs makes FILE ko's own output (goreleaser's: ./release-outputs.ts). */
export function noteBuildOutput(proc: ProcState, args: string | null, cwd: string | null): void {
  noteReleaseBuild(proc, args, cwd);
  const parent = proc.parent;
  if (parent === null || parent.rare === null || parent.push?.tool !== 'ko') return;
  if (basename(proc.binary) !== 'go' || isUnexpectedLocation(proc.binary)) return;
  const output = goBuildOutput(args, cwd);
  if (output === null || !KO_OUTPUT.test(output)) return;
  // Kept in ko's exemption state (ProcExemptions `koOutputs`).
  const exempt = procExemptionsOf(parent);
  let files = exempt.koOutputs;
  if (files === null) {
    files = new Set();
    exempt.koOutputs = files;
  }
  if (files.size < MAX_OUTPUTS_PER_BUILDER) files.add(output);
}

/** Whether ko (or a child of it) is reading a binary ko's own `go build` wrote. */
export function ownBuildOutput(proc: ProcState, path: string): boolean {
  const builder = builderOf(proc);
  return builder !== null && builder.rare?.exempt?.koOutputs?.has(path) === true;
}
