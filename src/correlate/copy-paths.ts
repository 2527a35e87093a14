/**
 * What a copy's command line says about where its sources went (`cp`, `mv`, `ln`, `install`: ./relinks.ts;
 * `rsync`: ./rsync-copies.ts), shared so both read paths the same way: a relative path starts at the exec's
 * working directory when the sensor gave it (Tetragon `process.cwd`, Falco `proc.cwd`).
 */
import { posix } from 'node:path';

/**
 * A copy's sources and where they go. `sources` are absolute (a relative one without a working directory is
 * taken from `/`, enough to classify `.git-credentials` by name); `target` is the destination when it is known
 * absolutely (a relative one without a working directory is null); `intoDirectory`: the destination is a
 * directory the sources go into (`-t DIR`, a trailing `/`, several sources), else it may be the new name itself.
 */
export interface Relink {
  sources: string[];
  target: string | null;
  intoDirectory: boolean;
  /**
   * The sources can only be files (`cp` without `-r`/`-R`/`-a`, `install`, `rsync` without `-r`/`-a`): a target
   * that is no new name is a directory they went into, never a directory copied whole, so nothing below it but
   * their own names is theirs.
   */
  filesOnly: boolean;
  /**
   * By source (same index): where it lands when `target` is a directory it went into. `TARGET/NAME` as a rule;
   * `TARGET/` and the path as given with `cp --parents` and `rsync -R`; `TARGET` itself for rsync's `DIR/` (its
   * files go there). Empty when `target` is null. A shell's script (./shell-copies.ts) gives each source where its
   * own copy is, `intoDirectory` set and `target` its first.
   */
  into: string[];
}

export const NO_RELINK: Relink = { sources: [], target: null, intoDirectory: false, filesOnly: false, into: [] };

/** A working directory the sensor gave, or null (absent, empty or not absolute: nothing to resolve against). */
export function workingDirectory(cwd: string | null | undefined): string | null {
  return cwd?.startsWith('/') ? cwd : null;
}

/**
 * A source made absolute: against `base` (the working directory) when known, else from `/`. An absolute one is
 * resolved too, as the kernel reads it: `/var/run/./secrets/…` or `//var/run/…` is the service-account token
 * (found by review: no secret by name, so its copy into a workspace was not one).
 */
export function absoluteSource(path: string, base: string | null): string {
  const absolute = path.startsWith('/');
  if (!absolute && base === null) return `/${path.replace(/^(?:\.\/)+/, '')}`;
  if (absolute ? resolvedAlready(path) : resolvedAlready(path) && resolvedAlready(base!))
    return absolute ? path : `${base!.endsWith('/') ? base : `${base}/`}${path}`;
  const resolved = posix.resolve(base ?? '/', path);
  // A trailing `/` says "a directory" (`mv .ssh/ /tmp/a`): kept for holdsSecrets.
  return path.endsWith('/') && resolved !== '/' ? `${resolved}/` : resolved;
}

/**
 * A destination made absolute and resolved (`/workspace//source/./t` is read as `/workspace/source/t`), without
 * trailing slashes; null when relative with no working directory, or `/`.
 */
export function absoluteTarget(path: string | null, base: string | null): string | null {
  if (path === null || path === '') return null;
  const absolute = path.startsWith('/')
    ? resolvedAlready(path)
      ? path
      : posix.resolve(path)
    : base === null
      ? null
      : posix.resolve(base, path);
  return absolute?.replace(/\/+$/, '') || null;
}

/** A destination that can only be a directory: a trailing `/`, or `.` and `..` (`cp -r DIR .` makes `./DIR`). */
export function namesDirectory(path: string): boolean {
  return path.endsWith('/') || /(?:^|\/)\.\.?$/.test(path);
}

/** `TARGET/NAME`: where a source that went into the directory `target` is. */
export function intoByName(target: string, source: string): string {
  const trimmed = source.replace(/\/+$/, '');
  return `${target}/${trimmed.slice(trimmed.lastIndexOf('/') + 1)}`;
}

/** `TARGET/` and the source's path as given (`cp --parents a/b/token /w` makes `/w/a/b/token`). */
export function intoByPath(target: string, given: string): string {
  const below = given.replace(/^\/+/, '');
  return (resolvedAlready(below) ? `${target}/${below}` : posix.join(target, below)).replace(/\/+$/, '');
}

/**
 * A path with no `.` or `..` part and no doubled `/`: joined to a resolved directory as it is. posix.resolve costs
 * ~1 µs a path, and a 64 KiB `cp` or `rsync` command line names thousands of them (found by review: 30 ms an exec).
 */
function resolvedAlready(path: string): boolean {
  return path !== '' && !path.includes('//') && !/(?:^|\/)\.\.?(?:\/|$)/.test(path);
}
