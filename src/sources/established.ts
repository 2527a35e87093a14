/**
 * The gRPC sources' view of one event stream (shared by tetragon-grpc and falco-grpc): when it counts as
 * healthy (below), and when as up (`exfilwatch_source_up`, /readyz): at its first message, or
 * once it has stayed open a moment without the sensor refusing it. Not as soon as the call starts: an
 * agent that answers every call with UNIMPLEMENTED, or ends it at once, would flip the source up and down
 * on each attempt, reporting ready though no stream ever works. Time is the only other signal: a quiet
 * sensor sends nothing, not even headers. Short, so an idle sensor that comes back is up again well within
 * the 5 s a restart may take.
 */
export const ESTABLISHED_AFTER_MS = 250;

/**
 * A stream that delivered a message or stayed up this long was healthy: its end resets the reconnect
 * backoff. One that fails sooner (an agent that accepts and drops it) backs off further each time.
 */
export const HEALTHY_AFTER_MS = 5_000;

/** How one stream attempt ended. */
export interface StreamResult {
  /** The stream delivered something or stayed up HEALTHY_AFTER_MS: the next attempt starts from the minimum delay. */
  healthy: boolean;
  reason: string;
}

export interface Establishing {
  /** A message arrived: up now, if not already. */
  received(): void;
  /** The call ended: not up unless it already was. */
  cancel(): void;
}

/**
 * Calls `up` once: at the first `received()`, or `afterMs` after this call, whichever is first. The timer's
 * decision waits one turn of the event loop (setImmediate): after a stall past `afterMs` (a busy node) Node runs
 * due timers before it reads sockets and worker messages, so a refusal already received would lose to the timer
 * and the source report itself up on a refused attempt.
 */
export function upOnceEstablished(up: () => void, afterMs = ESTABLISHED_AFTER_MS): Establishing {
  let done = false;
  const fire = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    up();
  };
  const timer = setTimeout(() => setImmediate(fire), afterMs);
  return {
    received: fire,
    cancel() {
      done = true;
      clearTimeout(timer);
    },
  };
}
