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
 * The first URL the script names that is an upload target; else, since the standard library's clients take the
 * host and the path apart (Python's `http.client`, Node's `https.request`: found by the evasion hunt, no URL in the
 * script), the first host written alone that is one, for any path: which string is its path the script does not
 * say, and a decoy one (`'/repos/acme/app/statuses/x'`) must not meet an allowlist entry's path.
 */
export function scriptUploadTarget(
  args: string,
  isUploadTarget: UploadTargetTest,
): { remote: string; host: string } | null {
  for (const match of args.matchAll(/https?:\/\/[^\s'"()<>,;]+/g)) {
    const u = urlHost(match[0]);
    if (u && isUploadTarget(u.host, u.path)) return { remote: match[0], host: u.host };
  }
  for (const match of args.matchAll(QUOTED_HOST)) {
    const host = match[2]!.toLowerCase();
    if (isUploadTarget(host, '/')) return { remote: host, host };
  }
  return null;
}
