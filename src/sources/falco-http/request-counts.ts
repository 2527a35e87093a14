/** exfilwatch_receiver_requests_total for one falco-http receiver, by answer code. */
import type { Metrics } from '../../telemetry/metrics.js';

export type RequestCode = number | 'tls' | 'dropped';

export interface RequestCounts {
  count(code: RequestCode): void;
  /** One more 200: the fast path's answer to nearly every Falco POST. */
  ok(): void;
}

export function createRequestCounts(metrics: Metrics): RequestCounts {
  const counted = new Map<RequestCode, { inc(n?: number): void }>();
  const counter = (code: RequestCode) => {
    let c = counted.get(code);
    if (!c) {
      c = metrics.receiverRequests.labels('falco-http', String(code));
      counted.set(code, c);
    }
    return c;
  };
  // 200s are summed in a plain number and handed to prom-client when the counter is read: a labelled inc()
  // hashes its labels and allocates, ~1 µs per event on the fast path (the receiver under load, --cpu-prof).
  let pendingOk = 0;
  metrics.flushBeforeCollect(() => {
    if (pendingOk > 0) counter(200).inc(pendingOk);
    pendingOk = 0;
  });
  return {
    count: (code) => counter(code).inc(),
    ok: () => {
      pendingOk++;
    },
  };
}
