/**
 * The staging guards an exec is shown to: buildah's and podman's storage (./container-storage.ts), a build's own
 * `dist/` and `node_modules/` (./own-products.ts) and the package caches (./download-reads.ts). Each reads the
 * exec's one answer (./exec-writes.ts) with its own question and says which marks (./staging-marks.ts) the exec
 * sets; the container keeps them for good.
 *
 * A node runs the same few command lines over and over (probes, health checks: the bench's stream has 35 distinct
 * ones in 13,352 execs), and the guards' answers depend on the command line, its working directory and whether
 * the parent is buildah or podman (./container-storage.ts ownOverlay) alone; so they are kept per command line.
 * Asked afresh per exec, they were ~11% of the correlator's CPU on that stream (docs/performance.md, "Correlator
 * growth since 3d1ad83"). Not kept: an answer that depended on the node's shell-script parse budget
 * (./shell-script-gate.ts: a script refused once is read when the budget is back), and command lines longer than
 * MAX_KEY_CHARS (rarely repeated). mvnw installing its distribution depends on its parent's command line, which
 * names the container, so that one question is asked per exec.
 */
import type { ProcessRef } from '../model/normalized-event.js';
import { type ExtractionAnswer, extractionAnswerOf } from './archive-extractions.js';
import { mavenWrapperInstall } from './cache-writes.js';
import { builderParent, noteStorageStaged, storageStagingBits } from './container-storage.js';
import type { Relink } from './copy-paths.js';
import { cacheWriteBits, stagesIntoPackageCache } from './download-reads.js';
import { ExecWrites } from './exec-writes.js';
import { productStagingBits } from './own-products.js';
import type { ShellScriptGate } from './shell-script-gate.js';
import { addStaged, STAGED_CACHE, STAGED_STORAGE } from './staging-marks.js';
import type { ContainerState } from './state.js';

/** What an exec stages, whatever the container it runs in. */
export interface ExecStaging {
  /** Marks it sets (./staging-marks.ts), but for its moves, links or copies into a package cache. */
  readonly marks: number;
  /** Its moves, links or copies land in a package cache: STAGED_CACHE unless it is mvnw's own install. */
  readonly relinksIntoCache: boolean;
  /** What it moves, links or copies (./relinks.ts): the engine reads its sources too. */
  readonly copied: Relink;
  /** What it says as a tar's extraction (./archive-extractions.ts), from the same reading of its line. */
  readonly extraction: ExtractionAnswer;
}

export function stagingOf(writes: ExecWrites): ExecStaging {
  return {
    marks: storageStagingBits(writes) | productStagingBits(writes) | cacheWriteBits(writes),
    relinksIntoCache: stagesIntoPackageCache(writes.copied),
    copied: writes.copied,
    extraction: extractionAnswerOf(writes.line, writes.process.binary, writes.process.cwd ?? null),
  };
}

/** Sets the marks `staging` says the exec of `p` sets in its container `c`. */
export function noteStagings(c: ContainerState, staging: ExecStaging, p: ProcessRef): void {
  let marks = staging.marks;
  const { sources, target } = staging.copied;
  if (staging.relinksIntoCache && !mavenWrapperInstall(sources, target, p.parentArgs ?? null)) marks |= STAGED_CACHE;
  const added = addStaged(c, marks);
  if (added === 0) return;
  if ((added & STAGED_STORAGE) !== 0) noteStorageStaged(c);
}

/** Longer command lines (JVMs, long inline scripts) are read every time: they are rarely repeated. */
const MAX_KEY_CHARS = 1024;
/** At most this many command lines (~1 MB at the longest keys); all are dropped when full (cheap, rare). */
const MAX_ANSWERS = 512;
const NULL_MARK = '\u0001';

function keyOf(p: ProcessRef): string | null {
  if ((p.binary?.length ?? 0) + (p.args?.length ?? 0) + (p.cwd?.length ?? 0) > MAX_KEY_CHARS) return null;
  const builder = builderParent(p) ? 1 : 0;
  return `${p.binary ?? NULL_MARK}\0${p.args ?? NULL_MARK}\0${p.cwd ?? NULL_MARK}\0${p.argvCount ?? NULL_MARK}\0${builder}`;
}

/** The staging answers of the command lines a correlator has seen (one per engine). */
export class ExecStagings {
  private readonly answers = new Map<string, ExecStaging>();

  get size(): number {
    return this.answers.size;
  }

  /** What the exec of `p` stages: kept, or read off its command line through `scripts` (the node's gate). */
  of(p: ProcessRef, scripts: ShellScriptGate): ExecStaging {
    const key = keyOf(p);
    const known = key === null ? undefined : this.answers.get(key);
    if (known !== undefined) return known;
    const staging = stagingOf(new ExecWrites(p, scripts));
    if (key !== null && !scripts.budgetAsked) {
      if (this.answers.size >= MAX_ANSWERS) this.answers.clear();
      this.answers.set(key, staging);
    }
    return staging;
  }
}
