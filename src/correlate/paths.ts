/**
 * What a file path is, for the read counters: noise (never counted), sensitive (counted whatever its size),
 * or an ordinary read. Runs on every file event, so it is a handful of string checks, no regex unless the
 * user configured extra sensitive globs.
 */

import { CREDENTIAL_SUFFIXES, SENSITIVE_BASENAMES, SENSITIVE_DOT_PARTS } from './credential-stores.js';
import { createDeclassifier, globToRegExp, SECRET_MOUNT_PREFIXES } from './not-sensitive.js';
import { fileThroughProcLink } from './procfs-paths.js';

export const PATH_READ = 0;
export const PATH_NOISE = 1;
export const PATH_SENSITIVE = 2;
export type PathClass = typeof PATH_READ | typeof PATH_NOISE | typeof PATH_SENSITIVE;

/** Shared libraries, kernel interfaces, locale and TLS trust stores: every process reads them, they are not data. */
export const DEFAULT_NOISE_PREFIXES: readonly string[] = [
  '/proc/',
  '/sys/',
  '/dev/',
  '/lib/',
  '/lib32/',
  '/lib64/',
  '/libx32/',
  '/usr/lib/',
  '/usr/lib32/',
  '/usr/lib64/',
  '/usr/libexec/',
  '/usr/local/lib/',
  '/usr/share/',
  '/usr/bin/',
  '/usr/sbin/',
  '/usr/local/bin/',
  '/bin/',
  '/sbin/',
  '/etc/ld.so',
  '/etc/ssl/',
  '/etc/pki/',
  '/etc/ca-certificates',
  '/etc/localtime',
  '/etc/nsswitch.conf',
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/host.conf',
  '/etc/gai.conf',
  '/etc/passwd',
  '/etc/group',
  '/etc/locale',
  '/nix/store/',
];

/** Files in secret mounts that are public by design. */
export const PUBLIC_IN_SECRET_MOUNTS: ReadonlySet<string> = new Set(['ca.crt', 'namespace', 'service-ca.crt']);
/** Suffixes of `.env.*` files that are committed templates, not settings. */
const ENV_TEMPLATES = new Set(['example', 'sample', 'template', 'tmpl', 'tpl', 'dist', 'defaults']);
const KEY_EXTENSIONS = ['.key', '.p12', '.pfx', '.jks', '.keystore'];

export interface PathClassifierOptions {
  extraSensitivePaths?: readonly string[];
  extraNoisePrefixes?: readonly string[];
  /** Files the sensitive list (or extraSensitivePaths) names that are no secret here: `reads.notSensitivePaths`. */
  notSensitivePaths?: readonly string[];
}

export type PathClassifier = (path: string) => PathClass;

export function createPathClassifier(options: PathClassifierOptions = {}): PathClassifier {
  // Noise prefixes grouped by their second character: one Map lookup, then a few startsWith.
  const noise = new Map<number, string[]>();
  for (const prefix of [...DEFAULT_NOISE_PREFIXES, ...(options.extraNoisePrefixes ?? [])]) {
    const key = prefix.charCodeAt(1);
    noise.set(key, [...(noise.get(key) ?? []), prefix]);
  }
  const extraPrefixes = (options.extraSensitivePaths ?? []).filter((p) => p.endsWith('/') && !p.includes('*'));
  const extraGlobs = (options.extraSensitivePaths ?? []).filter((p) => !extraPrefixes.includes(p)).map(globToRegExp);
  // Consulted only for a path found sensitive (rare), so it costs nothing on other file events.
  const isDeclassified = createDeclassifier(options.notSensitivePaths ?? []);

  const isExtraSensitive = (path: string): boolean => {
    for (let i = 0; i < extraPrefixes.length; i++) if (path.startsWith(extraPrefixes[i]!)) return true;
    for (let i = 0; i < extraGlobs.length; i++) if (extraGlobs[i]!.test(path)) return true;
    return false;
  };

  return function classifyPath(reported: string): PathClass {
    let path = reported;
    let underCwd = false;
    // A loop, not recursion: a hostile path may nest the link thousands of times.
    while (path.charCodeAt(1) === 112 /* p */ || path.charCodeAt(1) === 100 /* d */) {
      const link = fileThroughProcLink(path);
      if (link === null) break;
      path = link.path;
      // A root link after a working-directory one starts from a known root again.
      underCwd = link.cwd;
    }
    // Under a working-directory link the directory is unknown: sensitive as if it were `/` (a container's
    // usual working directory), but never noise by a root-level prefix (`/proc/self/cwd/lib/x.csv` is data).
    if (isSensitive(path) || isExtraSensitive(path)) {
      // A declassified file is an ordinary read, or noise where its prefix says so.
      if (isDeclassified === null || !isDeclassified(path)) return PATH_SENSITIVE;
    }
    const candidates = underCwd ? undefined : noise.get(path.charCodeAt(1));
    if (candidates !== undefined) {
      // Shared memory is a scratch directory any container can write (and stage data in), not a device.
      if (path.startsWith('/dev/shm/')) return PATH_READ;
      for (let i = 0; i < candidates.length; i++) if (path.startsWith(candidates[i]!)) return PATH_NOISE;
    }
    // Shared objects anywhere (python wheels, node addons): a file named `x.so` or `x.so.1.2`. The name only:
    // a directory called `.cache.so.d` holds whatever is staged in it.
    if (path.endsWith('.so') || isVersionedSharedObject(path)) return PATH_NOISE;
    return PATH_READ;
  };
}

/** A file name ending `.so.N[.N…]` (`libssl.so.3`, `libc.so.6.1`), not any path containing `.so.`. */
function isVersionedSharedObject(path: string): boolean {
  const at = path.lastIndexOf('.so.');
  if (at < 0 || path.indexOf('/', at) >= 0) return false;
  for (let i = at + 4; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if ((c < 48 || c > 57) && c !== 46) return false;
  }
  return path.length > at + 4;
}

/**
 * SENSITIVE_BASENAMES as `/name` suffixes by the name's first character: one Map lookup, then the few names
 * that start as the name does (`.` has most): a `README` tests one (`rclone.conf`), not all of them.
 */
const SENSITIVE_SUFFIXES_BY_FIRST = new Map<number, string[]>();
for (const b of SENSITIVE_BASENAMES) {
  const first = b.charCodeAt(0);
  SENSITIVE_SUFFIXES_BY_FIRST.set(first, [...(SENSITIVE_SUFFIXES_BY_FIRST.get(first) ?? []), `/${b}`]);
}
const PUBLIC_SUFFIXES = [...PUBLIC_IN_SECRET_MOUNTS].map((b) => `/${b}`);

/** No allocation and few comparisons on the common (not sensitive) path. */
function isSensitive(path: string): boolean {
  const slash = path.lastIndexOf('/');
  if (path.includes('/.')) {
    if (path.includes('/.ssh/')) {
      const base = path.slice(slash + 1);
      return !(
        base.endsWith('.pub') ||
        base.startsWith('known_hosts') ||
        base === 'config' ||
        base === 'authorized_keys'
      );
    }
    for (let i = 0; i < SENSITIVE_DOT_PARTS.length; i++) if (path.includes(SENSITIVE_DOT_PARTS[i]!)) return true;
    // `.env.production` holds settings; `.env.example` is the template every repository commits, read by any
    // CI job that builds or pushes it (the real `.env` the template is for stays sensitive).
    const env = path.indexOf('/.env.');
    if (env >= 0 && !(env === slash && ENV_TEMPLATES.has(path.slice(slash + 6).toLowerCase()))) return true;
  }
  if (path.startsWith('credentials', slash + 1)) {
    for (let i = 0; i < CREDENTIAL_SUFFIXES.length; i++) if (path.endsWith(CREDENTIAL_SUFFIXES[i]!)) return true;
  }
  const named = SENSITIVE_SUFFIXES_BY_FIRST.get(path.charCodeAt(slash + 1));
  if (named !== undefined) for (let i = 0; i < named.length; i++) if (path.endsWith(named[i]!)) return true;
  const c1 = path.charCodeAt(1);
  if (c1 === 118 /* v */ || c1 === 114 /* r */ || c1 === 109 /* m */) {
    for (let i = 0; i < SECRET_MOUNT_PREFIXES.length; i++) {
      if (path.startsWith(SECRET_MOUNT_PREFIXES[i]!)) {
        for (let j = 0; j < PUBLIC_SUFFIXES.length; j++) if (path.endsWith(PUBLIC_SUFFIXES[j]!)) return false;
        // `..data` / `..2024_…` are the projected-volume symlink directories themselves.
        return path.charCodeAt(slash + 1) !== 46 || path.charCodeAt(slash + 2) !== 46;
      }
    }
    // containers/image's login file at its runtime path (`/run/containers/0/auth.json`, `/run/user/1000/…`).
    if (c1 === 114 && path.endsWith('/auth.json') && path.includes('/containers/')) return true;
  } else if (c1 === 112 /* p */ && path.startsWith('/proc/')) {
    // A process's memory too: how a CI runner's masked secrets are dumped from its worker's heap (found by
    // red-team review: a python dumper reading `/proc/<pid>/mem` read nothing that counted).
    return path.endsWith('/environ') || path.endsWith('/mem');
  }
  // The node's own secrets, where a pod mounts them from the host, also under a mount point of the host's
  // root (`/host/etc/shadow`, `/rootfs/var/lib/kubelet/…`): found by red-team review, only `/etc/shadow` at
  // the root was sensitive, and a hostPath pod reading every pod's tokens on the node was `low`.
  // Every file event comes here: the file's name is tested before the path is searched (two scans of every
  // path cost a fifth of the classifier's time; found by review), and by its last character first.
  if (maybeNodeEtcSecret(path)) {
    const etc = path.indexOf('/etc/');
    if (etc >= 0 && isNodeEtcSecret(path, etc)) return true;
  }
  if (path.startsWith('/kubelet/pki/', slash - 12)) return !path.endsWith('.crt');
  if (path.includes('io~') && path.includes('/kubelet/pods/') && isKubeletPodSecret(path, slash)) return true;
  switch (path.charCodeAt(path.length - 1)) {
    case 121: // y: .key, .keystore
    case 50: // 2: .p12
    case 120: // x: .pfx
    case 115: // s: .jks
      for (let i = 0; i < KEY_EXTENSIONS.length; i++) if (path.endsWith(KEY_EXTENSIONS[i]!)) return true;
      return false;
    case 109: {
      // m: .pem with a key-ish name (certificates are public)
      if (!path.endsWith('.pem')) return false;
      const base = path.slice(slash + 1);
      return base.includes('key') || base.includes('priv') || base.includes('secret');
    }
    default:
      return false;
  }
}

/**
 * Names isNodeEtcSecret can accept: shadow files, `.conf`, `.yaml`, `_key`. Most paths end otherwise, and
 * one character tells (five suffix tests of every path were ~0.1 µs per file event; issue #8).
 */
function maybeNodeEtcSecret(path: string): boolean {
  switch (path.charCodeAt(path.length - 1)) {
    case 119: // w
      return path.endsWith('shadow');
    case 45: // -
      return path.endsWith('shadow-');
    case 102: // f
      return path.endsWith('.conf');
    case 108: // l
      return path.endsWith('.yaml');
    case 121: // y
      return path.endsWith('_key');
    default:
      return false;
  }
}

/** Under `/etc/` at `at`: shadow files and their backups, kubeadm's kubeconfigs, k3s/RKE2's, the ssh host keys. */
function isNodeEtcSecret(path: string, at: number): boolean {
  const end = path.length - at;
  if (path.startsWith('/etc/shadow', at)) return end === 11 || (end === 12 && path.endsWith('-'));
  // shadow-utils keeps the previous copy of each as `shadow-` and `gshadow-` (found by review: `gshadow-` was not counted).
  if (path.startsWith('/etc/gshadow', at)) return end === 12 || (end === 13 && path.endsWith('-'));
  // admin.conf, super-admin.conf, kubelet.conf, controller-manager.conf, scheduler.conf: kubeconfigs.
  if (path.startsWith('/etc/kubernetes/', at)) return path.endsWith('.conf');
  if (path.startsWith('/etc/rancher/', at)) return path.endsWith('.yaml');
  return path.startsWith('/etc/ssh/ssh_host_', at) && path.endsWith('_key');
}

/**
 * Vault Agent Injector's memory emptyDirs as kubelet keeps them: `vault-secrets` (the pod's `/vault/secrets/`)
 * and `vault-secrets-custom-N` (a secret the pod moved by `secret-volume-path-NAME`), named so by vault-k8s.
 * Found by review: a hostPath pod reading them on the node was `low` while the pod's own read was `high`.
 */
const VAULT_INJECTOR_VOLUME = '/volumes/kubernetes.io~empty-dir/vault-secrets';

function inVaultInjectorVolume(path: string): boolean {
  const at = path.indexOf(VAULT_INJECTOR_VOLUME);
  if (at < 0) return false;
  const end = at + VAULT_INJECTOR_VOLUME.length;
  return path.charCodeAt(end) === 47 /* / */ || path.startsWith('-custom-', end);
}

/**
 * Under kubelet's `pods/`: every pod's Secret and projected (service-account token) volumes
 * (`pods/UID/volumes/kubernetes.io~secret/NAME/FILE`) and Vault's (above), minus the public files. Its client key pair
 * (`pki/kubelet-client-current.pem` holds the key; `.crt` files are certificates) is tested by its parent.
 */
function isKubeletPodSecret(path: string, slash: number): boolean {
  if (
    !path.includes('/volumes/kubernetes.io~secret/') &&
    !path.includes('/volumes/kubernetes.io~projected/') &&
    !inVaultInjectorVolume(path)
  )
    return false;
  const base = path.slice(slash + 1);
  return !PUBLIC_IN_SECRET_MOUNTS.has(base) && !base.startsWith('..');
}

/** Archivers and compressors: one reading many files is staging data (ATT&CK T1560). */
export const ARCHIVERS: ReadonlySet<string> = new Set([
  'tar',
  'gtar',
  'bsdtar',
  'zip',
  '7z',
  '7za',
  '7zr',
  'gzip',
  'pigz',
  'bzip2',
  'pbzip2',
  'xz',
  'zstd',
  'lz4',
  'rar',
  'cpio',
  'pax',
  'jar',
]);

/**
 * Mappings that are not reads of data: git's object store (below), memfds (`/memfd:name`, anonymous
 * memory with a name, which runtimes map for shared memory and JIT code), and a JDK's runtime image.
 */
export function isUncountedMapping(path: string): boolean {
  return path.startsWith('/memfd:') || isGitObjectStoreMap(path) || path.endsWith(JDK_RUNTIME_IMAGE);
}

/**
 * The class library every JVM maps whole at start (jimage, 139 MiB for a JDK 25): code, like a shared library.
 * Under `/usr/lib/jvm/` it is noise by prefix, but eclipse-temurin images (jenkins/inbound-agent, maven,
 * gradle) keep the JDK in `/opt/java/openjdk/`, CI tool caches and jlink runtimes anywhere, where it made any
 * push within a window of a JVM's start `bulk-read-then-push`. Only its mapping: a copy reads it.
 */
const JDK_RUNTIME_IMAGE = '/lib/modules';

/**
 * git's own lookup structures, which every git command maps to find objects: packs and their indexes,
 * bitmaps and reverse indexes, the multi-pack index and commit-graph (`…/objects/pack/`, `…/objects/info/`),
 * and the index of the work tree (`.git/index`, `sharedindex.*`). A mapping of one says nothing about how
 * much of it was read: `git status` in a clone maps its whole pack. So mapped, they are not counted (read
 * with read(2), as a copy does, they are); what git really reads of a pack leaves as the push's egress.
 * Loose objects (`objects/ab/cdef…`) and work-tree files stay counted: those are what a staged push maps.
 * Only inside a `.git` directory (`.git/objects/…`, `.git/modules/x/objects/…`, a bare `repo.git/objects/…`),
 * so data staged in a work tree under a directory merely named `objects/pack` still counts.
 */
export function isGitObjectStoreMap(path: string): boolean {
  if (path.endsWith('/.git/index') || path.includes('/.git/sharedindex.')) return true;
  let at = path.indexOf('/objects/pack/');
  if (at < 0) at = path.indexOf('/objects/info/');
  return at > 0 && path.lastIndexOf('.git/', at) >= 0;
}

/**
 * What git keeps of what it downloaded: its object store (above) and Git LFS's (`.git/lfs/objects/`,
 * `incomplete/`, `tmp/`), whose objects git-lfs's smudge filter copies into the work tree as a checkout
 * writes it. Read by the download's own processes, they are the download (engine.ts onFile).
 */
export function isGitDownloadStore(path: string): boolean {
  return isGitObjectStoreMap(path) || path.includes('.git/lfs/');
}

/**
 * Directories that exist to hold secrets, named without the files in them: `mv ~/.aws /tmp/a` renames the
 * store (no read), and its files are read later as `/tmp/a/credentials`, which says nothing. Stores that hold
 * other things as much (`~/.config`, `~/.cache`, `~/.cargo`: CI jobs move them for caching) are not here.
 */
const SECRET_DIRS = [
  '/.aws/',
  '/.docker/',
  '/.kube/',
  '/.gnupg/',
  '/.terraform.d/',
  '/.huggingface/',
  '/.config/gh/',
  '/.config/glab-cli/',
  '/.config/containers/',
  '/.config/helm/registry/',
];

/**
 * A directory (or file) whose files are secrets by where they are: a secret store above, or one whose every
 * file is sensitive to `classify` (`~/.ssh`, a secret mount or kubelet's secret volume of a pod, a configured
 * sensitive prefix). For relinked sources (engine.ts onExec), never per file event.
 */
export function holdsSecrets(classify: PathClassifier, path: string): boolean {
  // A secret mount's public file (`…/serviceaccount/ca.crt`) is that file, no directory of secrets: a CI step
  // copying the cluster's CA into its workspace made the next step's build `high` (found by review).
  if (!path.endsWith('/') && PUBLIC_IN_SECRET_MOUNTS.has(path.slice(path.lastIndexOf('/') + 1))) return false;
  const dir = path.endsWith('/') ? path : `${path}/`;
  if (classify(`${dir}x`) === PATH_SENSITIVE) return true;
  return SECRET_DIRS.some((d) => dir.endsWith(d));
}
