/**
 * Programs that take a script or pattern and then files, whose lines go to their stdout: `sed`, `awk`, `grep`,
 * `cut`, `jq` (found by red-team: they were taken to filter only their stdin, so `sed '' token > /workspace/t` or
 * `grep . token > /workspace/t` copied nothing), with the files their scripts read or write themselves: sed's
 * `w FILE`/`r FILE`, awk's `print > "FILE"` and `getline < "FILE"`, jq's `--rawfile NAME FILE`.
 */

/** What a filter reads: its file arguments (none: its stdin), the files its script reads, and those it writes. */
export interface FilterFiles {
  inputs: string[];
  reads: string[];
  writes: string[];
}

/** Each filter's options that take the next word as a value; `script` the ones whose value is its script. */
const FILTER_OPTIONS: ReadonlyMap<string, { valued: ReadonlySet<string>; script: ReadonlySet<string> }> = new Map([
  ['sed', { valued: new Set(['-e', '-f', '-l', '--expression', '--file']), script: new Set(['-e', '--expression']) }],
  ['awk', { valued: new Set(['-f', '-v', '-F', '-i', '-l', '-E', '--file', '--assign']), script: new Set<string>() }],
  [
    'grep',
    {
      valued: new Set(['-e', '-f', '-m', '-A', '-B', '-C', '-d', '-D', '--regexp', '--file', '--max-count']),
      script: new Set(['-e', '--regexp']),
    },
  ],
  ['cut', { valued: new Set(['-b', '-c', '-f', '-d']), script: new Set<string>() }],
  ['jq', { valued: new Set(['-f', '--from-file', '--indent', '-L']), script: new Set<string>() }],
]);
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['gawk', 'awk'],
  ['mawk', 'awk'],
  ['nawk', 'awk'],
  ['busybox-awk', 'awk'],
  ['egrep', 'grep'],
  ['fgrep', 'grep'],
  ['gsed', 'sed'],
]);
/** jq's options taking two words (`--arg NAME VALUE`); `--rawfile`/`--slurpfile` read the second. */
const JQ_PAIRS = new Set(['--arg', '--argjson', '--rawfile', '--slurpfile']);
/** sed's `w FILE`, `W FILE`, `s/…/…/w FILE`, `r FILE`, `R FILE`: the name runs to the end of the line. */
const SED_FILES = /(?:^|[^A-Za-z_])([wWrR])[ \t]*([^\s;}][^\n]*)/g;
/** awk's `print … > "FILE"`, `>> "FILE"`, and `getline < "FILE"`. */
const AWK_WRITES = />>?\s*"([^"]+)"/g;
const AWK_READS = /getline[^<"]*<\s*"([^"]+)"/g;

/** The filter `name` is one of these (by its own name or an alias). */
export function filterName(name: string): string | null {
  return FILTER_OPTIONS.has(name) ? name : (ALIASES.get(name) ?? null);
}

/** What the filter `name` (filterName's) given `args` reads and writes. */
export function filterFiles(name: string, args: readonly string[]): FilterFiles {
  const { valued, script: scriptOptions } = FILTER_OPTIONS.get(name)!;
  const out: FilterFiles = { inputs: [], reads: [], writes: [] };
  const scripts: string[] = [];
  let scriptGiven = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (w === '--') {
      out.inputs.push(...args.slice(i + 1));
      break;
    }
    if (name === 'jq' && JQ_PAIRS.has(w)) {
      if (w === '--rawfile' || w === '--slurpfile') out.reads.push(args[i + 2] ?? '');
      i += 2;
    } else if (valued.has(w)) {
      if (scriptOptions.has(w) || (w === '-f' && name !== 'cut')) scriptGiven = true;
      if (scriptOptions.has(w)) scripts.push(args[i + 1] ?? '');
      i++;
    } else if (w.startsWith('--') && w.includes('=')) {
      const option = w.slice(0, w.indexOf('='));
      if (scriptOptions.has(option)) scripts.push(w.slice(option.length + 1));
      if (scriptOptions.has(option) || option === '--file' || option === '--from-file') scriptGiven = true;
    } else if (w.startsWith('-') && w.length > 1) {
      // `-v x=1` in one word and the like: nothing to read.
    } else if (!scriptGiven && name !== 'cut') {
      scripts.push(w);
      scriptGiven = true;
    } else if (!(name === 'awk' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w))) out.inputs.push(w);
  }
  for (const s of scripts) {
    if (name === 'sed') {
      for (const m of s.matchAll(SED_FILES)) (/[wW]/.test(m[1]!) ? out.writes : out.reads).push(m[2]!.trim());
    } else if (name === 'awk') {
      for (const m of s.matchAll(AWK_WRITES)) out.writes.push(m[1]!);
      for (const m of s.matchAll(AWK_READS)) out.reads.push(m[1]!);
    }
  }
  return out;
}
