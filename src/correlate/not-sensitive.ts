/**
 * `reads.notSensitivePaths`: files the sensitive list (./paths.ts) names that are no secret in a workload
 * (a repository's fixture keys, a committed `.env.production`), with the same pattern syntax as
 * `reads.extraSensitivePaths`. Found by review: `reads.extraNoisePrefixes` does not override the sensitive
 * list, so there was no way to say so.
 */

/**
 * Secret mounts: Kubernetes' own (service-account tokens, Docker secrets' `/run/secrets/`), and two where
 * Kubernetes secret managers' secrets usually are (found by the evasion hunt, 2026-12-01: a secret read from
 * either and put in a gist was `low`): Vault Agent Injector renders every `agent-inject-secret-NAME` to
 * `/vault/secrets/NAME` unless an annotation moves it, and `/mnt/secrets-store/` is where the Secrets Store CSI
 * driver's documentation mounts it (the pod spec names the path; the driver has none). The classifier tests a path
 * against these only when its second character is one of theirs (v, r, m).
 */
export const SECRET_MOUNT_PREFIXES: readonly string[] = [
  '/var/run/secrets/',
  '/run/secrets/',
  '/vault/secrets/',
  '/mnt/secrets-store/',
];

/** `*` is any run of characters but `/`; a glob without `/` matches a basename, one with `/` the whole path. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '.');
  return new RegExp(glob.includes('/') ? `^${body}$` : `(^|/)${body}$`);
}

/** Prefixes (ending in `/`, no wildcard) and globs, as `reads.extraSensitivePaths` takes them. */
interface PathPatterns {
  prefixes: string[];
  globs: RegExp[];
}

function compilePatterns(patterns: readonly string[]): PathPatterns {
  const prefixes = patterns.filter((p) => p.endsWith('/') && !/[*?]/.test(p));
  return { prefixes, globs: patterns.filter((p) => !prefixes.includes(p)).map(globToRegExp) };
}

function matchesPattern(patterns: PathPatterns, path: string): boolean {
  for (let i = 0; i < patterns.prefixes.length; i++) if (path.startsWith(patterns.prefixes[i]!)) return true;
  for (let i = 0; i < patterns.globs.length; i++) if (patterns.globs[i]!.test(path)) return true;
  return false;
}

/**
 * Secret mounts: service-account tokens and the pod's Secrets, and other pods' under kubelet's directory.
 * `reads.notSensitivePaths` reaches them only through a pattern that names a path below the mount from the
 * root: a basename glob written for a repository's fixtures (`token`, `*password*`) must not silence a
 * stolen token.
 */
const SECRET_MOUNT_ROOTS = [...SECRET_MOUNT_PREFIXES, '/kubelet/pods/'];

function isSecretMountPath(path: string): boolean {
  return SECRET_MOUNT_PREFIXES.some((p) => path.startsWith(p)) || path.includes('/kubelet/pods/');
}

/** The pattern's text before its first wildcard. */
function literalPart(pattern: string): string {
  const at = pattern.search(/[*?]/);
  return at < 0 ? pattern : pattern.slice(0, at);
}

/** A pattern that names a path below a secret mount, from the root (`/run/secrets/app_settings`). */
function namesBelowSecretMount(pattern: string): boolean {
  const literal = literalPart(pattern);
  if (!literal.startsWith('/')) return false;
  for (const root of SECRET_MOUNT_ROOTS) {
    const at = root === '/kubelet/pods/' ? literal.indexOf(root) : literal.startsWith(root) ? 0 : -1;
    if (at >= 0 && literal.length > at + root.length) return true;
  }
  return false;
}

/**
 * Why a `reads.notSensitivePaths` pattern is refused, or null: one made of wildcards, dots and slashes alone
 * (`*`, `/*`, `.*`) declassifies every file, and one that is a secret mount's root declassifies nothing
 * (those are reached only below their root).
 */
export function notSensitivePatternProblem(pattern: string): string | null {
  if (!/[^*?./]/.test(pattern))
    return 'matches (nearly) every file; name the files or directories that are not secrets';
  const literal = literalPart(pattern);
  if (SECRET_MOUNT_PREFIXES.some((root) => root === literal || root === `${literal}/`))
    return 'names a whole secret mount; name the files below it that are not secrets';
  return null;
}

/**
 * A test of a path already found sensitive: does a `reads.notSensitivePaths` pattern declassify it? Null
 * when there are none, so the classifier skips it.
 */
export function createDeclassifier(patterns: readonly string[]): ((path: string) => boolean) | null {
  if (patterns.length === 0) return null;
  const all = compilePatterns(patterns);
  const mounts = compilePatterns(patterns.filter(namesBelowSecretMount));
  return (path) => matchesPattern(isSecretMountPath(path) ? mounts : all, path);
}
