/**
 * Where an interpreter's inline script (`python -c`, `node -e`…) uploads, when it names a forge's or registry's
 * API: the push-tool table's `script-upload` matcher (./tools/http.ts), read by ./recognize.ts.
 */
import { urlHost } from './argv.js';
import type { UploadTargetTest } from './recognize.js';

/**
 * A host written alone as a string (`HTTPSConnection('api.github.com')`, `{host:"api.github.com"}`, the closing
 * quote possibly escaped as Tetragon gives a double-quoted script): dotted, its last label letters.
 */
const QUOTED_HOST = /(['"`])((?:[a-z0-9-]+\.)+[a-z]{2,})(?::\d{1,5})?\\?\1/gi;

/**
 * The writing request a client given the host alone makes: a quoted method (`request('POST', …)`, `{method:'PUT'}`,
 * also with Tetragon's escaped closing quote), a client's writing call (Ruby's `h.post '/gists', …`,
 * `Net::HTTP::Post.new`) or a raw request line (`POST /gists HTTP/1.1`). The matcher's verbs (./tools/http.ts) are
 * any such word anywhere, enough beside a URL but not beside a host alone: a CI one-liner naming a registry said
 * one as it built a job matrix (`{'registry':'ghcr.io','push':True}`) or a tag list (`tags.push(…)`) and was a
 * push to it (found by review).
 */
const HOST_ALONE_WRITE =
  /(['"`])(?:post|put|patch)\\?\1|\.(?:post|put|patch|request_post|request_put)\b|::(?:post|put|patch)\b|\b(?:post|put|patch) \//i;

/**
 * The first URL the script names that is an upload target; else, since the standard library's clients take the
 * host and the path apart (Python's `http.client`, Node's `https.request`: found by the evasion hunt, no URL in the
 * script), the first host written alone that is one, for any path, when the script makes a writing request
 * (HOST_ALONE_WRITE): which string is its path the script does not say, and a decoy one
 * (`'/repos/acme/app/statuses/x'`) must not meet an allowlist entry's path.
 */
export function scriptUploadTarget(
  args: string,
  isUploadTarget: UploadTargetTest,
): { remote: string; host: string } | null {
  for (const match of args.matchAll(/https?:\/\/[^\s'"()<>,;]+/g)) {
    const u = urlHost(match[0]);
    if (u && isUploadTarget(u.host, u.path)) return { remote: match[0], host: u.host };
  }
  if (!HOST_ALONE_WRITE.test(args)) return null;
  for (const match of args.matchAll(QUOTED_HOST)) {
    const host = match[2]!.toLowerCase();
    if (isUploadTarget(host, '/')) return { remote: host, host };
  }
  return null;
}
