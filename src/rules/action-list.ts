/**
 * The `action-list` matcher (../types.ts PushMatcher) for ./recognize.ts: svnmucc's argv is a list of actions,
 * each taking a fixed number of arguments, committed together as one revision.
 */
import type { ParsedArgv } from './argv.js';
import type { ListAction, PushMatcher } from './types.js';

type ActionListMatcher = Extract<PushMatcher, { kind: 'action-list' }>;

export interface ActionListPush {
  /** The first upload's URL (under the root URL when argv gave a path), else the root URL, else null. */
  remote: string | null;
  /** An upload's source is `-`: its payload is the tool's stdin. */
  stdin: boolean;
}

const URL_WORD = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The push an action list makes, or null when it uploads nothing to a server. */
export function matchActionList(m: ActionListMatcher, parsed: ParsedArgv): ActionListPush | null {
  if (parsed.flags.some((f) => m.excludeFlags.includes(f.flag))) return null;
  const root = parsed.flags.find((f) => m.rootUrlFlags.includes(f.flag) && f.value)?.value ?? null;
  const words = parsed.positionals;
  let remote: string | null = null;
  let stdin = false;
  for (let i = 0; i < words.length; ) {
    const name = words[i]!;
    const action: ListAction | undefined = Object.hasOwn(m.actions, name) ? m.actions[name] : undefined;
    // Not an action: the tool would refuse the list and send nothing, unless the sensor split a quoted
    // argument (Falco does not quote: `-m "two words"` leaves `words` here). Go on from the next word.
    if (action === undefined) {
      i++;
      continue;
    }
    if (action.upload !== undefined) {
      const url = uploadUrl(words, i + 1 + action.upload.url, root);
      if (url !== null && m.remotePrefix.some((p) => url.startsWith(p))) {
        remote ??= url;
        if (words[i + 1 + action.upload.source] === '-') stdin = true;
      }
    }
    i += 1 + action.args;
  }
  if (remote !== null) return { remote, stdin };
  // The file's actions are unseen: any of them may upload.
  if (parsed.flags.some((f) => m.moreActionsFlags.includes(f.flag))) return { remote: root, stdin: false };
  return null;
}

/**
 * The URL at `at`: as given, or a path under the root URL. A path with no root URL is refused by the tool,
 * unless the sensor split a quoted source (`put "/tmp/a b" URL`): then the URL is the next one in argv.
 */
function uploadUrl(words: readonly string[], at: number, root: string | null): string | null {
  const word = words[at];
  if (word === undefined) return null;
  if (URL_WORD.test(word)) return word;
  if (root !== null) return `${root.replace(/\/+$/, '')}/${word.replace(/^\/+/, '')}`;
  return words.slice(at + 1).find((w) => URL_WORD.test(w)) ?? null;
}
