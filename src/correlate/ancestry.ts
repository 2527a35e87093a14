/**
 * Who started the push, as far as the tables know: its process's parent, that one's parent, … within its
 * container. The response's first step sent the responder to "the process tree in this alert's evidence",
 * which holds the push and its helpers only: whether a shell under the application (remote code execution),
 * a `kubectl exec` shell or the CI job's runner started it was in no field.
 */
import type { ActivityEvent } from '../model/normalized-event.js';
import { redact } from './redact.js';
import type { ProcState, PushEpisode } from './state.js';

const MAX_ANCESTORS = 3;
/** A parent's command line as shown: `sh -c '…'` may repeat the whole pipeline. */
const MAX_COMMAND_CHARS = 160;

/** The pushing process's parent as its own event names it (ProcessRef.parentBinary/parentArgs). */
export interface EventParent {
  binary: string | null;
  args: string | null;
}

/** The parent `e` names for its own process; null when it names none. */
export function eventParentOf(e: ActivityEvent): EventParent | null {
  const binary = e.process.parentBinary ?? null;
  const args = e.process.parentArgs ?? null;
  return binary === null && args === null ? null : { binary, args };
}

function commandText(binary: string | null, args: string | null): string {
  const text = redact(`${binary ?? '?'}${args ? ` ${args}` : ''}`);
  return text.length > MAX_COMMAND_CHARS ? `${text.slice(0, MAX_COMMAND_CHARS - 1)}…` : text;
}

/**
 * `text` as a Markdown code span (CommonMark 6.1): fenced by a run of backticks longer than any inside it, and
 * padded with a space where it starts or ends with a backtick (one such space is stripped on each side). A
 * command line holding a backtick (`` sh -c 'echo `id`' ``) ended the span at it and showed the rest as Markdown.
 */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^`|`$|^ .* $/s.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * `` `/bin/sh -c …` (pid 7) ← `/app/server` (pid 1) ``, nearest first; null when no parent is known. When the
 * tables hold no parent (it started before exfilwatch, or was evicted before the push's exec), the one the
 * push's own event named stands in, without a pid: Tetragon's events give none, and both forms read alike.
 */
function ancestryText(proc: ProcState, eventParent: EventParent | null): string | null {
  const parts: string[] = [];
  for (let p = proc.parent; p !== null && parts.length < MAX_ANCESTORS; p = p.parent) {
    if (p.container !== proc.container) break;
    parts.push(`${inlineCode(commandText(p.binary, p.args))}${p.pid !== null ? ` (pid ${p.pid})` : ''}`);
  }
  if (proc.parent === null && eventParent !== null)
    parts.push(inlineCode(commandText(eventParent.binary, eventParent.args)));
  return parts.length === 0 ? null : parts.join(' ← ');
}

/** The first step when a process in the pod ran the push (a pod-side kubectl cp's was started by the runtime). */
export function findStarterStep(ep: PushEpisode, cmd: string, podText: string): string {
  const parents = ancestryText(ep.proc, ep.eventParent);
  return `Find who or what started ${inlineCode(cmd)} (pid ${ep.proc.pid ?? '?'}${ep.proc.execId ? `, exec ${ep.proc.execId}` : ''})${parents ? `, started by ${parents},` : ''} in ${podText} on node ${ep.node.name}: check the Kubernetes audit log for exec/attach/cp into the pod, the owning workload's recent rollouts and CI jobs, and the process tree in this alert's evidence.`;
}
