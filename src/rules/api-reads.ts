/**
 * The `reads` of a command (../types.ts CommandSpec) for ./recognize.ts: API clients (`gh api`, `glab api`)
 * whose calls carry fields yet only read. Their fields then reach only the forge's request logs.
 */
import { hasFlag, type ParsedArgv } from './argv.js';
import type { ApiReads } from './types.js';

/**
 * An API call that only reads: a GET or HEAD (fields go into the query string), or a GraphQL document with
 * no `mutation` in it (searched in every word: Falco's unquoted argv splits the document). A body argv does
 * not show (from a file or stdin) may write.
 */
export function isApiRead(reads: ApiReads, parsed: ParsedArgv, remote: string | null): boolean {
  if (reads.fileBody.some((req) => hasFlag(parsed, req))) return false;
  // The last method given is the one sent.
  const methods = parsed.flags.filter((f) => reads.methodFlags.includes(f.flag) && f.value !== null);
  const method = methods[methods.length - 1]?.value;
  if (method !== undefined && method !== null) return reads.methods.includes(method.toUpperCase());
  if (remote?.replace(/^\/+/, '') !== reads.graphqlEndpoint) return false;
  const mutation = /mutation/i;
  return !parsed.positionals.some((w) => mutation.test(w)) && !parsed.flags.some((f) => mutation.test(f.value ?? ''));
}
