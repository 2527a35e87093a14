/**
 * Pipelines feeding a push: `tar czf - /data | curl -T - URL` uploads what tar reads, and tar is curl's
 * sibling (same parent shell), not its child, so it is not the push's lineage. When a push reads its payload
 * from stdin (PushRecognition.stdin), the processes started with it under the same parent — from
 * PIPE_LEAD_MS before the push, or later while the pusher still runs and the push is pending — and their
 * children are its pipeline: their reads count like its own (ReadTracker.notePending). Runs on execs and
 * push recognitions only, never per read.
 */
import type { ContainerState, ProcState, PushEpisode } from './state.js';

/** A pipeline's members are forked together: one exec'd this long before the push is one of them. */
export const PIPE_LEAD_MS = 1_000;
/**
 * Execs a node remembers for that: a pipeline's members are exec'd within milliseconds of its pusher, so
 * the node's last 64 cover them unless 64 other execs land in between (a node at thousands of execs a
 * second). One ring per node keeps at most this many processes alive past their expiry.
 */
const RECENT = 64;

/** The last RECENT execs of a node with a known parent, and when they happened. */
export class RecentExecs {
  private readonly procs: Array<ProcState | null> = new Array<ProcState | null>(RECENT).fill(null);
  private readonly ms = new Float64Array(RECENT).fill(Number.NaN);
  private next = 0;

  add(proc: ProcState, t: number): void {
    this.procs[this.next] = proc;
    this.ms[this.next] = t;
    this.next = (this.next + 1) % RECENT;
  }

  /** Makes the siblings of `pusher` exec'd from PIPE_LEAD_MS before the push members of its pipeline. */
  markSiblings(pusher: ProcState, ep: PushEpisode): void {
    let ref: WeakRef<PushEpisode> | null = null;
    for (let i = 0; i < RECENT; i++) {
      const p = this.procs[i];
      if (p === null || p === undefined || p === pusher || p.dropped || p.parent !== pusher.parent) continue;
      if (this.ms[i]! < ep.timeMs - PIPE_LEAD_MS || p.episode === ep) continue;
      ref ??= new WeakRef(ep);
      p.more().pipeEp = ref;
      if (ep.stdinFeed === 'none') ep.stdinFeed = 'pipe';
    }
  }
}

/**
 * A process exec'd in `c` whose parent is known: remembered (a push may follow), and made a member of a
 * pending push's pipeline when its parent is one (a child of tar, the `sh -c` of a pipeline stage) or is
 * the parent of a stdin push still running (a producer started late: `(sleep 11; cat data) | curl -T -`).
 */
export function noteExec(c: ContainerState, proc: ProcState, parent: ProcState, t: number): void {
  let recent = c.node.recentExecs;
  if (recent === null) {
    recent = new RecentExecs();
    c.node.recentExecs = recent;
  }
  recent.add(proc, t);
  if (c.pending.length === 0) return;
  // Held weakly (ProcState.pipeEp): one no longer reachable is not pending (a container's pending list holds those).
  const inherited = parent.rare?.pipeEp ?? null;
  const inheritedEp = inherited?.deref();
  if (inherited !== null && inheritedEp !== undefined && !inheritedEp.judged) {
    proc.more().pipeEp = inherited;
    return;
  }
  for (const ep of c.pending) {
    const pusher = ep.stdinProc;
    if (ep.judged || pusher === null || pusher === proc || ep.stdinParent !== parent) continue;
    // Started after the pusher ended: the shell's next command, not part of the pipeline.
    if (t < ep.timeMs - PIPE_LEAD_MS || pusher.exitedMs < t) continue;
    proc.more().pipeEp = new WeakRef(ep);
    if (ep.stdinFeed === 'none') ep.stdinFeed = 'pipe';
    return;
  }
}

/** A push `pusher` made (or joined) reads its payload from stdin: its pipeline so far joins it. */
export function notePipePush(c: ContainerState, pusher: ProcState, ep: PushEpisode): void {
  if (pusher.parent === null || ep.stdinProc !== null) return;
  ep.stdinProc = pusher;
  ep.stdinParent = pusher.parent;
  c.node.recentExecs?.markSiblings(pusher, ep);
}
