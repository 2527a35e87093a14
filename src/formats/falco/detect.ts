/**
 * Tells a Falco alert from a Tetragon export line by shape (for `--format auto`). Falco alerts carry a
 * string `rule` plus `priority` or `output` (and usually `output_fields`); Tetragon lines carry one
 * top-level event key (`process_exec`, `process_kprobe`, …) and never a `rule`.
 */
/** Why a JSON object is not a Falco alert (receiver 400 bodies, scan and events decode errors). */
export const NOT_A_FALCO_ALERT = 'not a Falco alert: expected a string "rule" and a "priority" or "output"';

export function isFalcoEvent(obj: Record<string, unknown>): boolean {
  if (typeof obj.rule !== 'string') return false;
  if (typeof obj.priority !== 'string' && typeof obj.output !== 'string') return false;
  return !('process_exec' in obj || 'process_kprobe' in obj || 'process_exit' in obj);
}
