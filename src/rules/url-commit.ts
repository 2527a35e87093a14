/**
 * The `url-commit` matcher (../types.ts PushMatcher) for ./recognize.ts: svnmucc commits straight to a
 * repository URL. A run is a push when it reaches a server with data from the machine: a file (`put`,
 * `propsetf`), a property value (`propset`), a log message from a file (`-F`), or actions argv does not show
 * (`-X`). Where in the action list the upload sits cannot be read back from argv as the sensors give it
 * (Falco does not quote: `-m "nightly mkdir" put F URL` arrives as `-m nightly mkdir put F URL`), so the
 * upload's word anywhere will do. A tag or a directory made on the server alone (`cp`, `mkdir`, `mv`, `rm`)
 * is not a push.
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
  const given = (flags: readonly string[]) =>
    parsed.flags.some((f) => flags.includes(f.flag)) ||
    // Attached (`-X/tmp/a`) or after boolean short options (`-nX/tmp/a`).
    flags.some((f) => !f.startsWith('--') && parsed.flags.some((g) => new RegExp(`^-n*${f.slice(1)}.`).test(g.flag)));
  const moreActions = given(m.moreActionsFlags);
  const uploads = moreActions || given(m.dataFlags) || words.some((w) => m.uploadWords.includes(w));
  if (!uploads) return null;
  const remote = words.find((w) => URL_WORD.test(w) && isServer(w)) ?? (root !== null && isServer(root) ? root : null);
  const stdin = words.some((w, i) => w === '-' && words[i - 1] === 'put');
  if (remote !== null) return { remote, stdin };
  // The file's actions are unseen: their URLs too (the first connect names the destination).
  return moreActions && (root === null || isServer(root)) ? { remote: root, stdin: false } : null;
}
