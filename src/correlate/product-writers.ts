/**
 * Programs that write a file or directory they name on their command line, copying local data there, that are no
 * copy ./relinks.ts knows nor a write ./cache-writes.ts reads: `sort -o`, `openssl … -out`, `gpg -o`, `zstd -o`,
 * `split FILE PREFIX`, `cpio -p DIR`, `7z x -oDIR`, `curl file:///… -o`, and `git clone`/`git worktree add` (a
 * local repository's objects are the clone's own reads, ./download-reads.ts). Run from a CI step's script file each
 * is an exec of its own with its target in argv, where a shell's redirection is not seen; into `node_modules/` or
 * `dist/` each made the data node or goreleaser read later uncounted (found by a red-team review of those
 * exemptions; test/unit/correlate/product-staging-writers.test.ts). ./own-products.ts takes them for staging.
 */
import { absoluteTarget } from './copy-paths.js';
import type { ExecLine } from './exec-line.js';

/** Options whose value is the file written, by program (`-o FILE`, `-oFILE`, `--output=FILE`). */
const OUTPUT_OPTIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['sort', ['-o', '--output']],
  ['openssl', ['-out']],
  ['gpg', ['-o', '--output']],
  ['gpg2', ['-o', '--output']],
  ['zstd', ['-o']],
  ['curl', ['-o', '--output', '--output-dir']],
  ['cpio', ['-D', '--directory']],
]);
const SEVEN_ZIPS = new Set(['7z', '7za', '7zr', '7zz']);
const NONE: readonly string[] = [];

/** The values of `options` in `words` (separate, `=`-joined, attached to a short one, or after its bundle). */
function optionValues(words: readonly string[], options: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    for (const o of options) {
      if (w === o) out.push(words[i + 1] ?? '');
      else if (w.startsWith(`${o}=`)) out.push(w.slice(o.length + 1));
      else if (o.length !== 2 || w.length <= 2 || w.startsWith('--')) continue;
      else if (w.startsWith(o)) out.push(w.slice(2));
      // Bundled after other letters, taking the next word (`curl -so FILE`, `sort -uo FILE`).
      else if (/^-[A-Za-z]+$/.test(w) && w.endsWith(o[1]!)) out.push(words[i + 1] ?? '');
    }
  }
  return out;
}

function positionals(words: readonly string[]): string[] {
  return words.filter((w) => !w.startsWith('-'));
}

/** What the program names as written (relative to its own working directory), before resolving. */
export function namedTargets(tool: string, words: readonly string[]): string[] {
  if (tool === 'curl') {
    // Only a local file copied (`file:`); a download writes what the server sent, no data of the machine's.
    return words.some((w) => /^file:/i.test(w)) ? optionValues(words, OUTPUT_OPTIONS.get('curl')!) : [];
  }
  const options = OUTPUT_OPTIONS.get(tool);
  const found = options === undefined ? [] : optionValues(words, options);
  const rest = positionals(words);
  if (tool === 'cpio' && words.some((w) => w === '-p' || /^-[a-oq-zA-Z]*p/.test(w)) && rest.length > 0)
    found.push(rest[rest.length - 1]!);
  if (tool === 'split' && rest.length >= 2) found.push(rest[rest.length - 1]!);
  if (SEVEN_ZIPS.has(tool) && (rest[0] === 'x' || rest[0] === 'e'))
    for (const w of words) if (w.startsWith('-o') && w.length > 2) found.push(w.slice(2));
  if (tool === 'git') {
    const clone = rest.indexOf('clone');
    // `git clone SRC DIR`, or into the working directory (`git clone SRC`: `./NAME`).
    if (clone >= 0 && rest.length - clone >= 2) found.push(rest.length - clone >= 3 ? rest[rest.length - 1]! : '.');
    const worktree = rest.indexOf('worktree');
    if (worktree >= 0 && rest[worktree + 1] === 'add' && rest[worktree + 2] !== undefined)
      found.push(rest[worktree + 2]!);
  }
  return found.filter((t) => t !== '');
}

/** The absolute paths an exec's program writes by name (none for any program not above). */
export function namedOutputs(line: ExecLine): readonly string[] {
  const tool = line.tool;
  if (!OUTPUT_OPTIONS.has(tool) && tool !== 'split' && tool !== 'git' && !SEVEN_ZIPS.has(tool)) return NONE;
  const out: string[] = [];
  for (const t of namedTargets(tool, line.words)) {
    const path = absoluteTarget(t, line.base);
    if (path !== null) out.push(path);
  }
  return out;
}
