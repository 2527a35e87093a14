/**
 * The operations endpoints of `run`: /metrics (Prometheus text), /healthz (liveness: the process answers
 * and its event loop is not stalling), /readyz (every configured source is connected, and not stopping).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, errorMessage } from '../errors.js';
import { describeListenError } from '../io/listen-errors.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { limitConnections } from './connection-slots.js';
import { coalesceRenders } from './metrics-render.js';

export interface ListenAddress {
  host: string;
  port: number;
}

/** `HOST:PORT` or `[IPv6]:PORT`; port 0 picks a free one. ConfigError names `key` when malformed. */
export function parseListenAddress(text: string, key: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65_535) throw new ConfigError(key, `expected HOST:PORT like 0.0.0.0:9464 (got "${text}")`);
  return { host: (m[1] ?? m[2])!, port };
}

export interface OpsServerOptions {
  listen: ListenAddress;
  metrics: Metrics;
  logger: Logger;
  /** True when every configured source is connected, and there is at least one (App.ready()). */
  ready(): boolean;
  /** Per-source detail for the /readyz body. */
  sources(): Array<{ id: string; type: string; up: boolean; detail?: string }>;
  /** The pod watch's state for the /readyz body (kubernetes.podSecrets); it never makes the daemon unready. */
  podSecrets?: () => { synced: boolean; podsWithSecretMounts: number; lastError: string | null };
  /** /healthz fails when the event loop stalled longer than this recently (default 5 s). */
  maxEventLoopStallMs?: number;
  /** Connections held at once (default 256); when full, the longest without a live request is closed. */
  maxConnections?: number;
}

export interface OpsServer {
  readonly address: ListenAddress;
  /** From now on /readyz says 503 (shutting down: take us out of rotation). */
  markStopping(): void;
  close(): Promise<void>;
}

/**
 * The endpoints serve Prometheus, the kubelet's probes and an operator's curl: a few connections at once.
 * Without bounds (node:http's defaults: no connection limit, 60 s for a request head, checked every 30 s),
 * 15,000 clients that never finished a request took ~90 MB of the daemon's 256 Mi; here at most 256 are held
 * (a new one displaces the one longest without a live request: connection-slots.ts) and a request must
 * arrive within seconds.
 */
const MAX_CONNECTIONS = 256;
/**
 * Requests one connection may have in progress (pipelined): Prometheus, the kubelet and curl send one at a
 * time, and node:http starts every request of a read at once (up to ~1,700 in 64 KiB); a connection that
 * pipelines more is closed.
 */
const MAX_REQUESTS_IN_PROGRESS = 8;
const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;

export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  let stopping = false;
  const maxStallMs = o.maxEventLoopStallMs ?? 5000;
  // A heartbeat that measures how late it fires: a stalled event loop shows as a late beat. Two windows of
  // 10 s, so a stall stays visible for 10–20 s, long enough for a kubelet probe to see it.
  const beatMs = 100;
  let expected = performance.now() + beatMs;
  let windowMaxMs = 0;
  let previousMaxMs = 0;
  let windowStart = performance.now();
  const heartbeat = setInterval(() => {
    const now = performance.now();
    windowMaxMs = Math.max(windowMaxMs, now - expected);
    expected = now + beatMs;
    if (now - windowStart >= 10_000) {
      previousMaxMs = windowMaxMs;
      windowMaxMs = 0;
      windowStart = now;
    }
  }, beatMs);
  heartbeat.unref();

  const renderMetrics = coalesceRenders(
    () => o.metrics.registry.metrics(),
    (err) =>
      o.logger.error(
        { err: errorMessage(err) },
        '/metrics render failed; every request waiting for it is answered 500',
      ),
  );

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    // A length, not chunked: a client can tell a whole answer from one cut short.
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(body),
    });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Closed for pipelining too deep (connection-slots.ts) while node:http still parses the rest of its read.
    if (req.socket.destroyed) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    const path = (req.url ?? '/').split('?')[0];
    switch (path) {
      case '/metrics': {
        let body: Buffer;
        try {
          body = await renderMetrics();
        } catch {
          // Logged once for the render (coalesceRenders), not once per request that waited for it.
          return send(res, 500, 'text/plain', 'metrics render failed\n');
        }
        return send(res, 200, o.metrics.registry.contentType, body);
      }
      case '/healthz': {
        const stallMs = Math.max(previousMaxMs, windowMaxMs, performance.now() - expected);
        const ok = stallMs < maxStallMs;
        return send(
          res,
          ok ? 200 : 503,
          'application/json',
          `${JSON.stringify({ ok, eventLoopMaxDelayMs: Math.round(stallMs) })}\n`,
        );
      }
      case '/readyz': {
        const ready = !stopping && o.ready();
        const sources = o.sources();
        const body = {
          ready,
          stopping,
          sources,
          ...(o.podSecrets ? { podSecrets: o.podSecrets() } : {}),
          ...(ready ? {} : { reason: notReadyReason(stopping, sources) }),
        };
        return send(res, ready ? 200 : 503, 'application/json', `${JSON.stringify(body)}\n`);
      }
      case '/':
        return send(res, 200, 'text/plain', 'exfilwatch: /metrics /healthz /readyz\n');
      default:
        return send(res, 404, 'text/plain', 'not found\n');
    }
  };

  const server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      // node:http checks both timeouts only this often (default 30 s).
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      handle(req, res).catch((err) => {
        o.logger.error({ err: errorMessage(err), url: req.url }, 'ops endpoint failed');
        if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
        else res.end();
      });
    },
  );
  server.keepAliveTimeout = 5000;
  const maxConnections = o.maxConnections ?? MAX_CONNECTIONS;
  limitConnections(server, {
    max: maxConnections,
    // Answers take milliseconds: a request in progress this long has a client that stopped reading.
    stalledMs: HEADERS_TIMEOUT_MS,
    maxRequestsInProgress: MAX_REQUESTS_IN_PROGRESS,
    onClosed: (reason) => o.metrics.opsConnectionsClosed.labels(reason).inc(),
    logger: o.logger,
    logFields: { maxConnections },
    messages: {
      evicted: 'ops endpoints: connection limit reached; closed the connection longest without a request',
      refused: 'ops endpoints: connection limit reached and every connection busy; closed the new one',
      pipelined: `ops endpoints: closed a connection that pipelined more than ${MAX_REQUESTS_IN_PROGRESS} requests`,
    },
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      clearInterval(heartbeat);
      // Say what to do, as the receiver's busy port does: node's own text ("listen EADDRINUSE: address already
      // in use") named neither the likely holder nor the flag that moves /metrics.
      const at = `${o.listen.host}:${o.listen.port}`;
      const why = describeListenError(err, at);
      const fix = err.code === 'EADDRINUSE' ? '; stop it, or give --metrics-addr (metrics.listen) another port' : '';
      reject(new Error(`cannot listen on ${at} for /metrics: ${why}${fix}`, { cause: err }));
    };
    server.once('error', failed);
    server.listen(o.listen.port, o.listen.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  // Once listening (an accept failing: ENFILE, ENOBUFS): the listen-time handler stopped the heartbeat, so
  // /healthz failed for good and the kubelet restarted us; a second such error had no handler and ended the
  // process. Logged; the server goes on accepting.
  server.on('error', (err) => o.logger.error({ err: errorMessage(err) }, 'ops endpoints: server error'));
  const bound = server.address() as AddressInfo;
  const address = { host: o.listen.host, port: bound.port };
  o.logger.info(
    {
      metrics: `http://${o.listen.host.includes(':') ? `[${o.listen.host}]` : o.listen.host}:${bound.port}/metrics`,
      port: bound.port,
    },
    'serving /metrics, /healthz, /readyz',
  );
  return {
    address,
    markStopping() {
      stopping = true;
    },
    close() {
      clearInterval(heartbeat);
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A down source's own words in /readyz's reason are cut here: a responder reads it in one line. */
const REASON_DETAIL_MAX_CHARS = 200;

/**
 * Why /readyz says 503, in the words an operator reading `kubectl describe` or curl needs: each source that
 * is down, with what it last said (the file error, the refused connect), which the log has too.
 */
function notReadyReason(stopping: boolean, sources: Array<{ id: string; up: boolean; detail?: string }>): string {
  if (stopping) return 'stopping';
  if (sources.length === 0) return 'no sources configured: nothing can be detected';
  const down = sources.filter((s) => !s.up).map((s) => (s.detail ? `${s.id} (${shortDetail(s.detail)})` : s.id));
  return `not connected: ${down.join(', ')}`;
}

function shortDetail(detail: string): string {
  const line = detail.replace(/\s+/g, ' ').trim();
  if (line.length <= REASON_DETAIL_MAX_CHARS) return line;
  const cut = line.slice(0, REASON_DETAIL_MAX_CHARS - 1);
  // A cut between the two UTF-16 halves of a character (an emoji in a path) would leave half of one.
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}
