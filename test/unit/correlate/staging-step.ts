/**
 * The setup the CI/CD exemptions' staging tests share: a process stages data into what an exemption trusts
 * (`node_modules/`, `dist/`, a builder's storage, a package cache), reads its source, and exits a window and more
 * before the tool that reads the staged data starts. Its own reads are then out of the later push's window: only
 * the tool's reads of what it staged can make the push bulk (../../../src/correlate/staging-marks.ts).
 */
import type { Ctr, Proc, Scenario } from './builder.js';

/** Past the 30-minute read window. */
export const WINDOW_AND_MORE_MS = 31 * 60_000;

/** `binary args` run by `parent` in `cwd`, reading what `reads` says, exited; then a window and more passes. */
export function stageWindowBefore(
  s: Scenario,
  c: Ctr,
  binary: string,
  args: string,
  o: { parent: Proc; cwd?: string; reads?: (stager: Proc) => void },
): Proc {
  const stager = s.exec(c, binary, args, { parent: o.parent, cwd: o.cwd });
  o.reads?.(stager);
  s.exit(stager).wait(WINDOW_AND_MORE_MS);
  return stager;
}
