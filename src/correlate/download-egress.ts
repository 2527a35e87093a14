/**
 * A download that uploads is no download. Its exemptions (./download-lineage.ts, ./download-reads.ts) rest on
 * what it is, read from its name, place and command line; what it does is the check. A download's egress is
 * requests (~450 bytes a tarball, a few KiB of git's negotiation), so past `downloadEgressMaxBytes` to one
 * destination within the window it is an upload under a download's name: a renamed curl installed as
 * `~/.cargo/bin/cargo build` or `/home/x/bin/npm ci`, which no location rule tells from the real tool (rustup
 * installs cargo there), or a real tool made to send (found by review; test/unit/correlate/download-egress.test.ts).
 * It then loses the exemption for good: that egress makes a push by egress as any process's would, what it
 * reads from then on counts, and the credential stores it read as a download (a few kept: ./download-reads.ts)
 * count as the sensitive reads they would have been.
 */
import type { ProcState } from './state.js';

/**
 * The process, and what it starts from now on, are no download (./network.ts), also a child whose own command line
 * is one (`npm install` running `npm install`): each would have a bound of its own.
 */
export function loseDownload(proc: ProcState): void {
  proc.download = false;
  proc.more().lostDownload = true;
}

/** Whether a new process descends from one that lost the exemption (./processes.ts): it inherits the loss. */
export function inheritLostDownload(proc: ProcState, parent: ProcState | null): void {
  if (parent?.rare?.lostDownload === true) proc.more().lostDownload = true;
}
