/**
 * One parse of a shell's inline script for both of its questions: what it writes, and from what (./shell-writes.ts,
 * asked when it may copy: ./shell-prefilter.ts), and which of its commands may stage a directory otherwise
 * (./storage-writers.ts: `ln` to it, `cpio` into it, an interpreter's inline code, a command run in another
 * directory; asked when it names `containers`, `cpio` or `ln`). The storage reader parsed such scripts itself
 * before, outside the node's parse budget and memo (./shell-script-gate.ts), once more per exec for
 * ./own-products.ts: a workload exec'ing long scripts naming `ln` in a loop spent the correlator's CPU unbounded
 * (found by a review of the session's change).
 */
import { basename } from '../rules/argv.js';
import { mayCopy } from './shell-prefilter.js';
import { shellCommands } from './shell-script.js';
import { NO_WRITES, type ScriptWrites, scriptWrites } from './shell-writes.js';

/** Interpreters running inline code (`-c`, `-e`): one naming a staged directory writes there as far as we can tell. */
export const INTERPRETER =
  /^(?:python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|deno|bun|php[0-9.]*|lua[0-9.]*)$/;
/** Most scripts never name a storage, a link or cpio: their commands are not kept for the staging reader. */
const MAY_STAGE = /containers|cpio|\bln\b/;

/** What a script may be asked (bits): nothing (0) for most, which are not parsed. */
export const MAY_WRITE = 1;
export const MAY_STAGE_OTHERWISE = 2;

/** Which of the script's questions need a parse. */
export function questionsOf(script: string, params: readonly string[]): number {
  const stage = MAY_STAGE.test(script) || params.some((p) => MAY_STAGE.test(p));
  return (mayCopy(script, params) ? MAY_WRITE : 0) | (stage ? MAY_STAGE_OTHERWISE : 0);
}

/** The script parsed once (the caller has charged it), answering `questions` (questionsOf, not 0). */
export function parsedScript(
  script: string,
  params: readonly string[],
  base: string | null,
  questions: number,
): ScriptWrites {
  const commands = shellCommands(script, base, params);
  const writes = (questions & MAY_WRITE) !== 0 ? scriptWrites(commands) : NO_WRITES;
  if ((questions & MAY_STAGE_OTHERWISE) === 0) return writes;
  const stagings = commands.filter((cmd) => {
    const cwd = cmd.cwd ?? base;
    if (cwd !== null && cwd !== base) return true;
    const tool = basename(cmd.words[0] ?? '');
    return tool === 'ln' || tool === 'cpio' || INTERPRETER.test(tool);
  });
  return stagings.length === 0 ? writes : { writes: writes.writes, stagings };
}
