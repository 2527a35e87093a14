/**
 * Where a push tool should not run from: the places binaries are staged to hide or to run without a trace
 * (`renamed-binary-push`, medium). Used by the recognition of a tool (recognize.ts) and for a known tool's
 * push by egress (correlate/pushes.ts), so the two agree.
 */

/** Scratch directories, and where a fileless program runs from (a memfd, or a descriptor: `fexecve`). */
const TEMPORARY_PREFIXES = ['/tmp/', '/var/tmp/', '/dev/shm/', '/run/shm/', '/memfd:', '/dev/fd/', '/proc/self/fd/'];

/**
 * Hidden directories that toolchain installers create in a home by default: rustup (`~/.cargo/bin`,
 * `~/.rustup/toolchains`), nvm, pyenv, rbenv, nodenv, goenv, asdf, volta, sdkman, bun, deno,
 * dotnet-install (`~/.dotnet`), ghcup and cabal (`~/.ghcup/bin`, `~/.cabal/bin`), Homebrew on Linux
 * (`/home/linuxbrew/.linuxbrew`) and the XDG user tree
 * (`~/.local/bin` of pip, pipx, uv and poetry; `~/.local/share/mise`). A publish job's tools live there, and
 * they made its pushes medium. Not a way around the rule that was closed before: a plain `~/bin/` never
 * was unexpected. `.cache` is not one of them (`/var/tmp/.cache/kthreadd`), except corepack's tree in it.
 */
const TOOLCHAIN_HOMES: ReadonlySet<string> = new Set([
  '.cargo',
  '.rustup',
  '.nvm',
  '.pyenv',
  '.rbenv',
  '.nodenv',
  '.goenv',
  '.asdf',
  '.volta',
  '.sdkman',
  '.bun',
  '.deno',
  '.dotnet',
  // ghcup's (`~/.ghcup/bin/cabal`, the Haskell toolchain's installer) and cabal's own install directory.
  '.ghcup',
  '.cabal',
  '.linuxbrew',
  '.local',
  // Yarn classic's global bin (`~/.yarn/bin`) and a repository's checked-in release (`.yarn/releases/`).
  '.yarn',
  // Python virtual environments: uv's and poetry's in-project default, `python -m venv .venv`, and
  // virtualenvwrapper's. Their console scripts run as `.venv/bin/python .venv/bin/twine upload` (found by
  // review: every publish from a project's venv was medium).
  '.venv',
  '.virtualenvs',
]);

/**
 * Hidden directories that are a package manager's tool directory only in their place: npm's links to a
 * project's tools (`node_modules/.bin/pnpm`, which `npm run` puts first on PATH), npx's installs
 * (`~/.npm/_npx/HASH/…`), poetry's default virtual environments (`~/.cache/pypoetry/virtualenvs/`) and the
 * package managers corepack downloads (`~/.cache/node/corepack/`, its default COREPACK_HOME), and docker's
 * per-user CLI plugins (`~/.docker/cli-plugins/docker-buildx`, where buildx's and compose's install docs put
 * them: found by red-team review, the plugin run with no docker parent seen was medium), only a file there
 * named `docker-*`, the only name docker runs. Elsewhere they are hiding places like any other
 * (`/var/lib/.bin/x`, `~/.cache/x`, `~/.docker/x`).
 */
function isToolDirInPlace(binary: string, at: number, end: number): boolean {
  const name = binary.slice(at + 1, end);
  if (name === '.bin') return binary.endsWith('/node_modules', at);
  if (name === '.npm') return binary.startsWith('/_npx/', end);
  if (name === '.cache')
    return binary.startsWith('/pypoetry/virtualenvs/', end) || binary.startsWith('/node/corepack/', end);
  if (name === '.docker') return /^\/cli-plugins\/docker-[^/]+$/.test(binary.slice(end));
  return false;
}

/** A temporary directory, a fileless program, a hidden file, or a hidden directory that is no toolchain home. */
export function isUnexpectedLocation(binary: string | null): boolean {
  if (!binary) return false;
  for (const prefix of TEMPORARY_PREFIXES) if (binary.startsWith(prefix)) return true;
  // ` (deleted)`: the file was removed after it was started (procfs's name for it).
  if (binary.endsWith(' (deleted)')) return true;
  for (let at = binary.indexOf('/.'); at >= 0; ) {
    const end = binary.indexOf('/', at + 1);
    // A hidden file name (`/usr/bin/.git`), or a hidden directory other than a toolchain home (`..` too).
    if (end < 0) return true;
    if (!TOOLCHAIN_HOMES.has(binary.slice(at + 1, end)) && !isToolDirInPlace(binary, at, end)) return true;
    at = binary.indexOf('/.', end);
  }
  return false;
}
