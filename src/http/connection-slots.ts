/**
 * The ops server's connection limit, kept so that the kubelet's probes always get in. net.Server's own
 * `maxConnections` closes the *new* connection when full: one client holding 256 idle keep-alive connections
 * (a scraper with a big pool, a sidecar gone wrong) made every liveness and readiness probe fail, and the
 * kubelet restarted a healthy pod. Here a new connection is always taken: when full, the connection that has
 * gone longest without a request in progress is closed to make room. That is an idle keep-alive connection,
 * a head never finished, or a response the client stopped reading; never one whose request is being answered
 * now. Only when every connection has had a request in progress for less than `stalledMs` (answers take
 * milliseconds) is the new one closed instead.
 *
 * Not a per-client cap: on a host-network DaemonSet the kubelet's probes share the node's address with every
 * other host-network client, so a per-address limit could shut the kubelet out itself.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionSlotsOptions {
  max: number;
  /** A request in progress this long is stalled (its client does not read the answer): it may be closed. */
  stalledMs: number;
  /** A connection was closed to make room for a new one. */
  onEvicted(): void;
  /** The new connection was closed: every slot has a request being answered. */
  onRefused(): void;
  now?: () => number;
}

interface Slot {
  /** Requests in progress (pipelined ones included). */
  busy: number;
  /** When it last started or finished a request, or connected. */
  since: number;
}

export function limitConnections(server: Server, o: ConnectionSlotsOptions): void {
  const now = o.now ?? (() => performance.now());
  const slots = new Map<Socket, Slot>();

  /** The slot to give up for a new connection: the one longest without a live request, or null. */
  function victim(at: number): Socket | null {
    let oldest: Socket | null = null;
    let oldestSince = Number.POSITIVE_INFINITY;
    for (const [socket, slot] of slots) {
      const free = slot.busy === 0 || at - slot.since >= o.stalledMs;
      if (free && slot.since < oldestSince) {
        oldest = socket;
        oldestSince = slot.since;
      }
    }
    return oldest;
  }

  // Registered after node:http's own listener: it has set the socket up, so closing it here is clean.
  server.on('connection', (socket: Socket) => {
    const at = now();
    if (slots.size >= o.max) {
      const old = victim(at);
      if (old === null) {
        o.onRefused();
        socket.destroy();
        return;
      }
      slots.delete(old); // its 'close' comes later; the slot is free now
      old.destroy();
      o.onEvicted();
    }
    slots.set(socket, { busy: 0, since: at });
    socket.once('close', () => slots.delete(socket));
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const slot = slots.get(req.socket);
    if (!slot) return;
    slot.busy++;
    slot.since = now();
    res.once('close', () => {
      slot.busy--;
      slot.since = now();
    });
  });
}
