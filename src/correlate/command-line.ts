/**
 * A process's command line as a push step's evidence shows it, and the note after one the sensor cut, which
 * redaction (./redact.ts) takes as where the cut text ends.
 */
import type { ProcState } from './proc-state.js';

/** What a push step's evidence says after a command line Falco cut at 4 KiB. */
export const ARGV_CUT_NOTE = ' […cut by the sensor: the rest of its command line is unknown]';
/** ARGV_CUT_NOTE as a regex's source matches it (redaction's cut rules). */
export const ARGV_CUT_NOTE_PATTERN = ARGV_CUT_NOTE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function cmdline(proc: ProcState): string {
  return `${proc.binary ?? '?'}${proc.args ? ` ${proc.args}` : ''}`;
}
