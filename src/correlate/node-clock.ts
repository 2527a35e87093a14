/**
 * A node's event-time clock: what judges its pushes and expires its state. It moves with the node's events,
 * but not to a lone bogus timestamp.
 */
import type { NodeState } from './state.js';

/**
 * An event this far ahead of its node's clock is a jump. One alone (a bogus timestamp: a broken clock,
 * year 2999, Go's max time) must not move the clock, or every push on the node would be judged the moment
 * it arrives and every idle entry expire at once; an unbroken run of them (the clock really moved, the
 * next day's file of a scan) does, from the earliest of the run. Shorter steps (a quiet node, a gap in a
 * sparse export) move it at once.
 */
const CLOCK_JUMP_MS = 24 * 3_600_000;
const CLOCK_JUMP_RUN = 16;
/**
 * Live (the app passes the wall clock to advance()): an event further ahead of the wall clock than this, or
 * more than a jump behind it, is a jump too, even as a node's first event (nothing else can tell a bogus
 * first timestamp). The sensors run on the same node as the daemon, so their clocks are ours.
 */
const WALL_SKEW_MS = 10 * 60_000;

/**
 * Moves `node`'s clock to `t` (> its clock), unless `t` is a jump not yet confirmed by a run: too far
 * ahead of the node's clock, or live, too far from the wall clock (`wallMs`, +Infinity when not live).
 */
export function advanceClock(node: NodeState, t: number, wallMs: number): void {
  const live = wallMs !== Number.POSITIVE_INFINITY;
  const nearWall = !live || (t <= wallMs + WALL_SKEW_MS && t >= wallMs - CLOCK_JUMP_MS);
  if (nearWall && (t - node.maxMs <= CLOCK_JUMP_MS || node.maxMs === Number.NEGATIVE_INFINITY)) {
    moveTo(node, t, wallMs);
    return;
  }
  // A node a run already took far from the wall clock, more than a jump behind it (an old capture appended to a
  // followed export) or more than the skew ahead of it (a sensor clock running ahead): an event near its clock
  // moves it at once. Else each of its events was a jump from the wall clock, its clock moved only at each run
  // of 16, to the run's earliest, and the push that ends a capture waited out the span of up to 31 events (19 min
  // for one event a minute), not settle + lateness; ahead, until the wall clock got there. Near is what it is for
  // a node in step: up to the skew past its clock at the wall clock's pace (nodeNowMs), or past the run that
  // confirmed it (the clock is at its earliest), never a jump past the clock. Not a scan's 24 h: one glitch 20 h
  // ahead moved the clock, and an ahead node's pending push waited the 20 h for the clock to get back there.
  const awayFromWall = node.wallLagMs > CLOCK_JUMP_MS || node.maxMs > wallMs + WALL_SKEW_MS;
  if (
    awayFromWall &&
    t - node.maxMs <= CLOCK_JUMP_MS &&
    t <= Math.max(nodeNowMs(node, wallMs), node.runTopMs) + WALL_SKEW_MS
  ) {
    moveTo(node, t, wallMs);
    return;
  }
  if (node.aheadRun === 0) {
    node.aheadMinMs = t;
    node.aheadMaxMs = t;
    node.aheadNextMs = Number.NEGATIVE_INFINITY;
  } else if (t > node.aheadMaxMs) {
    node.aheadNextMs = node.aheadMaxMs;
    node.aheadMaxMs = t;
  } else {
    if (t < node.aheadMinMs) node.aheadMinMs = t;
    if (t > node.aheadNextMs) node.aheadNextMs = t;
  }
  if (++node.aheadRun < CLOCK_JUMP_RUN) return;
  moveTo(node, node.aheadMinMs, wallMs);
  // The run's second latest, not its latest: one bogus time among the 16 (2999) made every event within a jump near.
  node.runTopMs = node.aheadNextMs;
}

function moveTo(node: NodeState, t: number, wallMs: number): void {
  node.maxMs = t;
  node.aheadRun = 0;
  // No lag in a scan (no wall clock), nor for a node at or ahead of the wall clock.
  node.wallLagMs = wallMs !== Number.POSITIVE_INFINITY && wallMs > t ? wallMs - t : 0;
}

/**
 * `node`'s clock at wall time `wallMs` (live): its events' time goes on passing while it is quiet, at the
 * lag it last had behind the wall clock. A node in step with the wall clock is at the wall clock; one
 * behind it (a backlog being caught up, a sensor whose clock runs slow) is not pulled forward to it: that would
 * judge its pushes on the first tick after their exec, before the events the lateness waits for, and expire
 * all its state at each pass once it is a window (30 min) behind. Never before its events' time.
 */
export function nodeNowMs(node: NodeState, wallMs: number): number {
  return Math.max(node.maxMs, wallMs - node.wallLagMs);
}

/**
 * Is `t` beyond a jump of `node`'s clock (more than CLOCK_JUMP_MS ahead of it)? Not when the node has no clock
 * yet: live, its first events may be ahead of a wall clock that lags them (the demo's replay clock).
 * Only such a time is taken for a bogus one (year 2999) by what must not wait for it (a push's judgement, a
 * read bucket's slot, a loss marker's end). A time merely ahead of the clock is usually one the clock is about
 * to reach: live, an event more than WALL_SKEW_MS ahead of a wall clock that lags the events (the demo's replay
 * clock follows what the pipeline has taken in) or the first events of a step forward; judged on the clock as
 * it was, a push would be judged before the reads that follow it.
 */
export function beyondClockJump(node: NodeState, t: number): boolean {
  return node.maxMs !== Number.NEGATIVE_INFINITY && t - node.maxMs > CLOCK_JUMP_MS;
}
