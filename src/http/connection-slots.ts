/**
 * A server's connection limit, kept so that a legitimate newcomer always gets in (the ops server: the
 * kubelet's probes; the falco-http receiver: Falco's own connection). net.Server's own `maxConnections`
 * closes the *new* connection when full: one client holding 256 idle keep-alive connections (a scraper with a
 * big pool, a sidecar gone wrong) made every liveness and readiness probe fail, and the kubelet restarted a
 * healthy pod; sockets that never finished a request starved Falco's one connection, and its events were
 * lost. Here a new connection is always taken: when full, the connection that has gone longest without a
 * request in progress is closed to make room. That is an idle keep-alive connection, a head never finished,
 * or a response the client stopped reading; never one whose request is being answered now. Only when every
 * connection has had a request in progress for less than `stalledMs` (answers take milliseconds) is the new
 * one closed instead.
 *
 * Not a per-client cap: on a host-network DaemonSet the kubelet's probes share the node's address with every
 * other host-network client, so a per-address limit could shut the kubelet out itself.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { Logger } from '../telemetry/logger.js';

/** Why a connection was closed to keep the limit. */
export type ClosedReason = 'evicted' | 'refused' | 'pipelined';

/** Connections closed to keep the limit are logged at most this often (with the tally so far). */
const CLOSED_LOG_MS = 60_000;

export interface ConnectionSlotsOptions {
  max: number;
  /** A request in progress this long is stalled (its client does not read the answer): it may be closed. */
  stalledMs: number;
  /**
   * A connection was closed to keep the limit: `evicted` to make room for a new one, `refused` (the new one:
   * every slot has a request being answered), `pipelined` (past maxRequestsInProgress). Counted by the caller
   * (its metric); logged here, at most once a minute, with `messages[reason]` and the tally so far.
   */
  onClosed(reason: ClosedReason): void;
  logger: Logger;
  messages: Record<ClosedReason, string>;
  /** Fields every such log line carries (the server, its limit). */
  logFields: Record<string, unknown>;
  /**
   * Requests one connection may have in progress at once (pipelined); a request past it closes that
   * connection, its earlier answers unsent: node:http starts every request of a read at once, so one client
   * could otherwise make the server answer hundreds at a time. Unset: no such limit.
   */
  maxRequestsInProgress?: number;
  /**
   * An idle connection evicted is half-closed (FIN) and still read for `ms`, then destroyed, instead of
   * destroyed at once: a request its client wrote just as it was evicted is then read and served (its answer
   * may not arrive), not reset unread; a pooled client sees the FIN and drops the connection. At most `max`
   * linger at once (a flood of newcomers must not grow the sockets held); past it, or a connection with a
   * stalled request, or a TLS handshake not done: destroyed at once. Unset: always destroyed at once.
   */
  linger?: { ms: number; max: number };
  now?: () => number;
}

/** For requests node:http never sees (the falco-http fast path): their start and end, by connection. */
export interface ConnectionSlots {
  requestStarted(socket: Socket): void;
  requestEnded(socket: Socket): void;
  /** A request started and ended at once (read and served in one go): the connection was in use now. */
  requestServed(socket: Socket): void;
}

interface Slot {
  /** The TCP connection (what a TLS socket runs over); closed to free the slot. */
  socket: Socket;
  /** Over TLS, the TLS socket once its handshake is done (what a half-close must go through). */
  secure: Socket | null;
  peer: string | null;
  /** Requests in progress (pipelined ones included). */
  busy: number;
  /** When it last started or finished a request, or connected. */
  since: number;
}

/** The same connection seen as TCP socket and as TLS socket: the peer's address and port (null once gone). */
const peerOf = (socket: Socket): string | null =>
  socket.remoteAddress === undefined ? null : `${socket.remoteAddress}|${socket.remotePort}`;

export function limitConnections(server: Server, o: ConnectionSlotsOptions): ConnectionSlots {
  const now = o.now ?? (() => performance.now());
  const slots = new Map<Socket, Slot>();
  // Over TLS, requests arrive on the TLS socket; the slot was taken by its TCP socket at accept (a handshake
  // that never finishes holds a slot too). Linked once the handshake is done.
  const byPeer = new Map<string, Slot>();
  const secured = new WeakMap<Socket, Slot>();
  const slotOf = (socket: Socket): Slot | undefined => slots.get(socket) ?? secured.get(socket);
  const closedSoFar: Record<ClosedReason, number> = { evicted: 0, refused: 0, pipelined: 0 };
  let lastClosedLog = Number.NEGATIVE_INFINITY;
  const closed = (reason: ClosedReason) => {
    closedSoFar[reason]++;
    o.onClosed(reason);
    const at = now();
    if (at - lastClosedLog < CLOSED_LOG_MS) return;
    lastClosedLog = at;
    o.logger.warn({ ...o.logFields, closedSoFar: { ...closedSoFar } }, o.messages[reason]);
  };

  /**
   * The slot to give up for a new connection: one whose socket is already destroyed (a timeout, a reset: its
   * 'close', which frees the slot, comes a loop phase later), else the one longest without a live request, or null.
   */
  function victim(at: number): Slot | null {
    let oldest: Slot | null = null;
    for (const slot of slots.values()) {
      if (slot.socket.destroyed) return slot;
      const free = slot.busy === 0 || at - slot.since >= o.stalledMs;
      if (free && (oldest === null || slot.since < oldest.since)) oldest = slot;
    }
    return oldest;
  }

  const lingering = new Set<Socket>();
  /** Closes an evicted connection: half-closed and lingering when it may, else destroyed. */
  const evict = (slot: Slot) => {
    const graceful =
      o.linger !== undefined &&
      slot.busy === 0 &&
      lingering.size < o.linger.max &&
      (slot.secure !== null || !(server instanceof TlsServer));
    if (!graceful) {
      slot.socket.destroy();
      return;
    }
    const socket = slot.secure ?? slot.socket;
    lingering.add(socket);
    const timer = setTimeout(() => socket.destroy(), o.linger!.ms);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      lingering.delete(socket);
    });
    socket.end();
  };

  const free = (slot: Slot) => {
    slots.delete(slot.socket);
    if (slot.peer !== null && byPeer.get(slot.peer) === slot) byPeer.delete(slot.peer);
  };

  // Registered after node:http's own listener: it has set the socket up, so closing it here is clean.
  server.on('connection', (socket: Socket) => {
    const at = now();
    if (slots.size >= o.max) {
      const old = victim(at);
      if (old === null) {
        closed('refused');
        socket.destroy();
        return;
      }
      free(old); // its 'close' comes later; the slot is free now
      if (!old.socket.destroyed) {
        evict(old);
        closed('evicted');
      }
    }
    const slot: Slot = { socket, secure: null, peer: peerOf(socket), busy: 0, since: at };
    slots.set(socket, slot);
    if (slot.peer !== null) byPeer.set(slot.peer, slot);
    socket.once('close', () => free(slot));
  });
  if (server instanceof TlsServer) {
    server.prependListener('secureConnection', (socket: Socket) => {
      const peer = peerOf(socket);
      const slot = peer === null ? undefined : byPeer.get(peer);
      if (!slot) return;
      secured.set(socket, slot);
      slot.secure = socket;
    });
  }

  const started = (socket: Socket): Slot | undefined => {
    const slot = slotOf(socket);
    if (!slot) return undefined;
    slot.busy++;
    slot.since = now();
    return slot;
  };
  const ended = (slot: Slot) => {
    slot.busy--;
    slot.since = now();
  };

  // Before the server's own handler: a request past the pipelining limit is never started.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const slot = started(req.socket);
    if (!slot) return;
    res.once('close', () => ended(slot));
    if (o.maxRequestsInProgress !== undefined && slot.busy > o.maxRequestsInProgress && !slot.socket.destroyed) {
      closed('pipelined');
      slot.socket.destroy();
      req.socket.destroy();
    }
  });

  return {
    requestStarted(socket) {
      started(socket);
    },
    requestEnded(socket) {
      const slot = slotOf(socket);
      if (slot) ended(slot);
    },
    requestServed(socket) {
      // requestStarted then requestEnded: `busy` back where it was, `since` now (one clock read, one lookup).
      const slot = slotOf(socket);
      if (slot) slot.since = now();
    },
  };
}
