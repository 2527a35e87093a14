/**
 * Command lines that write files into a package cache without naming what they copy: a shell whose script writes
 * any file there (`python3 pack.py > ~/.m2/repository/x.jar`, `… | tee FILE`, `dd of=`, `openssl -out`, `xxd - FILE`,
 * sed's `w FILE`: every write ./shell-writes.ts reads, the result the copy reader of the same exec reads), `tar`
 * extracting there (`-C DIR`, or run in it), `unzip -d DIR` and `dd of=FILE`. A publishing JVM's reads of the caches are
 * the build's (./download-reads.ts), so data written there more than a window before `mvn deploy` left with it
 * unseen where `mv`/`cp`/`ln` into the cache made them count (found by a red-team review of CI/CD exemptions;
 * test/unit/correlate/cicd-exemption-evasions.test.ts). Such a write marks the container as a move or copy does
 * (./staging-marks.ts STAGED_CACHE). A cache restored by an archive naming absolute paths (actions/cache: `tar
 * -xf … -P -C $GITHUB_WORKSPACE`) names no cache on its command line and stays no staging; a program writing files
 * itself (`open().write()`) is not seen (docs/detection.md).
 */
import { basename, tokenize } from '../rules/argv.js';
import { ddOperand } from './archive-copies.js';
import { absoluteTarget } from './copy-paths.js';
import type { ExecLine } from './exec-line.js';

const NONE: readonly string[] = [];

/**
 * The files and directories (absolute) an exec's command line writes into: every file its shell script writes (what
 * the copy reader of the same exec reads), `dd of=`'s file, the directory `tar` extracts into and `unzip -d`'s. The
 * staging guards ask whether one is a directory they trust (./exec-writes.ts).
 */
export function writtenInto(line: ExecLine): readonly string[] {
  const tool = line.tool;
  const tar = line.tar;
  if (!line.shell && tar === null && tool !== 'unzip' && tool !== 'dd') return NONE;
  const out: string[] = [];
  const add = (path: string | null | undefined, from: string | null) => {
    const target = path ? absoluteTarget(path, from) : null;
    if (target !== null) out.push(target);
  };
  const base = line.base;
  if (line.shell) for (const w of line.scriptWrites().writes) add(w.path, w.cwd);
  // `dd of=FILE` reading its stdin (with `if=` too it is a copy ./relinks.ts sees).
  else if (tool === 'dd') add(ddOperand(line.words, 'of'), base);
  else if (tar !== null) {
    if (tar.extracts) add(tar.dir, base);
  } else {
    const d = line.words.lastIndexOf('-d');
    add(d >= 0 ? line.words[d + 1] : '.', base);
  }
  return out;
}

/** `mktemp -d`'s directory (`tmp.` and 10 characters), the distribution's directory in it. */
const WRAPPER_DOWNLOAD = /\/tmp\.[A-Za-z0-9]{10}\/([^/]+)$/;
/** `$MAVEN_USER_HOME/wrapper/dists/NAME/HASH`, the hash in hex (mvnw's hash_string). */
const WRAPPER_HOME = /\/\.m2\/wrapper\/dists\/([^/]+)\/[0-9a-f]{1,8}$/;

/**
 * The Maven Wrapper's script (mvnw's default "only-script" type since 3.3.0) installing the distribution it
 * downloaded: `mv -- /tmp/tmp.XXXXXXXXXX/apache-maven-3.9.9 ~/.m2/wrapper/dists/apache-maven-3.9.9/3477a4f1`, run
 * by the shell running `mvnw`. No staging: every `./mvnw deploy` whose `~/.m2/wrapper` was not cached
 * (actions/setup-java caches `~/.m2/repository` alone) was `bulk-read-then-push`, critical, for its dependencies
 * (found by a red-team review of CI/CD exemptions). Data renamed to that shape is the gap docs/detection.md names.
 */
export function mavenWrapperInstall(
  sources: readonly string[],
  target: string | null,
  parentArgs: string | null,
): boolean {
  if (sources.length !== 1 || target === null || basename(tokenize(parentArgs)[0] ?? '') !== 'mvnw') return false;
  const name = WRAPPER_DOWNLOAD.exec(sources[0]!)?.[1];
  return name !== undefined && WRAPPER_HOME.exec(target)?.[1] === name;
}
