/**
 * Command lines that write files into a package cache without naming what they copy: a shell whose script writes
 * any file there (`python3 pack.py > ~/.m2/repository/x.jar`, `… | tee FILE`, `dd of=`, `openssl -out`, `xxd - FILE`,
 * sed's `w FILE`: every write ./shell-writes.ts reads, the result the copy reader of the same exec reads), `tar`
 * extracting there (`-C DIR`, or run in it), `unzip -d DIR` and `dd of=FILE`. A publishing JVM's reads of the caches are
 * the build's (./download-reads.ts), so data written there more than a window before `mvn deploy` left with it
 * unseen where `mv`/`cp`/`ln` into the cache made them count (found by a red-team review of CI/CD exemptions;
 * test/unit/correlate/cicd-exemption-evasions.test.ts). Such a write marks the container as a move or copy does
 * (state.ts `cacheStaged`). A cache restored by an archive naming absolute paths (actions/cache: `tar -xf … -P -C
 * $GITHUB_WORKSPACE`) names no cache on its command line and stays no staging; a program writing files itself
 * (`open().write()`) is not seen (docs/detection.md).
 */
import { basename, tokenize } from '../rules/argv.js';
import { appletOf, MULTI_CALL } from '../rules/launchers.js';
import { ddOperand } from './archive-copies.js';
import { absoluteTarget, workingDirectory } from './copy-paths.js';
import { EVERY_SCRIPT, SHELLS, type ShellScriptReader } from './shell-copies.js';
import { readTar, TARS } from './tar-copies.js';

/** Whether an exec's command line writes files into a directory `inCache` says is a package cache. */
export function writesIntoCache(
  binary: string | null,
  args: string | null,
  cwd: string | null,
  argvCount: number | undefined,
  inCache: (path: string) => boolean,
  scripts: ShellScriptReader = EVERY_SCRIPT,
): boolean {
  const name = basename(binary);
  const applet = MULTI_CALL.has(name);
  if (!applet && !SHELLS.has(name) && !TARS.has(name) && name !== 'unzip' && name !== 'dd') return false;
  const program = applet ? appletOf({ binary, args }) : { binary, args };
  if (program === null) return false;
  const tool = basename(program.binary);
  const base = workingDirectory(cwd);
  const into = (path: string | null | undefined, from: string | null) => {
    const target = path ? absoluteTarget(path, from) : null;
    return target !== null && inCache(target);
  };
  // What the script writes (./shell-writes.ts), the copy reader's result for the same exec: any file of it in a cache.
  if (SHELLS.has(tool))
    return scripts.writes(program.args, applet ? undefined : argvCount, base).writes.some((w) => into(w.path, w.cwd));
  const words = tokenize(program.args);
  // `dd of=FILE` reading its stdin (with `if=` too it is a copy ./relinks.ts sees).
  if (tool === 'dd') return into(ddOperand(words, 'of'), base);
  if (TARS.has(tool)) {
    const tar = readTar(words, base);
    return tar.extracts && into(tar.dir, base);
  }
  if (tool !== 'unzip') return false;
  const d = words.lastIndexOf('-d');
  return into(d >= 0 ? words[d + 1] : '.', base);
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
