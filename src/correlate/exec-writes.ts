/**
 * Where one exec puts files, and by what means: the one answer the three staging guards ask of an exec — package
 * caches (./download-reads.ts), a build's own `dist/` and `node_modules/` (./own-products.ts) and
 * buildah's and podman's storage (./container-storage.ts). Each guard read the command line on its own before
 * (relinks, cache writes, named outputs, staging otherwise: the line split and a shell's script looked up again per
 * guard and per reader); now the line is read once (./exec-line.ts) and each means is worked out on the first
 * guard's question and kept for the others. The guards keep their own decisions: which means they trust to say
 * something was staged, and which directories they protect. Made for a command line whose answers are not kept yet
 * (./staging-guards.ts ExecStagings) and dropped once they are read.
 */
import type { ProcessRef } from '../model/normalized-event.js';
import { writtenInto } from './cache-writes.js';
import type { Relink } from './copy-paths.js';
import { type ExecLine, execLineOf } from './exec-line.js';
import { namedOutputs } from './product-writers.js';
import { relinkOf } from './relinks.js';
import { EVERY_SCRIPT, type ShellScriptReader } from './shell-copies.js';
import { type OtherWrites, writtenOtherwise } from './storage-writers.js';

export class ExecWrites {
  readonly line: ExecLine;
  private copiedMemo: Relink | null = null;
  private writtenMemo: readonly string[] | null = null;
  private namedMemo: readonly string[] | null = null;
  private otherwiseMemo: OtherWrites | null = null;

  constructor(
    readonly process: ProcessRef,
    scripts: ShellScriptReader = EVERY_SCRIPT,
  ) {
    this.line = execLineOf(process, scripts);
  }

  /**
   * Moved, linked or copied (`mv`, `ln`, `cp`, `install`, `rsync`, `tar c`, `dd if= of=`, `zip`, `7z a`, a script's
   * redirections of files): sources and where they land (./relinks.ts). The engine reads its sources too.
   */
  get copied(): Relink {
    this.copiedMemo ??= relinkOf(this.line);
    return this.copiedMemo;
  }

  /**
   * Written by redirection or extraction (./cache-writes.ts): a shell's script's writes (`> FILE`, `tee`, `dd of=`,
   * `openssl -out`, sed's `w`), `dd of=FILE`, `tar x`'s directory, `unzip -d DIR`. Absolute.
   */
  get written(): readonly string[] {
    this.writtenMemo ??= writtenInto(this.line);
    return this.writtenMemo;
  }

  /** Named by a writing program as its output (./product-writers.ts: `sort -o`, `git clone SRC DIR`). Absolute. */
  get named(): readonly string[] {
    this.namedMemo ??= namedOutputs(this.line);
    return this.namedMemo;
  }

  /**
   * Staged otherwise (./storage-writers.ts): `ln`'s and `cpio`'s operands, the directory `cpio -i` or a script's
   * command runs in, and interpreters' inline code (its words, for a guard to look for names in).
   */
  get otherwise(): OtherWrites {
    this.otherwiseMemo ??= writtenOtherwise(this.line);
    return this.otherwiseMemo;
  }
}
