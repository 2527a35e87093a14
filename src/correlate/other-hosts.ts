/**
 * A push whose command line names a host besides its destination connects to that one too: a copy's source
 * (`crane copy quay.io/acme/api:1 ghcr.io/evil/api:1` pulls from quay.io), a proxy (`git -c
 * http.proxy=http://proxy.corp:3128 push …`), a mirror. Which address served which host is not known, so its
 * addresses are neither labelled with the destination's name nor taught to the node as that host: crane's pull
 * from quay.io was shown as `(ghcr.io, registry)` and named another pod's upload to quay.io "ghcr.io" for an hour.
 */
import { canonicalHost } from '../rules/argv.js';
import { ARGV_HOST, ARGV_MAX_HOSTS, ARGV_SCAN_CHARS } from './destinations.js';

/** Docker Hub's names for itself: a copy from `docker.io/…` to `index.docker.io/…` names one host. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

function sameness(host: string): string {
  const h = canonicalHost(host.replace(/:\d+$/, ''));
  return DOCKER_HUB.has(h) ? 'docker.io' : h;
}

/**
 * A bare `word.word/` is a ref's registry (`quay.io/acme/api:1`) or a local directory (`oras push REF
 * release-1.2.0/app.tgz`, `node-v20.1/`, `out.d/`): a host's last label is two letters or more, or it is an
 * IPv4 address. A directory taken for a host cost every such push its addresses' labels.
 */
function dnsShaped(word: string): boolean {
  return /\.[a-z]{2,}$/i.test(word) || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(word);
}

/** Does `args` name a host (URL, scp-like remote, `host.tld/…` ref) other than `host`? */
export function namesOtherHost(args: string | null, host: string | null): boolean {
  if (args === null || host === null) return false;
  const own = sameness(host);
  const text = args.length > ARGV_SCAN_CHARS ? args.slice(0, ARGV_SCAN_CHARS) : args;
  let seen = 0;
  for (const m of text.matchAll(ARGV_HOST)) {
    const named = m[1] ?? m[2] ?? (m[3] !== undefined && dnsShaped(m[3]) ? m[3] : '');
    if (named !== '' && sameness(named) !== own) return true;
    if (++seen >= ARGV_MAX_HOSTS) break;
  }
  return false;
}
