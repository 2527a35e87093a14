/**
 * Which children of a download are the download (proc-state.ts `download`): its egress is never a push by
 * volume, and what it reads of its own stores is no read (./download-reads.ts).
 */
import { posix } from 'node:path';
import { basename, tokenize } from '../rules/argv.js';
import { launchedProgram, preloadedFiles } from '../rules/launchers.js';
import { isUnexpectedLocation } from '../rules/locations.js';
import type { ProcState } from './proc-state.js';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash']);
/** What git asks of the server over ssh when it downloads (a push asks for `git-receive-pack`). */
const FETCH_SERVICE = /\sgit-(?:upload-pack|upload-archive|lfs-authenticate|lfs-transfer)\s/;
/** Anything that makes a script more than one command: lists, pipes, redirections, substitutions. */
const SHELL_CONTROL = /[;&|<>`\n]|\$\(/;

/**
 * Whether a child of a download is part of it: the download tool again (git running git), git's helpers
 * (`git-remote-https`, `git-lfs`…) and the ssh transport, also when git runs an ssh command with options
 * through a shell (below). Anything else a download starts — a hook, a `core.sshCommand` that is more than
 * ssh, a filter program, any other shell — is a process of its own: under a clone, an exfiltrating hook
 * would otherwise never push by volume.
 */
export function downloadHelper(
  binary: string | null,
  args: string | null,
  cwd: string | null,
  parentBinary: string | null,
  parentArgs: string | null,
): boolean {
  // By name only, a hook symlinked to `/tmp/.h/git-x` (the sensors name the file it resolves to) or a
  // `GIT_SSH=/tmp/.x/ssh` would join: git's helpers and ssh are never in scratch or hidden directories.
  if (runsFromUnexpectedLocation(binary, args, cwd)) return false;
  const name = basename(binary);
  return (
    name === 'git' ||
    name.startsWith('git-') ||
    name === 'ssh' ||
    (parentBinary !== null &&
      name === basename(parentBinary) &&
      sameProgram(binary, args, cwd, parentBinary, parentArgs)) ||
    sshTransportShell(name, args)
  );
}

/**
 * Whether a program runs from a scratch or hidden directory (../rules/locations.ts): the binary, or the script an
 * interpreter or the dynamic loader runs (../rules/launchers.ts), whose path is from the working directory when
 * relative. The sensors name the interpreter, so `python3 /tmp/.x/pip install .` or `node /tmp/.x/npm ci` was
 * a download by its command line, its ssh key read the credential in use and its upload never a push (found
 * by review; test/unit/correlate/download-lineage.test.ts). A module (`python -m pip`) names no file.
 */
export function runsFromUnexpectedLocation(binary: string | null, args: string | null, cwd: string | null): boolean {
  if (isUnexpectedLocation(binary)) return true;
  // Code an interpreter loads before the program runs as it (found by review: `node -r /tmp/.x/h.js …/npm-cli.js
  // ci` was npm, its hook's reads of `~/.ssh` the credential in use). `NODE_OPTIONS` is not seen.
  if (preloadedFiles({ binary, args }).some((f) => unexpectedFile(f, cwd))) return true;
  const program = launchedProgram({ binary, args });
  return program !== null && unexpectedFile(program.binary, cwd);
}

/** A path's location, from the working directory when relative; a word without `/` names no file (a module). */
function unexpectedFile(path: string, cwd: string | null): boolean {
  return path.includes('/') && isUnexpectedLocation(posix.resolve(cwd ?? '/', path));
}

/**
 * Whether a child named as its download parent runs the same program. By name alone, an interpreter's child is
 * npm's: npm runs an install script as `sh -c 'node install.js'`, and the shell execs it in its own process
 * (dash, bash), so `node install.js` is the child of npm's `node` — its reads of `.npmrc` and the cache would be
 * the install's and its egress never a push (found by review; test/unit/correlate/download-credentials.test.ts).
 * Likewise `python -m pip install .` runs the package's build backend as `python …/_in_process.py build_wheel`
 * (setup.py's code), which is no pip, while pip installing the build's requirements (`python -m pip install
 * --prefix /tmp/pip-build-env-…`) is. An interpreter's program is the script or module it runs
 * (rules/launchers.ts); inline code is no program. Versions in names are alike (`pip3` under `pip`). Any other
 * program is the same only as the same file.
 */
function sameProgram(
  binary: string | null,
  args: string | null,
  cwd: string | null,
  parentBinary: string,
  parentArgs: string | null,
): boolean {
  const program = launchedProgram({ binary, args });
  const parentProgram = launchedProgram({ binary: parentBinary, args: parentArgs });
  // Else the same file: a program a build made and named like its tool (`cargo run` of a binary `cargo` in
  // `target/`) is not the tool.
  if (program === null && parentProgram === null) return binary === parentBinary;
  if (program === null || parentProgram === null) return false;
  if (unversioned(program.binary) !== unversioned(parentProgram.binary)) return false;
  // A module is found by its name (`python -m pip` under `/usr/bin/pip`; no file under a module). A script is a
  // file, the tool's only in the tool's directory (`pip3` beside `pip`): by name alone, an install script npm
  // runs as `node npm-cli.js` from the package's directory was npm, its key read the credential in use and its
  // upload never a push (found by review; test/unit/correlate/download-run-code.test.ts). A relative path is from
  // the exec's working directory; the parent's is not known (npm and pip run their scripts by absolute paths).
  if (program.module === true || parentProgram.module === true) return program.module === true;
  return (
    posix.dirname(posix.resolve(cwd ?? '/', program.binary)) === posix.dirname(posix.resolve('/', parentProgram.binary))
  );
}

function unversioned(path: string): string {
  return basename(path).replace(/[\d.]+$/, '');
}

/**
 * git runs an ssh command given with options (`GIT_SSH_COMMAND`, `core.sshCommand`: `ssh -i KEY -o …`) as
 * `sh -c 'ssh -i KEY -o … "$@"' ssh git@host git-upload-pack 'repo'`, so a fetch's transport is the shell's
 * child. Argo CD's repo-server fetches that way many times an hour, and the fetches' requests added up to a
 * push by egress of ssh (found by a red-team review of CI/CD pipelines;
 * test/unit/correlate/download-ssh-command.test.ts). Such a shell is the transport when its script is one ssh
 * command and git asks for a download service; a script doing anything else (`true; ssh …`, a pipe) is not.
 * The ssh it runs joins by name, as when git runs it itself.
 */
function sshTransportShell(name: string, args: string | null): boolean {
  if (!SHELLS.has(name) || args === null || !args.startsWith('-c ')) return false;
  const script = args.slice(3);
  const end = script.indexOf(' ');
  // actions/checkout quotes it: `"/usr/bin/ssh" -i "$RUNNER_TEMP/…" -o …`.
  const first = (end < 0 ? script : script.slice(0, end)).replace(/^["']|["']$/g, '');
  return (
    basename(first) === 'ssh' &&
    !SHELL_CONTROL.test(script) &&
    FETCH_SERVICE.test(` ${script} `) &&
    !relayOptions(tokenize(script).slice(1))
  );
}

/** ssh's options taking a value (the rest of the word, or the next one). */
const SSH_VALUED = 'BbcDEeFIiJLlmOoPpQRSWw';
/**
 * Options that make ssh more than this fetch's connection: a master for later ones (`-M`, `-S`, `ControlPersist`…),
 * a forward or tunnel (`-L`, `-R`, `-D`, `-W`, `-w`), one that outlives the fetch (`-f`, `-N`), a command of its
 * own, or a config file that may say any of it (`-F`, `Include`). Found by review: the master a fetch's ssh left
 * behind carried a later 80 MiB upload as the download's own egress, never a push.
 */
const SSH_RELAY_LETTERS = 'MSfNLRDWwF';
const SSH_RELAY_KEYS =
  /^(?:controlmaster|controlpath|controlpersist|localforward|remoteforward|dynamicforward|forkafterauthentication|sessiontype|stdinnull|tunnel|tunneldevice|permitlocalcommand|localcommand|remotecommand|include)$/i;

function relayOptions(words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // Options come before the host ("$@": git's own words, no option among them).
    if (w.length < 2 || w[0] !== '-') return false;
    for (let j = 1; j < w.length; j++) {
      const letter = w[j]!;
      if (SSH_RELAY_LETTERS.includes(letter)) return true;
      if (!SSH_VALUED.includes(letter)) continue;
      const value = j + 1 < w.length ? w.slice(j + 1) : (words[++i] ?? '');
      if (letter === 'o' && SSH_RELAY_KEYS.test(value.trim().split(/[\s=]/, 1)[0]!)) return true;
      break;
    }
  }
  return false;
}

/**
 * The compilers a build runs in processes of their own, which read every dependency's sources from the
 * package cache: go's (`$GOROOT/pkg/tool/<os>_<arch>/compile`, `link`, `asm`, `cgo`…) under the go command,
 * rustc (rustup's proxy, then the toolchain's) and rustdoc under cargo. A build from a warm cache had them
 * read hundreds of MiB of `~/go/pkg/mod` and `~/.cargo/registry/src` (found by a review of CI false
 * positives). They run the build's code (a proc macro inside rustc), so only their reads of the package
 * caches are the build's (./download-reads.ts): their egress and anything else they read count. So are a
 * Maven or Gradle build's JVMs (jvmBuild, below) and the JVMs they start (Gradle's daemon and workers,
 * Surefire's test JVMs), which load every dependency from `~/.m2/repository` or `~/.gradle/caches`.
 */
const JVM_BUILDS = new Set(['mvn', 'gradle']);
const GO_TOOLS = new Set(['compile', 'link', 'asm', 'cgo', 'vet', 'cover', 'buildid', 'pack']);
const RUST_TOOLS = new Set(['rustc', 'rustdoc', 'clippy-driver']);

export function buildToolchain(binary: string | null, parent: ProcState): boolean {
  // Every new process comes here: most parents are neither, and nothing else need be looked at.
  const parentToolchain = parent.rare?.toolchain === true;
  if ((!parent.download && !parentToolchain) || binary === null || isUnexpectedLocation(binary)) return false;
  const name = basename(binary);
  const parentName = basename(parent.binary);
  if (parentToolchain) return name === parentName && compilerPlace(name, binary);
  if (parentName === 'go') return GO_TOOLS.has(name) && compilerPlace(name, binary);
  return parentName === 'cargo' && RUST_TOOLS.has(name) && compilerPlace(name, binary);
}

/** go's tools are `$GOROOT/pkg/tool/<os>_<arch>/NAME`. */
const GO_TOOL_PATH = /\/pkg\/tool\/[^/]+\/[^/]+$/;

/**
 * Whether a compiler is where its toolchain installs it, not a program the build made and named like it
 * (found by review: its bulk read of the caches did not count): what `go run` builds runs from
 * `$GOTMPDIR/go-build…/b001/exe/`, below any `pkg/tool/` the attacker points `GOTMPDIR` at; what `cargo run`
 * builds from its target directory (`target/debug/`, `target/bin/` for a profile named bin), while rustup's
 * proxies and toolchains and the distributions' rustc are in a `bin` directory. A target directory named
 * elsewhere with a profile named bin still passes (docs/detection.md).
 */
function compilerPlace(name: string, binary: string): boolean {
  if (GO_TOOLS.has(name)) return GO_TOOL_PATH.test(binary);
  if (RUST_TOOLS.has(name)) return binary.endsWith(`/bin/${name}`) && !binary.includes('/target/');
  return true;
}

/**
 * Whether a JVM runs Maven or Gradle (../rules/launchers.ts): a build, or a publish (`mvn deploy`, `gradle publish`,
 * taken for one in processes.ts classify), which resolves its dependencies from the caches. It runs the build's code
 * in its own process (plugins, build scripts), so it is no download: only its reads of the package caches are the
 * build's (proc-state.ts `toolchain`).
 */
export function jvmBuild(binary: string | null, args: string | null): boolean {
  if (basename(binary) !== 'java' || isUnexpectedLocation(binary)) return false;
  const program = launchedProgram({ binary, args });
  return program !== null && JVM_BUILDS.has(basename(program.binary));
}
