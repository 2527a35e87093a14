/**
 * Copies other tools make, read from their command lines as ./relinks.ts reads `cp`'s (./pod-copies.ts): `dd
 * if=SRC of=DEST`, and an archive file `zip` or `7z` creates or updates with a secret in it (`zip -r
 * /workspace/source/sa.zip /var/run/secrets/…`, `7z a /workspace/k.7z ~/.kube`), which holds a copy of it as an
 * archive `tar` writes does (./tar-copies.ts). A list of names read from a file or stdin (`zip -@`, `7z a X
 * @list`) is not seen.
 */
import { absoluteSource, absoluteTarget, NO_RELINK, type Relink } from './copy-paths.js';

/** Every source went into the one file `target` (a copy, or an archive holding them all). */
function intoOneFile(sources: string[], target: string | null): Relink {
  if (sources.length === 0) return NO_RELINK;
  return {
    sources,
    target,
    intoDirectory: false,
    filesOnly: true,
    into: target === null ? [] : sources.map(() => target),
  };
}

/** `dd if=SRC of=DEST`: both operands named (stdin or stdout is a pipe or a shell's redirect: ./shell-copies.ts). */
export function ddCopy(words: readonly string[], base: string | null): Relink {
  const input = ddOperand(words, 'if');
  const output = ddOperand(words, 'of');
  if (input === null || output === null) return NO_RELINK;
  return intoOneFile([absoluteSource(input, base)], absoluteTarget(output, base));
}

/** `dd`'s `KEY=VALUE` operand (the last one counts, as dd reads them), or null. */
export function ddOperand(words: readonly string[], key: 'if' | 'of'): string | null {
  let value: string | null = null;
  for (const w of words) if (w.startsWith(`${key}=`) && w.length > key.length + 1) value = w.slice(key.length + 1);
  return value;
}

/** zip's options that take the next word (`-P PASS`, `-b DIR`, `-n .gz:.png`, `-O OUT`). */
const ZIP_VALUED = new Set([
  '-P',
  '--password',
  '-b',
  '--temp-path',
  '-n',
  '--suffixes',
  '-t',
  '-tt',
  '-O',
  '--output-file',
  '-Z',
  '--compression-method',
  '-s',
  '--split-size',
  '-sb',
  '-sp',
  '-sv',
  '-ll',
  '-lf',
  '--logfile-path',
  '-la',
]);
/** zip's `-x` and `-i` take every following word as a pattern, until another option. */
const ZIP_PATTERN_LISTS = new Set(['-x', '--exclude', '-i', '--include']);

/** `zip [options] ARCHIVE NAME…`; an archive without `.` in its name gets `.zip`, as zip names it. */
export function zipCopy(words: readonly string[], base: string | null): Relink {
  const { archive, names } = readZip(words);
  if (archive === null || archive === '-') return NO_RELINK;
  const file = /\.[^/]*$/.test(archive) ? archive : `${archive}.zip`;
  return intoOneFile(
    names.map((n) => absoluteSource(n, base)),
    absoluteTarget(file, base),
  );
}

/** zip's archive (`-`: stdout) and the names it adds. */
export function readZip(words: readonly string[]): { archive: string | null; names: string[] } {
  const positionals: string[] = [];
  let patterns = false;
  let outFile: string | null = null;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('-') && w.length > 1) {
      patterns = ZIP_PATTERN_LISTS.has(w);
      if (ZIP_VALUED.has(w)) {
        if (w === '-O' || w === '--output-file') outFile = words[i + 1] ?? null;
        i++;
      }
    } else if (!patterns || positionals.length === 0) positionals.push(w);
  }
  const archive = positionals[0] ?? null;
  // `--out` writes the updated archive elsewhere: that file holds the names.
  return { archive: outFile ?? archive, names: positionals.slice(1) };
}

const SEVEN_ZIP_EXTENSIONS: ReadonlyMap<string, string> = new Map([
  ['gzip', 'gz'],
  ['bzip2', 'bz2'],
]);

/**
 * `7z a|u [switches] ARCHIVE NAME…` (also `7za`, `7zr`, `7zz`): switches are single words (`-pPASS`, `-tzip`);
 * an archive without `.` in its name gets its type's extension (`.7z`; `-tzip`: `.zip`). `@listfile` names are in
 * a file, not seen.
 */
export function sevenZipCopy(words: readonly string[], base: string | null): Relink {
  const positionals = words.filter((w) => !(w.startsWith('-') && w.length > 1) && !w.startsWith('@'));
  const [command, archive, ...names] = positionals;
  if ((command !== 'a' && command !== 'u') || archive === undefined || archive === '-') return NO_RELINK;
  // `-si` reads the data from stdin, `-so` writes the archive to stdout: no named file on that side.
  if (words.some((w) => w === '-so' || w.startsWith('-si'))) return NO_RELINK;
  const type =
    words
      .findLast((w) => w.startsWith('-t'))
      ?.slice(2)
      .toLowerCase() || '7z';
  const file = /\.[^/]*$/.test(archive) ? archive : `${archive}.${SEVEN_ZIP_EXTENSIONS.get(type) ?? type}`;
  return intoOneFile(
    names.map((n) => absoluteSource(n, base)),
    absoluteTarget(file, base),
  );
}
