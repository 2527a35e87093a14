/**
 * Whether the stdin of HTTPie's (or xh's) bare request carried a file. Naming no method and no data, the client
 * POSTs whatever stdin holds when it is no terminal (../rules/upload-shapes.ts): `https api.github.com/gists <
 * creds.json` uploads the file, but a CI job's `http https://api.github.com/repos/o/r/releases/latest`, whose
 * stdin is `/dev/null` (a pod's), a closed pipe or the runner's script, sends an empty POST or the job's own
 * script, no data of the machine (httpie/cli#457, #1551; xh#422). It was `high` whenever the job had read its
 * cloud credentials before (found by a false-positive review). The sensors do not show stdin; what shows it
 * carried a file:
 * - the client, or its pipeline (`cat key | http …`, ./pipeline.ts), read a file once it started: the client
 *   reads a redirected file itself through fd 0 (./reads.ts notePending calls noteStdinRead);
 * - a credential read just before its exec: by its pid (the shell's child opens `< creds.json` before it execs
 *   the client, which Falco shows as that pid's open and no read after), by anyone within REDIRECT_LEAD_MS (the
 *   same open, when another process's streak of reads of that file hides who), or within PIPE_LEAD_MS when a
 *   pipeline was started with it (`cat key | http …`: cat read the key before the client's exec was seen).
 * Files a client reads for itself are not its stdin: its Python modules and packages (HTTPie from a venv or
 * pipx), its own configuration and sessions, `.netrc` (which requests reads for every request naming no auth).
 */
import { PIPE_LEAD_MS } from './pipeline.js';
import type { ContainerState, ProcState, PushEpisode, SensitiveEntry } from './state.js';

/** A client's own files: Python's modules and packages, HTTPie's and xh's configuration, netrc. */
const CLIENT_OWN_FILE =
  /\/(?:site-packages|dist-packages|\.config\/httpie|\.httpie|\.config\/xh)\/|\.(?:py|pyc|pth|cfg)$|\/[._]netrc$/;
/** The shell's child opens a redirect's file and execs at once: well within this. */
const REDIRECT_LEAD_MS = 50;

/** A read by `proc` of `path` while `ep` is pending, after it started: a file its stdin may have carried. */
export function noteStdinRead(ep: PushEpisode, proc: ProcState, path: string): void {
  if (ep.stdinFeed === 'file' || ep.proc.push?.stdinBodyOnly !== true) return;
  if (proc.episode !== ep && !proc.feeds(ep)) return;
  if (!CLIENT_OWN_FILE.test(path)) ep.stdinFeed = 'file';
}

/** Whether a push whose body can only be its stdin was seen fed a file (above); any other push is. */
export function stdinFed(ep: PushEpisode, c: ContainerState): boolean {
  if (ep.stdinFeed === 'file' || ep.proc.push?.stdinBodyOnly !== true) return true;
  const t = ep.timeMs;
  const anyoneLeadMs = ep.stdinFeed === 'pipe' ? PIPE_LEAD_MS : REDIRECT_LEAD_MS;
  for (const s of c.sensitive ?? []) {
    if (CLIENT_OWN_FILE.test(s.path)) continue;
    if (readIn(s.readerFirstMs, s.readerLastMs, t - PIPE_LEAD_MS, t) && readByFeeder(s, ep)) return true;
    if (readIn(s.readerFirstMs, s.readerLastMs, t - anyoneLeadMs, t)) return true;
    if (readIn(s.othersFirstMs, s.othersLastMs, t - anyoneLeadMs, t)) return true;
  }
  return false;
}

/** A streak of reads [firstMs, lastMs] (NaN: none) meets [fromMs, toMs]. */
function readIn(firstMs: number, lastMs: number, fromMs: number, toMs: number): boolean {
  return lastMs >= fromMs && firstMs <= toMs;
}

/** Its streak's reader is the client's pid before the exec (the redirect's open) or a member of its pipeline. */
function readByFeeder(s: SensitiveEntry, ep: PushEpisode): boolean {
  const r = s.reader;
  if (r === null) return false;
  return (ep.proc.pid !== null && r.pid === ep.proc.pid) || r.feeds(ep);
}
