/**
 * The `url-commit` matcher (../types.ts PushMatcher) for ./recognize.ts: svnmucc commits straight to a
 * repository URL, whatever its actions. Every commit carries data from the machine (its log message, from
 * `-m` or a file with `-F`; a property value; a file with `put`), and which action uploads what cannot be
 * read back from argv as the sensors give it (Falco does not quote: `-m "fix put" mkdir URL` arrives as
 * `-m fix put mkdir URL`), so any run that reaches a server is a push.
 */
import type { ParsedArgv } from './argv.js';
import type { PushMatcher } from './types.js';

type UrlCommitMatcher = Extract<PushMatcher, { kind: 'url-commit' }>;

export interface UrlCommitPush {
  /** The first server URL argv names (an action's, else the root URL), or null (actions in a file). */
  remote: string | null;
  /** `put -`: the file it commits is its stdin. */
  stdin: boolean;
}

const URL_WORD = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The push a run makes, or null when it reaches no server (help, version, only `file://` URLs). */
export function matchUrlCommit(m: UrlCommitMatcher, parsed: ParsedArgv): UrlCommitPush | null {
  if (parsed.flags.some((f) => m.excludeFlags.includes(f.flag))) return null;
  const isServer = (url: string) => {
    const lower = url.toLowerCase();
    return m.remotePrefix.some((p) => lower.startsWith(p));
  };
  // A short option's value may be attached (`-Uhttps://…`, `-X/tmp/a`): the parser sees an unknown flag.
  const attached = (short: string) =>
    parsed.flags.find((f) => f.flag.length > 2 && f.flag.startsWith(short) && !f.flag.startsWith('--'))?.flag.slice(2);
  const root =
    parsed.flags.find((f) => m.rootUrlFlags.includes(f.flag) && f.value)?.value ??
    m.rootUrlFlags.map(attached).find((v) => v !== undefined) ??
    null;
  const words = parsed.positionals;
  const remote = words.find((w) => URL_WORD.test(w) && isServer(w)) ?? (root !== null && isServer(root) ? root : null);
  const stdin = words.some((w, i) => w === '-' && words[i - 1] === 'put');
  if (remote !== null) return { remote, stdin };
  const moreActions =
    parsed.flags.some((f) => m.moreActionsFlags.includes(f.flag)) ||
    m.moreActionsFlags.some((f) => attached(f) !== undefined);
  // The file's actions are unseen: their URLs too (the first connect names the destination).
  return moreActions && (root === null || isServer(root)) ? { remote: root, stdin: false } : null;
}
