/**
 * What a download's own processes read of its stores: git's object store and the package managers' caches, the
 * download itself (engine.ts onFile), and the credentials it authenticates with.
 *
 * The credential stores download tools authenticate with: npm's `.npmrc` (the repository's committed one and
 * the one actions/setup-node writes for `registry-url`), git's credential stores and `.netrc`, the ssh keys a
 * fetch over SSH uses, and the registry logins `docker pull`, `crane pull` or `helm pull` send. Read by a
 * download's own processes (proc-state.ts `download`: the download tool and git's helpers and ssh, never a
 * script or hook it starts), such a file is the credential in use, as a signing tool's own key is
 * (./signing-keys.ts), not a secret gathered for a later push: every CI job that ran `npm ci` and then pushed
 * a tag was `sensitive-read-then-push` (found by a red-team review of CI pipelines;
 * test/unit/correlate/download-credentials.test.ts). Other secrets a download reads (a service-account token,
 * cloud credentials) and these files read by any other process still count. A push tool reading its own
 * login (`docker push` after `docker login`) is no download and still counts. pip, uv and the go command read
 * `.netrc` for a private index or `GOPROXY`, as git's helper does. cargo's `credentials.toml` is not here: it
 * holds a token that publishes, and cargo reads it only for a registry that requires authentication.
 */
import type { FileEvent } from '../model/normalized-event.js';
import { ownBuildOutput } from './build-outputs.js';
import type { Relink } from './copy-paths.js';
import type { ExecWrites } from './exec-writes.js';
import { mayReadOwnProducts, ownProduct, type ProductRead, UNSIZED_OPEN } from './own-products.js';
import { isGitDownloadStore } from './paths.js';
import type { ProcState } from './proc-state.js';
import { STAGED_CACHE, stagedIn } from './staging-marks.js';
import type { ContainerState } from './state.js';

const STORE_NAMES = new Set(['.npmrc', '.netrc', '_netrc', '.git-credentials', '.dockercfg']);
/** ssh's default identities, also outside `.ssh/` (`ssh -i /keys/id_ed25519`). */
const SSH_IDENTITY = /^id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$/;

const STORE_SUFFIXES = [
  '/.docker/config.json',
  '/containers/auth.json',
  '/.config/git/credentials',
  '/.config/helm/registry/config.json',
  '/.config/helm/registry.json',
];

/** Whether a read of a path the classifier found sensitive is a download's own process reading its store. */
export function downloadCredential(proc: ProcState, path: string): boolean {
  if (!proc.download) return false;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return (
    STORE_NAMES.has(name) ||
    SSH_IDENTITY.test(name) ||
    path.includes('/.ssh/') ||
    STORE_SUFFIXES.some((s) => path.endsWith(s))
  );
}

/**
 * The other ecosystems' installers (found by a review of CI false positives, after npm's;
 * test/unit/correlate/installer-cache-reads.test.ts): pip's cache (`~/.cache/pip`: HTTP responses and built
 * wheels), poetry's (`~/.cache/pypoetry`: its artifacts and cache), uv's (`~/.cache/uv`, or `setup-uv-cache`
 * where astral-sh/setup-uv points `UV_CACHE_DIR`); the go command's module cache (`GOMODCACHE`, by default
 * `$GOPATH/pkg/mod`: `~/go/pkg/mod`, `/go/pkg/mod` in the golang images) and build cache (`~/.cache/go-build`);
 * cargo's registry and git checkouts (`~/.cargo/registry`, `/usr/local/cargo/registry` in the rust images).
 */
const PYTHON_CACHES = ['/.cache/pip/', '/.cache/pypoetry/', '/.cache/uv/', '/setup-uv-cache/'];
const GO_CACHES = ['/pkg/mod/', '/.cache/go-build/'];
const CARGO_CACHES = ['/.cargo/registry/', '/.cargo/git/', '/cargo/registry/', '/cargo/git/'];
/**
 * Maven's local repository and wrapper's distributions, Gradle's caches and wrapper's distributions; Jib's caches:
 * the base image's layers it pulled (`~/.cache/google-cloud-tools-java/jib/`, read again to upload them where the
 * registry lacks them) and the application's layers it made of the dependencies and classes (`target/jib-cache/`,
 * Gradle's `build/jib-cache/`): `mvn jib:build` of a Spring Boot service read 165 MiB of them, `high` (found by
 * a red-team review of CI pipelines).
 */
const JVM_CACHES = [
  '/.m2/repository/',
  '/.m2/wrapper/dists/',
  '/.gradle/caches/',
  '/.gradle/wrapper/dists/',
  '/google-cloud-tools-java/jib/',
  '/target/jib-cache/',
  '/build/jib-cache/',
];

/**
 * The caches package managers install from: npm's `_cacache` (wherever `cache` points), yarn 1's (`~/.cache/yarn`,
 * `/usr/local/share/.cache/yarn` in the node images), yarn berry's global cache and pnpm's store. `npm ci` with
 * a warm cache (actions/setup-node's `cache: npm`) extracts every tarball of the lockfile from it, 100–200 MiB
 * for a thousand packages: the install itself, as index-pack's re-reads are a fetch's. A release job that
 * installed and then pushed a tag was `bulk-read-then-push` (found by a red-team review of CI pipelines;
 * test/unit/correlate/package-cache-reads.test.ts). A project's own `.yarn/cache/` (committed zero-installs) is
 * the repository's content and still counts.
 */
const PACKAGE_CACHES = [
  '/_cacache/',
  '/.cache/yarn/',
  '/.yarn/berry/cache/',
  '/.pnpm-store/',
  '/pnpm/store/',
  ...PYTHON_CACHES,
  ...GO_CACHES,
  ...CARGO_CACHES,
  ...JVM_CACHES,
];

/**
 * Caches a command line puts elsewhere (`yarn install --cache-folder .yarn-cache`, `pip install --cache-dir
 * .pip-cache`, GitLab's CI templates) are not taken from it: an attacker names any directory there (`pip install
 * --cache-dir /srv/data .`), and its reads would be the install's. They are known by the layout the tool writes in
 * them: yarn 1's entries (`v6/npm-lodash-4.17.21-<sha1>-integrity/node_modules/lodash/`), pip's HTTP cache and
 * built wheels (`http-v2/a/b/c/d/e/<sha224>`, `wheels/ab/cd/ef/<56 hex>/x.whl`); the go command's module cache is
 * `pkg/mod/` below any GOPATH (`.go/pkg/mod/` in GitLab's template). npm's `--cache` keeps `_cacache/` and pnpm's
 * `--store-dir` its store's name, above. Data renamed into such a layout is the gap "Downloads" accepts for the
 * stores (docs/detection.md); what a download sends is bounded (./download-egress.ts).
 */
const CACHE_LAYOUTS = [
  /\/v\d+\/npm-[^/]+-integrity\/node_modules\//,
  /\/http(?:-v2)?\/[0-9a-f]\/[0-9a-f]\/[0-9a-f]\/[0-9a-f]\/[0-9a-f]\/[0-9a-f]{40,}(?:\.body)?$/,
  /\/wheels\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{50,}\//,
];

function packageCache(path: string): boolean {
  return PACKAGE_CACHES.some((dir) => path.includes(dir)) || CACHE_LAYOUTS.some((layout) => layout.test(path));
}

/**
 * Whether a download's own process is reading what it downloads: git's or Git LFS's object store, or a package
 * manager's cache; or a compiler or build JVM reading the package caches (proc-state.ts `toolchain`), unless
 * something was staged into them in its container (stagesIntoPackageCache); or ko reading the binary its own
 * `go build` wrote (./build-outputs.ts); or, when `mayBeProduct` (no secret, no pod step's copy of one), goreleaser
 * reading its `dist/` or node its modules (./own-products.ts). Not counted as a read at all (engine.ts onFile).
 */
export function downloadStoreRead(
  proc: ProcState,
  path: string,
  mayBeProduct = false,
  read: ProductRead = UNSIZED_OPEN,
): boolean {
  proc.ownProducts ??= mayReadOwnProducts(proc);
  if (proc.ownProducts && (ownBuildOutput(proc, path) || (mayBeProduct && ownProduct(proc, path, read)))) return true;
  if (proc.download) return isGitDownloadStore(path) || packageCache(path);
  const c = proc.container;
  return proc.rare?.toolchain === true && (c === null || !stagedIn(c, STAGED_CACHE)) && packageCache(path);
}

/**
 * Whether a move, link or copy (./relinks.ts) puts files into a package cache: `mv /srv/exports
 * ~/.m2/repository/x` reads nothing, and a publishing JVM's reads of the cache are the build's (`mvn deploy`,
 * `gradle publish`: found by a red-team review of CI pipelines, test/unit/correlate/jvm-publish-cache-reads.test.ts),
 * so the data would leave with the deploy unseen; a copy's own reads count, but only in their window. The
 * container's toolchains then have their reads of the caches counted for good (./staging-guards.ts), as before
 * the exemption. A cache restored by extracting an archive (actions/cache) names no file and is no staging.
 */
export function stagesIntoPackageCache(relink: Relink): boolean {
  if (relink.target === null) return false;
  return inPackageCache(relink.target) || relink.into.some(inPackageCache);
}

function inPackageCache(path: string): boolean {
  return packageCache(`${path}/`);
}

/**
 * What an exec's command line writes into a package cache other than by a move, link or copy (./exec-writes.ts
 * `written`: a shell's redirection of any program, `tar x -C`, `unzip -d`, `dd of=`): STAGED_CACHE or none. Its
 * moves, links and copies into one (stagesIntoPackageCache) stage too, unless it is mvnw installing its
 * distribution (./cache-writes.ts mavenWrapperInstall: its parent's command line, asked per exec by
 * ./staging-guards.ts). Names a program writes (`sort -o`) and links, cpio or inline code (./storage-writers.ts)
 * are not asked here.
 */
export function cacheWriteBits(writes: ExecWrites): number {
  return writes.written.some(inPackageCache) ? STAGED_CACHE : 0;
}

/** The credential reads a download keeps for the case it loses the exemption (a store or two, a key). */
const MAX_KEPT_SECRETS = 4;

/**
 * Whether a read is a download's own credential store (downloadCredential), not counted as sensitive: kept, a
 * few, for the case the download turns out an upload (./download-egress.ts).
 */
export function heldDownloadCredential(proc: ProcState, e: FileEvent): boolean {
  if (!downloadCredential(proc, e.file.path)) return false;
  const rare = proc.more();
  const kept = rare.downloadSecrets ?? [];
  rare.downloadSecrets = kept;
  // A store read again keeps one place; else the oldest goes, the latest reads being the nearest the upload.
  const again = kept.findIndex((k) => k.file.path === e.file.path);
  if (again >= 0) kept.splice(again, 1);
  else if (kept.length >= MAX_KEPT_SECRETS) kept.shift();
  kept.push(e);
  return true;
}

/**
 * The credential reads a process kept as a download, once it is none (engine.ts onNet, after the send that made
 * it lose the exemption): each is noted as the sensitive read it was, once; their bytes were counted then.
 */
export function lostDownloadSecrets(
  proc: ProcState,
  c: ContainerState,
  reads: { noteSensitiveRead(c: ContainerState, proc: ProcState, e: FileEvent): void },
): void {
  const rare = proc.rare;
  if (rare === null || rare.downloadSecrets === null || proc.download) return;
  const kept = rare.downloadSecrets;
  rare.downloadSecrets = null;
  for (const e of kept) reads.noteSensitiveRead(c, proc, e);
}
