/**
 * How many calls that only report back (../rules/reporting-calls.ts) a container may make before the next is a push.
 * Each is no push by its shape (a short inline body, nothing shaped like a secret), but nothing bounds how many a
 * process may make: red-team review split an SSH key's or a kubeconfig's text, with blanks in it or in base32's
 * capitals, across a comment or status description per KiB, every one quiet after the read. A job reports a few
 * times (a pending and a final status, a check run, a comment, a label); past REPORTS_PER_WINDOW within
 * REPORT_WINDOW_MS in one container, each further call is judged as any push is (`sensitive-read-then-push` once a
 * credential was read within the window). A call's place is taken when it is first judged, and kept.
 */
import { exemptionsOf, pushExemptionsOf } from './exemption-state.js';
import type { PushEpisode } from './state.js';

/** Reporting calls a container makes within REPORT_WINDOW_MS that stay no push. */
export const REPORTS_PER_WINDOW = 12;
export const REPORT_WINDOW_MS = 10 * 60_000;

/**
 * The times of a container's reporting calls in the window, oldest first, at most REPORTS_PER_WINDOW + 1 (those
 * past the bound need not be kept: one is enough to say the bound is spent) are ContainerExemptions `reports`
 * (./exemption-state.ts: only containers that report have them). Each call's place, decided once, is its
 * PushExemptions `pastReportBound`: judged again (early, then final), it keeps it.
 */

/** Whether a reporting call is past its container's bound: a push. Any other push is one (true). */
export function reportPastBound(ep: PushEpisode): boolean {
  if (ep.proc.push?.reportsOnly !== true) return true;
  const known = ep.exempt?.pastReportBound ?? null;
  if (known !== null) return known;
  const exempt = exemptionsOf(ep.container);
  let times = exempt.reports;
  if (times === null) {
    times = [];
    exempt.reports = times;
  }
  const fromMs = ep.timeMs - REPORT_WINDOW_MS;
  while (times.length > 0 && times[0]! <= fromMs) times.shift();
  const past = times.length >= REPORTS_PER_WINDOW;
  if (times.length <= REPORTS_PER_WINDOW) times.push(ep.timeMs);
  pushExemptionsOf(ep).pastReportBound = past;
  return past;
}
