/**
 * Who started the push, as far as the tables know: its process's parent, that one's parent, … within its
 * container. The response's first step sent the responder to "the process tree in this alert's evidence",
 * which holds the push and its helpers only: whether a shell under the application (remote code execution),
 * a `kubectl exec` shell or the CI job's runner started it was in no field.
 */
import { redact } from './redact.js';
import type { ProcState } from './state.js';

const MAX_ANCESTORS = 3;
/** A parent's command line as shown: `sh -c '…'` may repeat the whole pipeline. */
const MAX_COMMAND_CHARS = 160;

function commandText(p: ProcState): string {
  const text = redact(`${p.binary ?? '?'}${p.args ? ` ${p.args}` : ''}`);
  return text.length > MAX_COMMAND_CHARS ? `${text.slice(0, MAX_COMMAND_CHARS - 1)}…` : text;
}

/** `` `/bin/sh -c …` (pid 7) ← `/app/server` (pid 1) ``, nearest first; null when no parent is known. */
export function ancestryText(proc: ProcState): string | null {
  const parts: string[] = [];
  for (let p = proc.parent; p !== null && parts.length < MAX_ANCESTORS; p = p.parent) {
    if (p.container !== proc.container) break;
    parts.push(`\`${commandText(p)}\`${p.pid !== null ? ` (pid ${p.pid})` : ''}`);
  }
  return parts.length === 0 ? null : parts.join(' ← ');
}
