/**
 * Staging into buildah's and podman's storage that ./relinks.ts and ./cache-writes.ts do not read as a copy: a
 * link to the storage made elsewhere (`ln -s STORAGE/vfs/dir/ID /tmp/s`, then `cp -r /srv/exports /tmp/s/` writes
 * there under another name), `cpio -p DIR` and `cpio -i` run in it, an interpreter's inline code naming it
 * (`python3 -c "shutil.copytree('/srv/exports', 'STORAGE/…')"`), and a shell's commands run in it (`cd STORAGE/…
 * && tar xf loot.tar`). Each, a window before `buildah push`, left the push `bulk-push-without-reads` where it
 * should have counted the storage (found by a red-team review of the exemption:
 * test/unit/correlate/buildah-storage-evasion.test.ts). Read by ./container-storage.ts.
 */
import type { ProcessRef } from '../model/normalized-event.js';
import { basename, tokenize } from '../rules/argv.js';
import { appletOf, MULTI_CALL } from '../rules/launchers.js';
import { absoluteTarget, workingDirectory } from './copy-paths.js';
import { namedTargets } from './product-writers.js';
import { EVERY_SCRIPT, SHELLS, type ShellScriptReader } from './shell-copies.js';
import { INTERPRETER } from './shell-stagings.js';

const INLINE_FLAG = /^-(?:[a-zA-Z]*[ceE]|-eval|-print)$/;
/** The storage's names as an interpreter's code spells them. */
const STORAGE_TEXT = /\/var\/lib\/containers|\/\.local\/share\/containers|containers-storage:/;

/**
 * Whether the exec stages into the storage in one of the module's ways; `into` says a path lands there. A shell's
 * script is read by `scripts` (the engine's: within the node's parse budget, parsed once per exec for every reader).
 */
export function writesIntoStorageOtherwise(
  p: ProcessRef,
  into: (path: string) => boolean,
  scripts: ShellScriptReader = EVERY_SCRIPT,
): boolean {
  const name = basename(p.binary);
  const program = MULTI_CALL.has(name)
    ? appletOf({ binary: p.binary, args: p.args })
    : { binary: p.binary, args: p.args };
  if (program === null) return false;
  const tool = basename(program.binary);
  const base = workingDirectory(p.cwd);
  if (SHELLS.has(tool)) {
    // The commands of the script that may stage (./shell-stagings.ts); most scripts have none and are not parsed.
    const { stagings } = scripts.writes(program.args, MULTI_CALL.has(name) ? undefined : p.argvCount, base);
    return (
      stagings !== undefined &&
      stagings.some((cmd) => {
        const cwd = cmd.cwd ?? base;
        // Run in the storage: whatever it extracts or writes by name lands there.
        if (cwd !== null && cwd !== base && into(cwd)) return true;
        return stages(basename(cmd.words[0] ?? ''), cmd.words.slice(1), cwd, into);
      })
    );
  }
  return stages(tool, tokenize(program.args), base, into);
}

function stages(tool: string, words: readonly string[], cwd: string | null, into: (path: string) => boolean): boolean {
  const lands = (w: string) => {
    const path = absoluteTarget(w, cwd);
    return path !== null && into(path);
  };
  if (tool === 'ln') return words.some((w) => !w.startsWith('-') && lands(w));
  if (tool === 'cpio') {
    // Any directory it names (`-p DIR`), and `-D DIR` read as for a cpio exec'd on its own (./product-writers.ts).
    if (words.some((w) => !w.startsWith('-') && lands(w)) || namedTargets('cpio', words).some(lands)) return true;
    // `cpio -i` (`--extract`) extracts into its working directory.
    const extracts = words.some((w) => w === '--extract' || /^-[a-zA-Z]*i/.test(w));
    return extracts && cwd !== null && into(cwd);
  }
  if (INTERPRETER.test(tool)) return words.some((w) => INLINE_FLAG.test(w)) && words.some((w) => STORAGE_TEXT.test(w));
  return false;
}
