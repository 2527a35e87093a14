import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { ConfigError, errorMessage } from '../../errors.js';
import { sourceComponent } from '../../telemetry/metrics.js';
import type { SourceDeps, SourceOutput } from '../types.js';
import { readBody } from './body-reader.js';
import type { FalcoHttpConfig } from './config.js';
import { fastPathSlotCalls, limitReceiverConnections } from './connection-limit.js';
import { attachFastPath, type FastPathOptions, type FastRequest } from './fast-path.js';
import {
  type BodyEncoding,
  type BodyKind,
  bodyBudgetBytes,
  bodyEncodingOf,
  bodyKindOf,
  createBodyBudget,
  createRateLimiter,
  createSecretCheck,
  type SecretCheck,
} from './guards.js';
import { type IngestResult, ingestBody } from './ingest.js';
import { createHttpServer, listenOn, parseHostPort } from './listen.js';
import { createRawResponder } from './raw-response.js';
import { createRequestCounts } from './request-counts.js';

/** The counts a non-canned answer carries (built only off the one-event hot path). */
const summaryOf = (r: IngestResult) => ({
  accepted: r.accepted,
  ignored: r.ignored,
  dropped: r.dropped,
  rejected: r.rejected,
});

/** Where an answer goes: node:http's response, or the fast path's socket. Headers are flat name/value pairs. */
interface Answer {
  send(code: number, text: string, headers: readonly string[]): void;
  /** A constant 200 answer: `headers` is always the same array for the same answer. */
  sendConstant(text: string, headers: readonly string[]): void;
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\./.test(host);

export interface ReceiverHandle {
  address: AddressInfo;
  close(): Promise<void>;
}

/**
 * Starts listening; resolves once bound. Unusable files or secrets reject with ConfigError (exit 2; the
 * config side checks the files first); an address that cannot be bound rejects with SourceFailedError: the
 * config is fine, the host is not (exit 1).
 */
export async function startReceiver(
  config: FalcoHttpConfig,
  deps: SourceDeps,
  out: SourceOutput,
  keyPath = deps.keyPath ?? 'sources.falcoHttp',
): Promise<ReceiverHandle> {
  const listen = parseHostPort(config.listen);
  if (!listen) throw new ConfigError(`${keyPath}.listen`, `expected HOST:PORT (got "${config.listen}")`);
  const secretOk: SecretCheck | null = config.sharedSecret ? createSecretCheck(config.sharedSecret, keyPath) : null;
  const limiter = createRateLimiter(config.maxRequestsPerSecond, deps.clock);
  const defaults = { node: deps.node };
  const { count, ok: countOk } = createRequestCounts(deps.metrics);
  const rejected = deps.metrics.eventsDropped.labels('rejected');
  let lastRejectLog = Number.NEGATIVE_INFINITY;
  const budgetLimit = bodyBudgetBytes(config);
  const budget = createBodyBudget(budgetLimit, deps.metrics.receiverBufferedBodyBytes.labels('falco-http'));
  const budgetGauge = deps.metrics.receiverBodyBudgetBytes.labels('falco-http');
  let lastBudgetLog = Number.NEGATIVE_INFINITY;
  let budgetRefusals = 0;

  const answerTo = (res: ServerResponse): Answer => ({
    send(code, text, headers) {
      res.writeHead(code, headers as string[]);
      res.end(text);
    },
    sendConstant(text, headers) {
      res.writeHead(200, headers as string[]);
      res.end(text);
    },
  });

  function reply(
    answer: Answer,
    code: number,
    body: Record<string, unknown>,
    extra: Record<string, string> = {},
  ): void {
    count(code);
    const text = JSON.stringify(body);
    const headers = ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(text))];
    for (const name in extra) headers.push(name, extra[name]!);
    answer.send(code, text, headers);
  }

  // The hot path is one event per POST, all accepted (or all ignored): those 200 answers are constants,
  // built once with their header list, instead of a summary object, JSON.stringify and a header object each.
  const cannedOk = (accepted: number, ignored: number) => {
    const text = JSON.stringify({ accepted, ignored, dropped: 0, rejected: 0 });
    return { text, headers: ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(text))] };
  };
  const oneAccepted = cannedOk(1, 0);
  const oneIgnored = cannedOk(0, 1);

  /** Refuses a request before ingesting it: it may carry events we never saw, so count them as dropped. */
  function fail(answer: Answer, code: number, error: string, headers: Record<string, string> = {}): void {
    rejected.inc();
    const now = deps.clock.now();
    if (now - lastRejectLog >= 10_000) {
      lastRejectLog = now;
      deps.logger.warn({ source: 'falco-http', code, reason: error }, 'refused a request');
    }
    reply(answer, code, { error }, headers);
  }

  /**
   * A body that does not fit the receiver's budget now: 503, as for a full queue (Falco logs it, forwarders
   * retry), and the connection closed, so its unread body is never read and the sender reconnects (onto the
   * fast path). Its own warning, not fail()'s: other refusals must not hide that the budget is exhausted.
   */
  function refuseOverBudget(answer: Answer, bytes: number): void {
    rejected.inc();
    budgetRefusals++;
    const now = deps.clock.now();
    if (now - lastBudgetLog >= 10_000) {
      lastBudgetLog = now;
      deps.logger.warn(
        {
          source: 'falco-http',
          code: 503,
          bytes,
          held: budget.used,
          maxBufferedBodyBytes: budget.limit,
          refused: budgetRefusals,
        },
        'request bodies held reached maxBufferedBodyBytes: refusing requests until some complete',
      );
      budgetRefusals = 0;
    }
    const error = `request bodies held would exceed maxBufferedBodyBytes ${budget.limit}: retry later`;
    reply(answer, 503, { error }, { 'retry-after': '1', connection: 'close' });
  }

  /** A whole, admitted body: decode, ingest, answer. Shared by node:http's path and the fast path. */
  function ingestAndAnswer(raw: Buffer, kind: BodyKind, encoding: BodyEncoding, answer: Answer): void {
    let body = raw;
    // Decoded synchronously and dropped before the next read: one decoded body at a time across all
    // connections, at most maxBodyBytes, on top of the compressed bytes the budget holds.
    if (encoding === 'gzip') {
      try {
        body = gunzipSync(body, { maxOutputLength: config.maxBodyBytes });
      } catch (err) {
        const tooBig = err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        if (tooBig) fail(answer, 413, `decompressed body exceeds maxBodyBytes ${config.maxBodyBytes}`);
        else fail(answer, 400, `invalid gzip body: ${errorMessage(err)}`);
        return;
      }
    }
    const r = ingestBody(body.toString('utf8'), kind, out, defaults);
    if (r.rejected > 0) {
      // Lines before/after a bad one were queued (the summary says how many): do not resend those.
      reply(answer, 400, { error: r.error, ...summaryOf(r) });
    } else if (r.dropped > 0) {
      // 503, not 200: Falco does not retry, but it logs a failed POST, and forwarders count/retry it, so the
      // loss is visible on the sending side too. Ours counts it (events_dropped_total{reason="queue_full"})
      // and marks a gap, so alerts spanning it say degraded. A 200 would claim an event we threw away.
      reply(answer, 503, { error: 'event queue full: event(s) dropped', ...summaryOf(r) }, { 'retry-after': '1' });
    } else {
      const canned = r.accepted + r.ignored !== 1 ? null : r.accepted === 1 ? oneAccepted : oneIgnored;
      if (canned === null) {
        reply(answer, 200, summaryOf(r));
      } else {
        countOk();
        answer.sendConstant(canned.text, canned.headers);
      }
    }
  }

  /** mTLS with optional client certs: a presented but unverifiable certificate is still refused. */
  function untrustedClientCert(socket: Socket): boolean {
    const tls = socket as Partial<TLSSocket>;
    return Boolean(
      config.tls?.clientCaFile &&
        !config.tls.requireClientCert &&
        tls.authorized === false &&
        tls.getPeerCertificate?.()?.raw,
    );
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const answer = answerTo(res);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      req.resume();
      count(200);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      fail(answer, 405, 'only POST is accepted (GET /healthz for liveness)', { allow: 'POST' });
      return;
    }
    if (untrustedClientCert(req.socket)) {
      req.resume();
      const reason = (req.socket as Partial<TLSSocket>).authorizationError;
      fail(answer, 401, `client certificate not trusted: ${String(reason)}`);
      return;
    }
    if (secretOk && !secretOk(req.headers)) {
      req.resume();
      fail(answer, 401, `missing or wrong ${config.sharedSecret?.header} header`);
      return;
    }
    if (!limiter.take()) {
      req.resume();
      fail(answer, 429, 'request rate limit exceeded', { 'retry-after': '1' });
      return;
    }
    const kind = bodyKindOf(req.headers['content-type']);
    if (kind === null) {
      req.resume();
      const got = req.headers['content-type'] ?? 'none';
      const hint = got.startsWith('text/plain') ? ' (set json_output: true in falco.yaml)' : '';
      fail(answer, 415, `content-type must be application/json or application/x-ndjson, got ${got}${hint}`);
      return;
    }
    const encoding = bodyEncodingOf(req.headers['content-encoding']);
    if (encoding === null) {
      req.resume();
      const got = req.headers['content-encoding']?.toLowerCase();
      fail(answer, 415, `unsupported content-encoding ${got} (identity or gzip)`);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > config.maxBodyBytes) {
      // Do not read a body we will refuse; close the connection so its unread bytes cannot be taken as a request.
      fail(answer, 413, `body of ${declared} bytes exceeds maxBodyBytes ${config.maxBodyBytes}`, {
        connection: 'close',
      });
      req.destroy();
      return;
    }
    readBody(req, declared, config.maxBodyBytes, budget, {
      whole(body) {
        // Outside the 'request' handler's try: a throw here would escape into node:http's stream callbacks.
        try {
          ingestAndAnswer(body, kind, encoding, answer);
        } catch (err) {
          handlerFailed(err);
          if (!res.headersSent) fail(answer, 500, 'internal error');
        }
      },
      tooLarge() {
        fail(answer, 413, `body exceeds maxBodyBytes ${config.maxBodyBytes}`, { connection: 'close' });
        req.destroy();
      },
      overBudget(bytes) {
        refuseOverBudget(answer, bytes);
        req.destroy();
      },
    });
  }

  /** A bug, not bad input: counted and logged; the request gets a 500 if nothing was answered yet. */
  function handlerFailed(err: unknown): void {
    deps.metrics.componentErrors.labels(sourceComponent('falco-http')).inc();
    deps.logger.error({ source: 'falco-http', err: errorMessage(err) }, 'request handler failed');
  }

  function refuseConnection(socket: Socket, code: number): void {
    if (socket.writable) {
      count(code);
      socket.end(`HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    }
    socket.destroy();
  }

  /** The fast path serves what handle() would ingest; anything it would refuse before reading goes to handle(). */
  function fastPathOptions(): FastPathOptions {
    const raw = createRawResponder(config.keepAliveTimeoutMs);
    const secretHeader = config.sharedSecret ? config.sharedSecret.header.toLowerCase() : null;
    const accepts = (request: FastRequest, socket: Socket): boolean =>
      bodyKindOf(request.contentType) !== null &&
      bodyEncodingOf(request.contentEncoding) !== null &&
      (!secretOk || secretOk(request.secret === undefined ? {} : { [secretHeader!]: request.secret })) &&
      !untrustedClientCert(socket);
    return {
      maxHeaderBytes: config.maxHeaderBytes,
      maxBodyBytes: config.maxBodyBytes,
      budget,
      headersTimeoutMs: common.headersTimeout,
      requestTimeoutMs: config.requestTimeoutMs,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
      secretHeader,
      accepts,
      serve(request, body, socket) {
        // handle()'s checks, those without side effects first: a request any of them refuses is handed to
        // handle(), which refuses it with the same answer as ever.
        if (!accepts(request, socket)) return false;
        const kind = bodyKindOf(request.contentType)!;
        const encoding = bodyEncodingOf(request.contentEncoding)!;
        let answered = false;
        const answer: Answer = {
          send(code, text, headers) {
            answered = true;
            raw.write(socket, code, text, headers);
          },
          sendConstant(text, headers) {
            answered = true;
            raw.writeConstant(socket, text, headers);
          },
        };
        try {
          if (!limiter.take()) fail(answer, 429, 'request rate limit exceeded', { 'retry-after': '1' });
          else ingestAndAnswer(body, kind, encoding, answer);
        } catch (err) {
          handlerFailed(err);
          if (!answered) fail(answer, 500, 'internal error');
        }
        return true;
      },
      timedOut: (socket) => refuseConnection(socket, 408),
      ...fastPathSlotCalls(() => slots),
    };
  }

  const common = {
    maxHeaderSize: config.maxHeaderBytes,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
    // Node checks those two timeouts only this often (default 30 s): a slowloris client would hold its
    // connection for up to requestTimeoutMs + 30 s. Check often enough that the configured limit holds.
    connectionsCheckingInterval: Math.min(1000, Math.ceil(config.requestTimeoutMs / 4)),
  };
  const server = createHttpServer(config, common, keyPath);
  const fastPath = config.fastPath ? attachFastPath(server, fastPathOptions()) : null;
  const slots = limitReceiverConnections(server, config.maxConnections, deps, count);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    try {
      handle(req, res);
    } catch (err) {
      handlerFailed(err);
      if (!res.headersSent) fail(answerTo(res), 500, 'internal error');
    }
  });
  // Malformed HTTP, oversized headers, slow clients: answer like Node would, but count it.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const code = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    if (config.tls && !secured.has(socket)) {
      count('tls'); // the request never reached HTTP
      socket.destroy();
    } else if (err.code !== 'ECONNRESET') refuseConnection(socket, code);
    else socket.destroy();
  });
  // node:https re-emits a failed handshake (no or untrusted client certificate, a client that never finishes
  // it) as a clientError, before any 'tlsClientError' listener of ours runs: counted there, once, as `tls`.
  const secured = new WeakSet<Socket>();
  if (config.tls) server.on('secureConnection', (socket: Socket) => secured.add(socket));

  await listenOn(server, listen, config.listen);
  // Summed over receivers (one source label, no address). The level is a 0 series from the start, not absent.
  budgetGauge.inc(budgetLimit);
  deps.metrics.receiverBufferedBodyBytes.labels('falco-http').inc(0);
  server.on('error', (err) => deps.logger.error({ source: 'falco-http', err: errorMessage(err) }, 'receiver error'));
  if (!isLoopback(listen.host) && !config.tls && !config.sharedSecret) {
    // Not refused (a NetworkPolicy may guard it), but never silent: whoever reaches it can inject events.
    deps.logger.warn(
      { source: 'falco-http', listen: config.listen },
      'falco-http listens beyond this node without tls or sharedSecret: anyone who can reach it can inject or flood events',
    );
  }

  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        fastPath?.closeAll();
        budgetGauge.dec(budgetLimit);
      }),
  };
}
