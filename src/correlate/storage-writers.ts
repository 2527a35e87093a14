/**
 * Staging into buildah's and podman's storage that ./relinks.ts and ./cache-writes.ts do not read as a copy: a
 * link to the storage made elsewhere (`ln -s STORAGE/vfs/dir/ID /tmp/s`, then `cp -r /srv/exports /tmp/s/` writes
 * there under another name), `cpio -p DIR` and `cpio -i` run in it, an interpreter's inline code naming it
 * (`python3 -c "shutil.copytree('/srv/exports', 'STORAGE/…')"`), and a shell's commands run in it (`cd STORAGE/…
 * && tar xf loot.tar`). Each, a window before `buildah push`, left the push `bulk-push-without-reads` where it
 * should have counted the storage (found by a red-team review of the exemption:
 * test/unit/correlate/buildah-storage-evasion.test.ts). Read by ./container-storage.ts.
 */
import { basename } from '../rules/argv.js';
import { absoluteTarget } from './copy-paths.js';
import type { ExecLine } from './exec-line.js';
import { namedTargets } from './product-writers.js';
import { INTERPRETER } from './shell-stagings.js';

const INLINE_FLAG = /^-(?:[a-zA-Z]*[ceE]|-eval|-print)$/;

/**
 * Where an exec may stage in the module's ways: `paths` (as given to a guard: `ln`'s and `cpio`'s operands made
 * absolute, the directory `cpio -i` or a script's command runs in), and `inlineCode`, the words of each interpreter
 * running inline code, whose text a guard reads for the names of what it protects.
 */
export interface OtherWrites {
  paths: readonly string[];
  inlineCode: readonly string[];
}

const NO_OTHER_WRITES: OtherWrites = { paths: [], inlineCode: [] };

/**
 * What the exec stages otherwise. A shell's script is read through its line (the engine's gate: within the node's
 * parse budget, parsed once per exec for every reader); only its commands ./shell-stagings.ts kept are looked at.
 */
export function writtenOtherwise(line: ExecLine): OtherWrites {
  const tool = line.tool;
  if (!line.shell) {
    if (tool !== 'ln' && tool !== 'cpio' && !INTERPRETER.test(tool)) return NO_OTHER_WRITES;
    const out: Found = { paths: [], inlineCode: [] };
    stages(tool, line.words, line.base, out);
    return out;
  }
  // The commands of the script that may stage (./shell-stagings.ts); most scripts have none and are not parsed.
  const { stagings } = line.scriptWrites();
  if (stagings === undefined) return NO_OTHER_WRITES;
  const base = line.base;
  const out: Found = { paths: [], inlineCode: [] };
  for (const cmd of stagings) {
    const cwd = cmd.cwd ?? base;
    // Run in a directory: whatever it extracts or writes by name lands there.
    if (cwd !== null && cwd !== base) out.paths.push(cwd);
    stages(basename(cmd.words[0] ?? ''), cmd.words.slice(1), cwd, out);
  }
  return out;
}

/** OtherWrites being filled. */
interface Found {
  paths: string[];
  inlineCode: string[];
}

function stages(tool: string, words: readonly string[], cwd: string | null, { paths, inlineCode }: Found): void {
  const land = (w: string) => {
    const path = absoluteTarget(w, cwd);
    if (path !== null) paths.push(path);
  };
  if (tool === 'ln') for (const w of words) if (!w.startsWith('-')) land(w);
  if (tool === 'cpio') {
    // Any directory it names (`-p DIR`), and `-D DIR` read as for a cpio exec'd on its own (./product-writers.ts).
    for (const w of words) if (!w.startsWith('-')) land(w);
    for (const w of namedTargets('cpio', words)) land(w);
    // `cpio -i` (`--extract`) extracts into its working directory.
    if (cwd !== null && words.some((w) => w === '--extract' || /^-[a-zA-Z]*i/.test(w))) paths.push(cwd);
  }
  if (INTERPRETER.test(tool) && words.some((w) => INLINE_FLAG.test(w))) inlineCode.push(...words);
}
