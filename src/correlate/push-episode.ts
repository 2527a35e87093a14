/**
 * A push being correlated: what recognised it, where it went, what it sent, and what counts towards it until it
 * is judged (./judge.ts). Apart from ./state.ts, which keeps nodes, containers and their aggregates.
 */
import type { SensorSource } from '../model/normalized-event.js';
import type { OtherRemote } from '../rules/recognize.js';
import type { EventParent } from './ancestry.js';
import type { DestNaming } from './destinations.js';
import type { PushExemptions } from './exemption-state.js';
import type { ProcState } from './proc-state.js';
import type { ContainerState, DestEntry, NodeState } from './state.js';

/** One notable step of a push, kept for the alert's evidence. */
export interface EvidenceItem {
  timeMs: number;
  time: string;
  kind: string;
  binary: string | null;
  /** Raw (not yet redacted): redacted when the alert is built. */
  detail: string;
}

export interface PushEpisode {
  node: NodeState;
  container: ContainerState;
  /** The pushing process shown in the alert (for a renamed git: the renamed parent of the helper). */
  proc: ProcState;
  tool: string;
  remote: string | null;
  /**
   * Where else the push goes: other remotes its argv names (kaniko's `--destination A --destination B`,
   * buildx's `-t A -t B` or `name=A,B`, crane's last `-t`), or another a later step named (git's transport
   * helper or ssh with the URL a config the sensors do not show rewrote it to: url.<base>.insteadOf,
   * pushInsteadOf). An allowlist exempts the push only when its entries cover each of them too (judge.ts).
   */
  otherRemotes: OtherRemote[];
  destHost: string | null;
  /** How destHost was learned; null when it is null. */
  destNamed: DestNaming | null;
  /** First non-local `ip:port` it connected to (destination when argv named no host). */
  destAddr: string | null;
  /** Destinations its processes (or the bridged daemon) sent to, bounded (pushes.ts MAX_PUSH_DESTS). */
  dests: DestEntry[];
  /** Bytes this push sent to each of `dests` (same order); bytes to addresses not listed are only in egressBytes. */
  destBytes: number[];
  renamed: boolean;
  unexpected: boolean;
  /**
   * The process that is renamed or runs from an unexpected place, and the tool it stands in for: not
   * always `proc` (a renamed ssh client under a normal `git push`).
   */
  odd: { proc: ProcState; as: string } | null;
  /** Recognised from bytes sent to a forge/registry, not from argv. */
  byEgress: boolean;
  /**
   * Taken for a push from a cut command line of a tool whose children fetch as they push
   * (PushToolSpec.cutArgvNeedsStep), and nothing has decided it yet: no step recognised from whole words
   * joined it, and its own process connected nowhere. Judged so, it is no push.
   */
  awaitsWholeStep: boolean;
  /** By egress, from the bytes of several of the container's processes (EgressSum), not one alone. */
  egressSplit: boolean;
  bridged: boolean;
  timeMs: number;
  time: string;
  source: SensorSource;
  /** The other sensor reported it too (both sensors on the node): its steps are shown once (./pushes.ts). */
  twinned: boolean;
  egressBytes: number;
  /** Of egressBytes, those a docker.sock daemon sent (linked by time on the node, not by registry). */
  bridgedBytes: number;
  egressSeen: boolean;
  evidence: EvidenceItem[];
  /** Event time after which nothing counts towards it (push + settle + lateness). */
  dueMs: number;
  /**
   * When it is judged, on its node's clock: `dueMs`, or for a push that arrived later than the lateness
   * allows (a stream replayed behind the rest of its node) settle + lateness after it arrived, so the
   * events that follow it in that stream still reach it. Judged at once, its own helper started a moment
   * later was taken for a second push.
   */
  judgeAtMs: number;
  /** Judged for good: nothing counts towards it any more. */
  judged: boolean;
  /**
   * Judged early, its alert sent then (its container's pending list was full: quick pushes after it,
   * decoys or not). It is still pending, counting its reads as before, and is judged again at its time
   * (`judgeAtMs`): a graver severity than this one then raises a second alert. null: not judged early.
   */
  early: EarlyJudgement | null;
  /**
   * Reads recorded while the push is pending, so its read total does not depend on where push +
   * pushSettleMs falls within a read bucket (see ReadTracker.notePending): reads by other processes after
   * the settle time that share its bucket (subtracted), reads by the push's own processes after the settle
   * time in later buckets (added), and the last counted read times.
   */
  lateSubBytes: number;
  lateSubFiles: number;
  lateAddBytes: number;
  lateAddFiles: number;
  /** Last read by any process in (push, push + pushSettleMs]. */
  settleLastMs: number;
  /** Last read by the push's own processes after push + pushSettleMs. */
  lateLastMs: number;
  /**
   * Its process that reads the payload from stdin (`curl -T -`), whose siblings feeding it are its
   * pipeline (./pipeline.ts); null when it reads no stdin.
   */
  stdinProc: ProcState | null;
  /**
   * stdinProc's parent, kept here: a producer exec'd later under it joins the pipeline (./pipeline.ts noteExec)
   * after stdinProc may have left the tables, and a dropped process lets go of its parent (ProcState.drop).
   */
  stdinParent: ProcState | null;
  /** What its stdin was seen to carry (./stdin-fed.ts): a pipeline started with it, or a file read after it started. */
  stdinFeed: 'none' | 'pipe' | 'file';
  /** What the CI/CD exemptions keep of it (./exemption-state.ts); null for most. */
  exempt: PushExemptions | null;
  /**
   * `proc`'s parent as the event that opened the push named it, for the response when the tables hold no
   * parent (./ancestry.ts); null when that event was a helper's (its parent is `proc` itself) or named none.
   */
  eventParent: EventParent | null;
  /**
   * `proc`'s uid as the event that opened the push gave it (Tetragon process.uid, Falco user.uid; for a
   * transport helper's event, the helper's, which runs as the push that started it); null: not given.
   */
  uid: number | null;
}

/** What an early judgement of a push named: the rule, and its severity's rank (SEVERITIES). */
export interface EarlyJudgement {
  rule: string;
  rank: number;
}
