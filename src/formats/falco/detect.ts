/**
 * Tells a Falco alert from a Tetragon export line by shape (for `--format auto`). Falco alerts carry a
 * string `rule` plus `priority` or `output` (and usually `output_fields`); Tetragon lines carry one
 * top-level event key (`process_exec`, `process_kprobe`, …) and never a `rule`.
 */
/** Why a JSON object is not a Falco alert (receiver 400 bodies, scan and events decode errors). */
const NOT_A_FALCO_ALERT = 'not a Falco alert: expected a string "rule" and a "priority" or "output"';

export function isFalcoEvent(obj: Record<string, unknown>): boolean {
  if (typeof obj.rule !== 'string') return false;
  if (typeof obj.priority !== 'string' && typeof obj.output !== 'string') return false;
  return !('process_exec' in obj || 'process_kprobe' in obj || 'process_exit' in obj);
}

/**
 * Why `obj` is not a Falco alert, saying so when it is a Tetragon export line (a top-level `process_*` key), the
 * likeliest wrong line (`--format falco` over Tetragon's file, a Tetragon line posted to the receiver): where it
 * goes, not only which keys are missing.
 */
export function notAFalcoAlert(obj: Record<string, unknown>): string {
  for (const key in obj) if (key.startsWith('process_')) return TETRAGON_EVENT_AS_FALCO;
  return NOT_A_FALCO_ALERT;
}

const TETRAGON_EVENT_AS_FALCO =
  'not a Falco alert: this is a Tetragon event (process_*): read it as Tetragon (scan or events --format auto ' +
  'or tetragon; live, a tetragon-file or tetragon-grpc source)';
