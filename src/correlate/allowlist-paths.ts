/**
 * Allowlist `destination: HOST/PATH-GLOB` (INTERFACES.md keeps the field; this is a value form of it): a push
 * to a shared forge or registry (ghcr.io, registry.gitlab.com, github.com) is exempt only when its remote
 * names a repository under the operator's own path, since a host-only entry also covers an attacker's account
 * on the same host. Matched on the recognised push's remote, never on egress: a push with no remote (by
 * egress only, or a tool whose repository comes from a config file, `gh release upload`) never matches.
 */
/** Where a remote says it pushes: the host (lowercase, no port) and the repository path (lowercase, no `.git`, tag or digest). */
export interface RemoteRepository {
  host: string;
  path: string;
}

/** Docker Hub's names for itself, all written `docker.io` in an entry. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** GitHub's API hosts name the repository as /repos/OWNER/REPO/…: the entry is written for github.com. */
const GITHUB_API_HOSTS = new Set(['api.github.com', 'uploads.github.com']);

function hostOf(authority: string): string {
  const at = authority.lastIndexOf('@');
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  const host = hostPort.startsWith('[') ? hostPort.slice(0, hostPort.indexOf(']') + 1) : hostPort.replace(/:\d*$/, '');
  const lower = host.toLowerCase();
  return DOCKER_HUB.has(lower) ? 'docker.io' : lower;
}

/**
 * A repository path as an entry compares it: lowercase (registries lowercase repositories, GitHub and GitLab
 * route owners and names case-insensitively), no `.git` suffix nor trailing slash. null when it could name
 * something else than it reads as (`..` or `.` segments, percent escapes, empty segments).
 */
function cleanPath(raw: string): string | null {
  const path = raw
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '')
    .toLowerCase();
  if (path === '' || path.includes('%') || path.includes('\\')) return null;
  for (const seg of path.split('/')) if (seg === '' || seg === '.' || seg === '..') return null;
  return path;
}

/** A forge API URL's repository: GitHub's /repos/O/R/… (and GHES' /api/v3/…), GitLab's /api/v4/projects/O%2FR/…. */
function apiRepository(host: string, path: string): RemoteRepository | null | undefined {
  const gh = /^\/(?:api\/(?:v3|uploads)\/)?repos\/([^/]+)\/([^/]+)(?:\/|$)/i.exec(path);
  if (gh && (GITHUB_API_HOSTS.has(host) || path.toLowerCase().startsWith('/api/'))) {
    const p = cleanPath(`${gh[1]}/${gh[2]}`);
    return p === null ? null : { host: GITHUB_API_HOSTS.has(host) ? 'github.com' : host, path: p };
  }
  const gl = /^\/api\/v4\/projects\/([^/]+)(?:\/|$)/i.exec(path);
  if (gl) {
    // A numeric project id names no path: never matches (the safe side).
    let decoded: string;
    try {
      decoded = decodeURIComponent(gl[1]!);
    } catch {
      return null;
    }
    const p = decoded.includes('/') ? cleanPath(decoded) : null;
    return p === null ? null : { host, path: p };
  }
  return undefined;
}

/**
 * The host and repository path a push's remote names: an image ref (`registry/org/repo:tag@sha256:…`, Docker
 * Hub's `org/repo` and `repo` as docker.io), `oci://…`, a git URL (`https://host/org/repo.git`,
 * `ssh://git@host:22/org/repo`, `git@host:org/repo`), a forge API URL, or gh's `--repo OWNER/REPO`. null when it names no repository
 * path (a remote name like `origin`, a bare host, a path that could mean another).
 */
export function remoteRepository(remote: string, destinationHost: string | null = null): RemoteRepository | null {
  const text = remote.trim();
  const url = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i.exec(text);
  if (url) {
    const scheme = url[1]!.toLowerCase();
    // skopeo's docker://REF is an image ref, Docker Hub's `docker://acme/app` included.
    if (scheme === 'docker') return imageRepository(text.slice(url[1]!.length + 3), destinationHost);
    // `https://evil.example\@github.com/…`: a URL parser that reads `\` as `/` goes to evil.example.
    if (/[\\\s]/.test(url[2]!)) return null;
    const host = hostOf(url[2]!);
    // file://host/path is a local path: it names no host the push goes to.
    if (host === '' || scheme === 'file') return null;
    const rawPath = url[3]!;
    // A dot segment anywhere, escaped too: curl removes `..` before sending (RFC 3986), so
    // /repos/acme/app/../../evil/y/… is evil/y's, past the part an API URL's repository is read from.
    if (hasDotSegment(rawPath)) return null;
    if (scheme === 'http' || scheme === 'https') {
      const api = apiRepository(host, rawPath);
      if (api !== undefined) return api;
    }
    const path = cleanPath(scheme === 'oci' ? stripTagAndDigest(rawPath) : rawPath);
    return path === null ? null : { host, path };
  }
  // scp-like git remote: [user@]host:path, the host without a slash before the colon.
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(text);
  if (scp && !/^\d+(?:[/@]|$)/.test(scp[2]!) && (text.includes('@') || scp[1]!.includes('.'))) {
    const path = cleanPath(scp[2]!);
    return path === null ? null : { host: hostOf(scp[1]!), path };
  }
  return imageRepository(text, destinationHost);
}

/**
 * Does `other` (another remote the push's argv names, a later step's) name another repository than the push's
 * own remote, or none where that names one? Then no path entry may take the push for the first one's.
 */
export function namesOtherRepository(first: string | null, other: string, destinationHost: string | null): boolean {
  if (first === null || first === other) return false;
  const own = remoteRepository(first, destinationHost);
  if (own === null) return false;
  const repo = remoteRepository(other, destinationHost);
  return repo === null || repo.host !== own.host || repo.path !== own.path;
}

/**
 * namesOtherRepository for a later step of the push (git's transport helper, its ssh's receive-pack): a bare
 * word there (a remote's name, `origin`) says nothing of where the push goes.
 */
export function stepNamesOtherRepository(remote: string | null, step: string | null, destinationHost: string | null) {
  return step !== null && /[/:]/.test(step) && namesOtherRepository(remote, step, destinationHost);
}

function hasDotSegment(path: string): boolean {
  return path.split('/').some((seg) => /^(?:\.|%2e){1,2}$/i.test(seg));
}

function stripTagAndDigest(ref: string): string {
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/**
 * An image ref, its registry as docker's reference grammar reads it (a first part with `.`, `:` or localhost).
 * With none, the push's destination host, which its tool took from the same argv: Docker Hub for docker's
 * `acme/app`, the forge for gh's and glab's `--repo acme/app` (api.github.com as github.com).
 */
function imageRepository(ref: string, destinationHost: string | null): RemoteRepository | null {
  if (/\s/.test(ref) || ref === '') return null;
  const name = stripTagAndDigest(ref);
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    const path = cleanPath(name.slice(slash + 1));
    return path === null ? null : { host: hostOf(first), path };
  }
  const host = destinationHost === null ? 'docker.io' : hostOf(destinationHost);
  const forge = GITHUB_API_HOSTS.has(host) ? 'github.com' : host;
  // Docker Hub's `repo` is library/repo; elsewhere, and a bare word with no tag (a git remote name, `origin`;
  // gh's tag, `v1.4.0`), one word names no repository.
  if (slash < 0 && (forge !== 'docker.io' || name === ref)) return null;
  const path = cleanPath(slash < 0 ? `library/${name}` : name);
  return path === null ? null : { host: forge, path };
}

/**
 * A test of one `HOST/PATH-GLOB` value. `*` and `?` stay within one path segment (`ghcr.io/acme/*` is acme's
 * repositories, not acme/team/x); `**` crosses segments (`registry.gitlab.com/acme/**`: GitLab subgroups).
 * Host and path compare case-insensitively; a `.git` on the entry's path is dropped as on the remote's.
 */
export function repositoryPathTest(
  value: string,
  hostGlob: (glob: string) => RegExp,
): (remote: string | null, destinationHost: string | null, tool?: string | null) => boolean {
  const slash = value.indexOf('/');
  const host = hostGlob(value.slice(0, slash));
  const pathGlob = value
    .slice(slash + 1)
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .toLowerCase();
  const path = new RegExp(
    `^${pathGlob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*|\*|\?/g, (m) => (m === '**' ? '.*' : m === '*' ? '[^/]*' : '[^/]'))}$`,
  );
  return (remote, destinationHost, tool = null) => {
    if (remote === null) return false;
    const repo = remoteRepository(remote, destinationHost);
    if (repo === null || !host.test(repo.host)) return false;
    if (path.test(repo.path)) return true;
    // `helm push CHART oci://REGISTRY/NS` uploads to NS/<chart name>, a name inside the archive that argv does
    // not show: an entry written for that (`ghcr.io/acme/charts/*`) matches when it would for any chart name.
    // `%`, which no entry's path holds, stands for the name; its two lengths tell a `*` from a `?`.
    return (
      tool === 'helm' && /^oci:\/\//i.test(remote.trim()) && path.test(`${repo.path}/%`) && path.test(`${repo.path}/%%`)
    );
  };
}

/** Why a `HOST/PATH-GLOB` destination value is malformed, or null. */
export function repositoryPathProblem(value: string): string | null {
  const slash = value.indexOf('/');
  const host = value.slice(0, slash);
  const path = value.slice(slash + 1);
  if (/^[a-z][a-z0-9+.-]*:$/i.test(host) && value.startsWith(`${host}//`))
    return `"${value}" is a URL: write HOST/PATH-GLOB without the scheme (ghcr.io/acme/*)`;
  if (host === '' || /[:@\s]/.test(host)) return `"${host}" is not a host glob before the repository path`;
  // A remote's host is read with these aliases folded (remoteRepository): an entry written with one never matched.
  const lower = host.toLowerCase();
  if (DOCKER_HUB.has(lower) && lower !== 'docker.io')
    return `"${host}" is Docker Hub, matched as docker.io: write docker.io/…`;
  if (GITHUB_API_HOSTS.has(lower))
    return `"${host}" is GitHub's API host, matched as github.com: write github.com/OWNER/REPO`;
  if (host.endsWith('.')) return `"${host}" ends with a dot, which no remote's host is compared with: drop it`;
  if (path === '' || path.startsWith('/')) return 'the repository path after the host is empty';
  if (/[:@\s%\\]/.test(path)) return `"${path}" names a tag, digest or escape: write the repository path only`;
  for (const seg of path.replace(/\/+$/, '').split('/')) {
    if (seg === '' || seg === '.' || seg === '..') return `"${path}" has an empty, "." or ".." segment`;
  }
  return null;
}
