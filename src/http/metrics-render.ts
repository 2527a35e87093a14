/**
 * /metrics renders shared between the requests waiting for them. Each render of prom-client's registry is
 * ~1 MB of text on a busy node and blocks the event loop while it is built: 64 `/metrics` requests pipelined
 * on two connections started 64 renders at once, stalled the loop ~5 s, and /healthz answered 503 (the
 * kubelet restarted the pod). Here at most one render runs; requests arriving meanwhile share the *next*
 * one, started when it ends, so every answer is complete and no older than its request, and any number of
 * waiting requests cost at most two renders. The text is encoded once: every answer writes the same Buffer
 * (node:http holds a reference per waiting answer, not a copy). A render that fails rejects every request
 * waiting for it, and is reported to `onFailed` once: one log line per failed render, not one per request.
 */
export function coalesceRenders(
  render: () => Promise<string>,
  onFailed: (err: unknown) => void,
): () => Promise<Buffer> {
  let inFlight: Promise<Buffer> | null = null;
  let queued: Promise<Buffer> | null = null;

  const start = (): Promise<Buffer> => {
    const rendering = render().then((text) => Buffer.from(text, 'utf8'));
    inFlight = rendering;
    const done = () => {
      if (inFlight === rendering) inFlight = null;
    };
    rendering.then(done, (err) => {
      done();
      onFailed(err);
    });
    return rendering;
  };

  return () => {
    if (inFlight === null) return start();
    // Started before this request: its values may predate it. Join the one after it.
    if (queued === null) {
      queued = inFlight
        .then(
          () => undefined,
          () => undefined,
        )
        .then(() => {
          queued = null;
          return start();
        });
    }
    return queued;
  };
}
