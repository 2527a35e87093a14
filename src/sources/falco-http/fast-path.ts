/**
 * Fast path for the receiver's one hot shape: a keep-alive `POST` with a `Content-Length` body,
 * which is every request Falco's http_output sends. node:http spends ~14 µs CPU per request on its own
 * machinery (IncomingMessage and ServerResponse streams, per-header callbacks, events; measured: a bare
 * node:http server 28.8 µs/request, a raw socket answering the same requests 14.5), more than the
 * receiver's parsing, normalizing and correlating together. Here such a request is cut out of the socket's
 * bytes, served, and answered with one write.
 *
 * Anything else is not guessed at: the first request this strict reader does not fully understand (another
 * method, HTTP/1.0, chunked, `Expect`, `Connection: close`, an unusual or oversized header block, a body
 * over the limit, a failed shared-secret check…) hands the connection, with every unread byte in order, to
 * node:http's own connection handler for good, so all those cases get exactly node:http's answers, limits
 * and timeouts, as before. Over TLS the same, from the end of the handshake (node:https's own hand-over point).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { BodyBudget } from './guards.js';

/** The request headers the receiver looks at (values as node:http would give them: OWS trimmed). */
export interface FastRequest {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  /** The shared-secret header's value, when a secret is configured and the header was sent. */
  secret: string | undefined;
}

export interface FastPathOptions {
  maxHeaderBytes: number;
  maxBodyBytes: number;
  /**
   * Shared with node:http's path: a body is waited for only once its declared length is reserved here, and
   * a request whose length does not fit right now is handed to node:http, which refuses it (503) as it would
   * without the fast path.
   */
  budget: BodyBudget;
  /** A request whose head has not arrived in full after this long is answered 408 (node:http's headersTimeout). */
  headersTimeoutMs: number;
  /** A request not in full after this long is answered 408 (node:http's requestTimeout). */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Lower-cased name of the shared-secret header, or null. */
  secretHeader: string | null;
  /**
   * Serves one complete request and writes its answer to `socket`; false = it is not for the fast path
   * (decided before doing anything): the connection goes to node:http, this request first.
   */
  serve(request: FastRequest, body: Buffer, socket: Socket): boolean;
  /**
   * Whether `serve` would take this request, judged from its head alone (secret, content type, encoding,
   * client certificate). A body is only waited for when it would: otherwise node:http refuses the request
   * at once and drops its body, as it would have without the fast path (an unauthenticated client must not
   * make us hold megabytes per connection).
   */
  accepts(request: FastRequest, socket: Socket): boolean;
  /** A connection that sent no complete request in time: answer 408 and close (as for node:http's). */
  timedOut(socket: Socket): void;
  /**
   * A request's head is in and its body is awaited (started), and it was served or handed to node:http
   * (ended): the connection-slots bookkeeping node:http's 'request' events give for its own requests.
   */
  requestStarted?(socket: Socket): void;
  requestEnded?(socket: Socket): void;
  /**
   * A whole request read and served in one go (what nearly every Falco POST is): its start and end at once,
   * one call instead of the two above, per event.
   */
  requestServed?(socket: Socket): void;
}

export interface FastPathHandle {
  /** Destroys the connections still on the fast path (node:http's closeAllConnections() does not know them). */
  closeAll(): void;
}

const CRLF2 = Buffer.from('\r\n\r\n', 'latin1');
// node:http keeps an idle keep-alive connection this much past keepAliveTimeout (its timeout buffer).
const KEEP_ALIVE_BUFFER_MS = 1000;

/** RFC 9110 token characters (header names). */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TCHAR[c] = 1;
for (let c = 65; c <= 90; c++) TCHAR[c] = 1;
for (let c = 97; c <= 122; c++) TCHAR[c] = 1;

/**
 * More header lines than this: node:http's. It keeps only the first 1000 (maxHeadersCount's default pairs) and
 * drops the rest unseen, so a Content-Type or secret past them would mean something else there. Falco sends 5.
 */
const MAX_FAST_HEADER_LINES = 100;

const NEED_MORE = 0;
const HAND_OFF = 1;
const COMPLETE = 2;
/** The head is in (`request` set), the body is not yet. */
const NEED_BODY = 3;

interface Parsed {
  request: FastRequest;
  bodyStart: number;
  bodyEnd: number;
}

/**
 * Takes over the http server's connections: each starts on the fast path; `server`'s own connection
 * handler (captured here) gets the ones handed off. Returns null (nothing changed) if the server does not
 * have exactly one connection handler, i.e. not node:http's as expected.
 */
export function attachFastPath(server: Server, o: FastPathOptions): FastPathHandle | null {
  // node:https hands its HTTP handler the socket once the TLS handshake is done; node:http at once.
  const event = server instanceof TlsServer ? 'secureConnection' : 'connection';
  const listeners = server.listeners(event);
  if (listeners.length !== 1) return null;
  const nodeConnection = listeners[0] as (socket: Socket) => void;
  server.removeListener(event, nodeConnection);
  // At most this much head on the fast path: near maxHeaderBytes, node:http decides (its own counting).
  const maxHead = Math.floor(o.maxHeaderBytes / 2);

  /** Parses the request starting at `off`; its body is buf[bodyStart, bodyEnd). */
  function parse(buf: Buffer, off: number, out: Parsed): number {
    const headEnd = buf.indexOf(CRLF2, off);
    out.bodyEnd = -1; // unknown until the head is in
    if (headEnd < 0) return buf.length - off > maxHead ? HAND_OFF : NEED_MORE;
    if (headEnd - off > maxHead) return HAND_OFF;
    const head = buf.toString('latin1', off, headEnd);
    let lineEnd = head.indexOf('\r\n');
    if (lineEnd < 0) lineEnd = head.length;
    // Request line: exactly `POST <target> HTTP/1.1`, the target printable ASCII without spaces.
    if (lineEnd < 15 || !head.startsWith('POST ') || !head.startsWith(' HTTP/1.1', lineEnd - 9)) return HAND_OFF;
    for (let i = 5; i < lineEnd - 9; i++) {
      const c = head.charCodeAt(i);
      if (c <= 32 || c >= 127) return HAND_OFF;
    }
    let hosts = 0;
    let length = -1;
    let contentType: string | undefined;
    let contentEncoding: string | undefined;
    let secret: string | undefined;
    let start = lineEnd + 2;
    let lines = 0;
    while (start < head.length) {
      if (++lines > MAX_FAST_HEADER_LINES) return HAND_OFF;
      let end = head.indexOf('\r\n', start);
      if (end < 0) end = head.length;
      const colon = head.indexOf(':', start);
      if (colon <= start || colon > end) return HAND_OFF;
      for (let i = start; i < colon; i++) {
        const c = head.charCodeAt(i);
        if (c >= 128 || TCHAR[c] === 0) return HAND_OFF;
      }
      let v0 = colon + 1;
      let v1 = end;
      while (v0 < v1 && (head.charCodeAt(v0) === 32 || head.charCodeAt(v0) === 9)) v0++;
      while (v1 > v0 && (head.charCodeAt(v1 - 1) === 32 || head.charCodeAt(v1 - 1) === 9)) v1--;
      for (let i = v0; i < v1; i++) {
        const c = head.charCodeAt(i);
        if ((c < 32 && c !== 9) || c === 127) return HAND_OFF;
      }
      const name = head.slice(start, colon).toLowerCase();
      if (name === 'content-length') {
        if (length >= 0 || v1 === v0 || v1 - v0 > 15) return HAND_OFF;
        let n = 0;
        for (let i = v0; i < v1; i++) {
          const d = head.charCodeAt(i) - 48;
          if (d < 0 || d > 9) return HAND_OFF;
          n = n * 10 + d;
        }
        // llhttp allows only spaces after the number (a tab there is its 400): such a value is node:http's.
        for (let i = v1; i < end; i++) if (head.charCodeAt(i) !== 32) return HAND_OFF;
        length = n;
      } else if (name === 'host') {
        hosts++;
      } else if (name === 'content-type') {
        if (contentType !== undefined) return HAND_OFF;
        contentType = head.slice(v0, v1);
      } else if (name === 'content-encoding') {
        if (contentEncoding !== undefined) return HAND_OFF;
        contentEncoding = head.slice(v0, v1);
      } else if (name === 'connection' || name === 'proxy-connection') {
        // llhttp reads Proxy-Connection as Connection: `close` in either ends the connection after the answer.
        if (head.slice(v0, v1).toLowerCase() !== 'keep-alive') return HAND_OFF;
      } else if (name === 'transfer-encoding' || name === 'expect' || name === 'upgrade') {
        return HAND_OFF;
      }
      // Not else-if: the secret may travel in any header, even one read above.
      if (name === o.secretHeader) {
        if (secret !== undefined) return HAND_OFF;
        secret = head.slice(v0, v1);
      }
      start = end + 2;
    }
    if (hosts !== 1 || length < 0 || length > o.maxBodyBytes) return HAND_OFF;
    const bodyStart = headEnd + 4;
    out.bodyStart = bodyStart;
    out.bodyEnd = bodyStart + length;
    out.request = { contentType, contentEncoding, secret };
    return buf.length < out.bodyEnd ? NEED_BODY : COMPLETE;
  }

  const sockets = new Set<Socket>();
  server.on(event, (socket: Socket) => {
    sockets.add(socket);
    // The start of a request not yet whole, as read; joined once `needed` bytes are in (0: head not in yet, so
    // each read is tried), not at every read: a body in many small reads is copied once.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let needed = 0;
    let served = false;
    let partialTimer: NodeJS.Timeout | null = null;
    // The pending request's first byte (Date.now()) and whether its head is in: node:http times a request
    // from its first byte, the head against headersTimeout, the whole request against requestTimeout.
    let partialSince = 0;
    let partialHeadIn = false;
    // Budget held for the request being read (its declared body length), until it is served or leaves.
    let reserved = 0;
    // A request whose head is in and whose body is awaited: in progress for the connection limit.
    let inProgress = false;
    const startRequest = () => {
      if (inProgress) return;
      inProgress = true;
      o.requestStarted?.(socket);
    };
    const endRequest = () => {
      if (!inProgress) return;
      inProgress = false;
      o.requestEnded?.(socket);
    };
    const reserve = (bodyBytes: number): boolean => {
      const cost = o.budget.cost(bodyBytes);
      if (reserved > 0 || cost === 0) return true; // this request's reservation, taken when its head came in
      if (!o.budget.take(cost)) return false;
      reserved = cost;
      return true;
    };
    const giveBack = () => {
      if (reserved === 0) return;
      o.budget.give(reserved);
      reserved = 0;
    };
    const parsed: Parsed = {
      request: { contentType: undefined, contentEncoding: undefined, secret: undefined },
      bodyStart: 0,
      bodyEnd: 0,
    };

    const clearPartial = () => {
      if (partialTimer !== null) clearTimeout(partialTimer);
      partialTimer = null;
      partialHeadIn = false;
    };
    const onPartialTimeout = () => {
      partialTimer = null;
      o.timedOut(socket);
    };
    const armPartial = (ms: number) => {
      partialTimer = setTimeout(onPartialTimeout, ms);
      partialTimer.unref();
    };
    const onTimeout = () => {
      // Reading a body: node:http has no idle timeout then (only requestTimeout, the partial timer here).
      if (partialHeadIn) return;
      // Idle after a request (even mid-head): close quietly, as node:http does. Before any request: 408.
      if (served) socket.destroy();
      else o.timedOut(socket);
    };
    const onEnd = () => {
      if (pendingBytes > 0) {
        // The client ended mid-request: node:http answers that (its parser's finish() fails: 400). Give it the
        // bytes, then the end it would have seen (its 'end' listener was not there when 'end' was emitted).
        const before = socket.listeners('end');
        handOff(pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes));
        for (const listener of socket.listeners('end')) if (!before.includes(listener)) listener.call(socket);
        return;
      }
      clearPartial();
      socket.end();
    };
    const onClose = () => {
      clearPartial();
      giveBack(); // a client gone mid-body: its bytes are no longer held
      sockets.delete(socket);
    };
    // A client that sends without reading the answers: stop reading until they are taken (as node:http does).
    const onDrain = () => socket.resume();

    function handOff(unread: Buffer): void {
      clearPartial();
      endRequest(); // node:http's 'request' counts it again, if it gets that far
      // node:http reserves for the request itself (or refuses it: the budget must not count it twice).
      giveBack();
      pending = [];
      pendingBytes = 0;
      socket.removeListener('drain', onDrain);
      if (socket.isPaused()) socket.resume();
      socket.removeListener('data', onData);
      socket.removeListener('timeout', onTimeout);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onClose);
      socket.setTimeout(0);
      sockets.delete(socket);
      nodeConnection.call(server, socket);
      // node:http's data handler is attached now; what we read but did not serve goes to it first.
      if (unread.length > 0 && !socket.destroyed) socket.emit('data', unread);
    }

    function onData(chunk: Buffer): void {
      let buf = chunk;
      if (pendingBytes > 0) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes < needed) return;
        // Head not in yet: its blank line ends with a LF in this read, or the head is not in after it either.
        // Not joined and searched again for each read of a head trickled in (quadratic in its length).
        if (needed === 0 && pendingBytes <= maxHead && chunk.indexOf(10) < 0) return;
        buf = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
      }
      let off = 0;
      while (off < buf.length) {
        const state = parse(buf, off, parsed);
        if (state === NEED_MORE) break;
        if (state === NEED_BODY) {
          if (o.accepts(parsed.request, socket) && reserve(parsed.bodyEnd - parsed.bodyStart)) {
            startRequest();
            break;
          }
          handOff(off === 0 ? buf : buf.subarray(off));
          return;
        }
        // A whole request is reserved too, as node:http's path does: the same state gives the same answer.
        if (
          state === HAND_OFF ||
          !reserve(parsed.bodyEnd - parsed.bodyStart) ||
          !o.serve(parsed.request, buf.subarray(parsed.bodyStart, parsed.bodyEnd), socket)
        ) {
          handOff(off === 0 ? buf : buf.subarray(off));
          return;
        }
        giveBack();
        // A whole request in one read: it still marks the connection as in use now (started and ended at once).
        if (inProgress || !o.requestServed) {
          startRequest();
          endRequest();
        } else o.requestServed(socket);
        off = parsed.bodyEnd;
        if (!served) {
          served = true;
          socket.setTimeout(o.keepAliveTimeoutMs + KEEP_ALIVE_BUFFER_MS);
        }
        if (socket.destroyed) return;
      }
      if (socket.writableNeedDrain && !socket.isPaused()) {
        socket.pause();
        socket.once('drain', onDrain);
      }
      if (off < buf.length) {
        // Part of a request: keep it (a copy, not a view pinning the whole chunk) until the rest arrives.
        const part = Buffer.from(buf.subarray(off));
        pending = [part];
        pendingBytes = part.length;
        needed = parsed.bodyEnd > off ? parsed.bodyEnd - off : 0;
        const headIn = needed > 0;
        if (partialTimer === null || off > 0) {
          // A request starts in this read (after any it completed): its own deadline, not the previous one's.
          clearPartial();
          partialSince = Date.now();
          armPartial(headIn ? o.requestTimeoutMs : o.headersTimeoutMs);
        } else if (headIn && !partialHeadIn) {
          // Its head just came in: from here the whole request's deadline applies.
          clearTimeout(partialTimer);
          armPartial(Math.max(0, partialSince + o.requestTimeoutMs - Date.now()));
        }
        partialHeadIn = headIn;
      } else {
        clearPartial();
      }
    }

    socket.on('data', onData);
    socket.on('timeout', onTimeout);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('error', () => undefined); // a reset peer: 'close' follows, nothing to answer
    socket.setTimeout(o.headersTimeoutMs);
  });
  return {
    closeAll() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}
