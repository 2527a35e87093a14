/**
 * The groupings of an argv's words (joined by Falco with single spaces, ./joined-argv.ts) into its known count
 * of arguments, searched instead of listed: there are C(words−1, words−arguments) of them, past any cap once two
 * arguments hold spaces (`helm --kube-context "prod dependency" --kube-as-group "<40 words>" push …`: C(46, 41)).
 *
 * What decides a push is where a push's first word (`push`, `-d`) falls: it must start an argument that the
 * tool's option parser (./argv.ts parseArgv) reads where a sub-command or a flag may stand, not inside an
 * option's value nor after `--`. A dynamic programme over the words tracks that parser's state between
 * arguments, and for each state the set of join counts (words glued into the argument before them) that reach it,
 * as a bitset: words × states × (min(arguments, joins) / 32) steps, instead of one recognition per grouping. From
 * a word where the wanted state is reachable, two groupings are rebuilt, the words after it split as far as the
 * count allows.
 */
import { type FlagSyntax, parseArgv } from './argv.js';

/** Parser states between arguments. */
const NORMAL = 0; // a positional here is a sub-command tool's sub-command
const SKIP = 1; // after a flag not known to take a value: a positional here may be its value (commandEnd skips it)
const VALUE = 2; // the previous flag takes this argument as its value
const ENDED = 3; // after `--`: everything is a positional
const BOUNDARY_STATES = 4;
/** An argument of several words still open: OPEN + the state it leaves when it closes (never VALUE). */
const OPEN = 4;
const STATES = 8;
const DEAD = -1;

type ArgumentClass = 'positional' | 'end' | 'flag' | 'flag-skip' | 'flag-value';

export interface GroupingSearch {
  words: readonly string[];
  /** The argument count the sensor reported (ProcessView.argvCount). */
  count: number;
  syntax: FlagSyntax;
  /**
   * A sub-command tool: a positional that no flag may own ends the search (nothing after it is the
   * sub-command); after `--` a push word is still its sub-command. An uploader (curl) takes positionals anywhere,
   * and its flags after `--` are none.
   */
  subcommand: boolean;
  /** Words that may start a push: each one tried must stand alone, where the parser reads a new argument. */
  isPushStart: (word: string) => boolean;
}

/** One grouping the search rebuilt: the arguments before the push word, the word, and the words after it. */
export interface PushGrouping {
  before: string[];
  at: number;
  /** Words after the push word and how many arguments they make (their own groupings are few: joins left). */
  after: string[];
  afterCount: number;
}

const SENTINEL = '\u0000next';

/** How the tool's parser takes one argument (exactly, by parsing it before a stand-in next argument). */
function classOf(arg: string, syntax: FlagSyntax): ArgumentClass {
  if (arg === '--' || (arg === '--end-of-options' && syntax.gitLongOptions !== undefined)) return 'end';
  const parsed = parseArgv([arg, SENTINEL], syntax);
  if (parsed.positionals[0] === arg) return 'positional';
  if (!parsed.positionals.includes(SENTINEL)) return 'flag-value';
  return parsed.afterFlag.has(0) ? 'flag-skip' : 'flag';
}

/**
 * How the parser takes an argument starting with flag-shaped word `w` and holding a space. A long flag without
 * `=` holds the space in its name (`--title fix the release`): git's parse-options, pflag, clap and getopt exit
 * on that name, and argparse takes the word for a positional, so no later word is its value. parseArgv takes it
 * for a flag the table lacks, whose next positional it may own, which would let each spaced text of a CI command
 * line own the next (`gh --repo acme/app pr edit 12 --title "fix the release" --body "run release upload v1
 * a.tgz"` grouped as `--repo acme/app pr` owning `edit 12` and `--title fix` owning `the release`, leaving
 * `release upload` gh's sub-command). npm's nopt takes `--x y` for an option named `x y`, and the next
 * word for its value: there it stays a flag (`npm "--dry-run y" publish` publishes, where `--dry-run` owning
 * `y` is a dry run). A short flag's space may be in a value it takes attached (`-n prod`), which the table may
 * not know.
 */
function spacedClassOf(w: string, syntax: FlagSyntax): ArgumentClass {
  const cls = classOf(`${w} x`, syntax);
  return cls === 'flag-skip' && w.startsWith('--') && syntax.boolWords !== true ? 'positional' : cls;
}

/**
 * The state after an argument of class `cls` read in `state` (parseArgv's rules; commandEnd's for a positional:
 * only one a valueless flag may own is skipped before the sub-command).
 */
function step(state: number, cls: ArgumentClass, subcommand: boolean): number {
  if (state === VALUE) return NORMAL;
  if (state === ENDED) return subcommand ? DEAD : ENDED;
  switch (cls) {
    case 'positional':
      return state === SKIP || !subcommand ? NORMAL : DEAD;
    case 'end':
      return ENDED;
    case 'flag-skip':
      return SKIP;
    case 'flag':
      return NORMAL;
    case 'flag-value':
      return VALUE;
  }
}

/** Groupings that put a push word where the parser reads a new argument (order: below). */
export function* pushGroupings(search: GroupingSearch): Generator<PushGrouping> {
  const { words, count, syntax, subcommand } = search;
  const n = words.length;
  const joins = n - count;
  if (joins < 0 || count < 1) return;
  const starts: number[] = [];
  for (let i = 0; i < n; i++) if (search.isPushStart(words[i]!)) starts.push(i);
  if (starts.length === 0) return;
  const { has, extreme, moves } = reachability(search, starts[starts.length - 1]!);
  const pushStates = subcommand ? [NORMAL, SKIP, ENDED] : [NORMAL, SKIP];
  // Where a push word may stand: a sub-command after `--` too, an uploader's flag not.
  const pushState = (k: number, j: number): number => {
    if (has(k, NORMAL, j)) return NORMAL;
    if (has(k, SKIP, j)) return SKIP;
    return subcommand && has(k, ENDED, j) ? ENDED : DEAD;
  };
  // Two groupings per push word and join count: the one ending in spaced arguments where it can, and the one
  // ending in single words. The recogniser weighs which flag an argument is, which the parser states do not:
  // `npm "--dry-run y" z publish` (nopt: an option named `dry-run y`, then publish) also groups as `--dry-run`
  // owning `y z`, a dry run: rebuilding only that one would miss the push.
  function* rebuilt(k: number, j: number): Generator<PushGrouping> {
    const spacedLast = rebuild(k, pushState(k, j), j, words, has, moves, false);
    const singleLast = rebuild(k, pushState(k, j), j, words, has, moves, true);
    const grouping = (before: string[]) => ({
      before,
      at: k,
      after: words.slice(k + 1),
      afterCount: count - before.length - 1,
    });
    yield grouping(spacedLast);
    if (singleLast.some((arg, i) => arg !== spacedLast[i])) yield grouping(singleLast);
  }
  // First the push words after which every word stands alone (every join before them: a padded push's shape,
  // which planted push words in its padding cannot take), then, for each, the grouping with the most joins
  // before it and the one with the fewest (an uploader's URL before its `-d` stays apart). Rebuilt as read.
  // The words after a push word hold joins only in a flag or a flag's value (./joined-argv.ts: a spaced
  // positional there is the rest of a text): with no flag-shaped word after it, every join is before it.
  let flagAfter = n;
  const flagAfterAt: number[] = new Array(n);
  for (let i = n - 1; i >= 0; i--) {
    flagAfterAt[i] = flagAfter;
    if (words[i]![0] === '-' || (syntax.plusFlags === true && words[i]![0] === '+')) flagAfter = i;
  }
  const later: Array<[number, number]> = [];
  for (const k of starts) {
    const rest = n - k - 1;
    // The words after the push word make `count - before - 1` arguments: at least one word each, one at most
    // holding every join left (none left when the push word is the last).
    const fewest = rest === 0 || flagAfterAt[k]! === n ? joins : Math.max(0, joins - (rest - 1));
    const most = extreme(k, pushStates, fewest, joins, -1);
    if (most === joins) yield* rebuilt(k, most);
    else if (most >= 0) later.push([k, most]);
    const least = extreme(k, pushStates, fewest, joins, 1);
    if (least >= 0 && least !== most) later.push([k, least]);
  }
  for (const [k, j] of later) yield* rebuilt(k, j);
}

/**
 * A sub-command tool's words grouped so that every argument but the last is a flag, a flag's value or a
 * positional a flag may own: no sub-command among them (a padded push whose push word the sensor cut off:
 * ./cut-argv.ts). The last argument holds what the count leaves.
 */
export function flagsUpToLastArgument(search: GroupingSearch): boolean {
  const n = search.words.length;
  const joins = n - search.count;
  if (joins < 0 || search.count < 1) return false;
  const { has } = reachability(search, n - 1);
  for (let i = n - 1; i >= 0; i--)
    for (let x = 0; x < BOUNDARY_STATES; x++) if (has(i, x, joins - (n - 1 - i))) return true;
  return false;
}

/**
 * The dynamic programme over words[0..last]: `has(i, s, j)` when words[0..i) group, with j joins, into arguments
 * that leave the parser in state s before word i. Only the join counts that can still end in `count` arguments
 * are kept: before word i, at least i − count (no more arguments than the count) and at most i, so a row is
 * min(count, joins)/32 words from its own first word, not joins/32 from 0 (from 0, a cut 4 KiB `git a a …` of 2
 * arguments would allocate and clear 4 MiB per entry, ~7 ms, for rows of one live word).
 */
function reachability(
  search: GroupingSearch,
  last: number,
): {
  has: (i: number, s: number, j: number) => boolean;
  /**
   * The most (order −1) or fewest (order 1) joins in [lo, hi] reaching word i in any of `states`, or −1: a scan
   * of the bitsets 32 join counts at a time. Testing each count with `has` would make the push words × joins
   * loop quadratic (4 KiB of `curl -d -d …` in one argument: ~30–40 ms before any recognition).
   */
  extreme: (i: number, states: readonly number[], lo: number, hi: number, order: -1 | 1) => number;
  moves: Moves;
} {
  const { words, count, syntax, subcommand } = search;
  const joins = words.length - count;
  const lastWord = joins >>> 5;
  const rowWidth = Math.min(lastWord + 1, (Math.min(count, joins) >>> 5) + 2);
  /** The first 32-join word a row keeps, and its last. */
  const firstWord = (i: number) => Math.max(0, i - count) >>> 5;
  const endWord = (i: number) => Math.min(i, joins) >>> 5;
  // reach[(i * STATES + s) * rowWidth + b − firstWord(i)]: bits 32b… of the set for (i, s).
  const reach = new Uint32Array((last + 1) * STATES * rowWidth);
  const row = (i: number, s: number) => (i * STATES + s) * rowWidth - firstWord(i);
  reach[row(0, NORMAL)] = 1;
  const topMask = (joins + 1) % 32 === 0 ? 0xffffffff : (1 << ((joins + 1) % 32)) - 1;
  const or = (toI: number, toS: number, fromI: number, fromS: number, shift: 0 | 1) => {
    const to = row(toI, toS);
    const from = row(fromI, fromS);
    const toFirst = firstWord(toI);
    const toEnd = Math.min(lastWord, toFirst + rowWidth - 1);
    let carry = 0;
    for (let b = firstWord(fromI); b <= endWord(fromI); b++) {
      const v = reach[from + b]!;
      if (b >= toFirst) reach[to + b]! |= shift === 0 ? v : ((v << 1) | carry) >>> 0;
      carry = v >>> 31;
    }
    const next = endWord(fromI) + 1;
    if (shift === 1 && carry !== 0 && next >= toFirst && next <= toEnd) reach[to + next]! |= carry;
    if (toEnd === lastWord) reach[to + lastWord]! &= topMask;
  };
  const empty = (i: number, s: number) => {
    const from = row(i, s);
    for (let b = firstWord(i); b <= endWord(i); b++) if (reach[from + b] !== 0) return false;
    return true;
  };
  const moves = movesOf(words, syntax, subcommand, last);
  for (let i = 0; i <= last; i++) {
    for (let t = 0; t < BOUNDARY_STATES; t++) if (t !== VALUE) or(i, t, i, OPEN + t, 0);
    if (i === last) break;
    for (let x = 0; x < BOUNDARY_STATES; x++) {
      if (empty(i, x)) continue;
      const alone = moves.alone(x, i);
      if (alone !== DEAD) or(i + 1, alone, i, x, 0);
      const open = i + 2 <= last ? moves.opens(x, i) : DEAD;
      if (open !== DEAD) or(i + 2, open, i, x, 1);
    }
    for (let o = OPEN; o < STATES; o++) if (o !== OPEN + VALUE && !empty(i, o)) or(i + 1, moves.extend(o, i), i, o, 1);
  }
  const kept = (i: number, b: number) => b >= firstWord(i) && b < firstWord(i) + rowWidth && b <= lastWord;
  const has = (i: number, s: number, j: number) =>
    j >= 0 && j <= joins && kept(i, j >>> 5) && ((reach[row(i, s) + (j >>> 5)]! >>> (j & 31)) & 1) === 1;
  const extreme = (i: number, states: readonly number[], lo: number, hi: number, order: -1 | 1): number => {
    if (lo < 0 || lo > hi) return -1;
    for (let b = order < 0 ? hi >>> 5 : lo >>> 5; b >= lo >>> 5 && b <= hi >>> 5; b += order) {
      if (!kept(i, b)) continue;
      let bits = 0;
      for (const s of states) bits |= reach[row(i, s) + b]!;
      if (b === lo >>> 5) bits &= ~0 << (lo & 31);
      if (b === hi >>> 5 && (hi & 31) !== 31) bits &= (1 << ((hi & 31) + 1)) - 1;
      if (bits !== 0) return b * 32 + 31 - Math.clz32(order < 0 ? bits : bits & -bits);
    }
    return -1;
  };
  return { has, extreme, moves };
}

interface Moves {
  /** The state after word i read as a whole argument in state x. */
  alone(x: number, i: number): number;
  /** The open state after words i and i+1 start one argument in state x. */
  opens(x: number, i: number): number;
  /** The open state after word i joins the argument open in state o. */
  extend(o: number, i: number): number;
}

/**
 * The parser's moves over words[0..last). A spaced argument is classed by its first word and one more (`-c x`),
 * the real parse of a rebuilt reading deciding what it misses: a flag takes no value past its own spaces, and
 * one without a value (its next positional skippable) gets one from a later word holding `=` (or `:`).
 */
function movesOf(words: readonly string[], syntax: FlagSyntax, subcommand: boolean, last: number): Moves {
  const single: ArgumentClass[] = [];
  const spaced: ArgumentClass[] = [];
  // Most words are plain text, positionals whatever follows them: only flag-shaped words are parsed, once each.
  const flagShaped = (w: string) => w[0] === '-' || (syntax.plusFlags === true && w[0] === '+');
  const seen = new Map<string, [ArgumentClass, ArgumentClass]>();
  for (let i = 0; i < last; i++) {
    const w = words[i]!;
    if (!flagShaped(w)) {
      single.push('positional');
      spaced.push('positional');
      continue;
    }
    let classes = seen.get(w);
    if (classes === undefined) {
      classes = [classOf(w, syntax), spacedClassOf(w, syntax)];
      seen.set(w, classes);
    }
    single.push(classes[0]);
    spaced.push(classes[1]);
  }
  const givesValue = (i: number) => words[i]!.includes('=') || (syntax.colonValues === true && words[i]!.includes(':'));
  const extend = (o: number, i: number) => (o === OPEN + SKIP && givesValue(i) ? OPEN + NORMAL : o);
  return {
    alone: (x, i) => step(x, single[i]!, subcommand),
    opens(x, i) {
      const closes = step(x, spaced[i]!, subcommand);
      if (closes === DEAD) return DEAD;
      return extend(OPEN + (closes === VALUE ? NORMAL : closes), i + 1);
    },
    extend,
  };
}

/**
 * The arguments of one grouping of words[0..k) that reaches state `s` with `j` joins (walked back): at each
 * argument's end, the spaced argument ending there where there is one, or with `aloneFirst` the single word.
 */
function rebuild(
  k: number,
  s: number,
  j: number,
  words: readonly string[],
  has: (i: number, s: number, j: number) => boolean,
  moves: Moves,
  aloneFirst: boolean,
): string[] {
  const args: string[] = [];
  let i = k;
  let state = s;
  let left = j;
  let openEnd = 0;
  const from = (test: (x: number) => boolean, first: number, end: number): number => {
    for (let x = first; x < end; x++) if (test(x)) return x;
    return DEAD;
  };
  while (i > 0) {
    if (state < OPEN) {
      const to = state;
      const x = from((x) => has(i - 1, x, left) && moves.alone(x, i - 1) === to, 0, OPEN);
      if (state !== VALUE && (!aloneFirst || x === DEAD) && has(i, OPEN + state, left)) {
        state += OPEN;
        openEnd = i;
        continue;
      }
      if (x === DEAD) throw new Error('argv grouping: no way back (a bug in pushGroupings)');
      args.push(words[i - 1]!);
      state = x;
      i--;
      continue;
    }
    const o = state;
    const x = i >= 2 ? from((x) => has(i - 2, x, left - 1) && moves.opens(x, i - 2) === o, 0, OPEN) : DEAD;
    if (x !== DEAD) {
      args.push(words.slice(i - 2, openEnd).join(' '));
      state = x;
      i -= 2;
    } else {
      const p = from(
        (p) => p !== OPEN + VALUE && has(i - 1, p, left - 1) && moves.extend(p, i - 1) === o,
        OPEN,
        STATES,
      );
      if (p === DEAD) throw new Error('argv grouping: no way back (a bug in pushGroupings)');
      state = p;
      i--;
    }
    left--;
  }
  return args.reverse();
}
