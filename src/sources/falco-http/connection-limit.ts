/**
 * The receiver's maxConnections, kept like the ops server's (src/http/connection-slots.ts): net.Server's own
 * limit closed the *new* connection when full, so sockets that never finished a request (up to the headers
 * timeout, or keepAliveTimeoutMs once idle) could hold every slot and starve Falco's own keep-alive
 * connection: its POSTs failed and its events were lost. Now a new connection displaces the one longest
 * without a request in progress; a request in progress (its head in, on either path) is not cut unless its
 * body has been arriving for over 5 s. Falco's alerts are a few KB, in one packet.
 */
import type { Server } from 'node:http';
import { type ConnectionSlots, limitConnections } from '../../http/connection-slots.js';
import type { SourceDeps } from '../types.js';
import type { FastPathOptions } from './fast-path.js';

/** A request in progress this long may be closed to admit a new connection (the ops server's value). */
const STALLED_REQUEST_MS = 5000;
/**
 * An evicted idle connection is half-closed and still read this long: a POST its client wrote as it was
 * evicted arrives within a round trip (node-local), and Go's net/http (falcosidekick) never resends a POST on
 * a reused connection, so a reset one was an alert lost. At most a quarter of maxConnections (rounded up)
 * linger at once: a flood of newcomers holds at most that many sockets more, for this long.
 */
const EVICTED_LINGER_MS = 2000;
export function limitReceiverConnections(
  server: Server,
  maxConnections: number,
  deps: Pick<SourceDeps, 'metrics' | 'logger'>,
  countRequest: (code: 'dropped') => void,
): ConnectionSlots {
  return limitConnections(server, {
    max: maxConnections,
    stalledMs: STALLED_REQUEST_MS,
    linger: { ms: EVICTED_LINGER_MS, max: Math.ceil(maxConnections / 4) },
    onClosed: (reason) => {
      deps.metrics.receiverConnectionsClosed.labels('falco-http', reason).inc();
      // A refused connection is what net.Server's limit used to drop: still counted as code="dropped".
      if (reason === 'refused') countRequest('dropped');
    },
    logger: deps.logger,
    logFields: { source: 'falco-http', maxConnections },
    messages: {
      evicted: 'falco-http: maxConnections reached; closed the connection longest without a request',
      refused: 'falco-http: maxConnections reached and every connection has a request in progress; closed the new one',
      // No pipelining limit here (maxRequestsInProgress unset): never said.
      pipelined: 'falco-http: closed a connection that pipelined too many requests',
    },
  });
}

/**
 * The fast path's requests in the connection slots (node:http's 'request' events count its own). `slots` is
 * read at each call: the slots are made after the fast path is attached (its 'connection' listener comes first).
 */
export function fastPathSlotCalls(
  slots: () => ConnectionSlots,
): Pick<FastPathOptions, 'requestStarted' | 'requestEnded' | 'requestServed'> {
  return {
    requestStarted: (socket) => slots().requestStarted(socket),
    requestEnded: (socket) => slots().requestEnded(socket),
    requestServed: (socket) => slots().requestServed(socket),
  };
}
