/**
 * The ONE long-lived NATS connection of the sink, and what has to be true before publishing: JetStream
 * available (else core NATS, with a warning) and the stream present (created or checked). Start-up never
 * waits for the broker: the first connect is retried in the background with jittered backoff, and after
 * that the client reconnects by itself, forever. Every reconnect re-runs the setup (the broker may have
 * come back without its stream).
 */
import {
  type ConnectionOptions,
  connect,
  ErrorCode,
  type JetStreamClient,
  type NatsConnection,
  type NatsError,
  nanos,
  StorageType,
} from 'nats';
import { errorMessage } from '../../errors.js';
import { SEVERITIES } from '../../model/alert.js';
import type { Logger } from '../../telemetry/logger.js';
import type { NatsSinkConfig } from './config.js';
import { natsServerWithoutCredentials } from './connect-options.js';
import { findAlertStreamOwners, patternCovers } from './stream-owners.js';

export type PublishMode = 'jetstream' | 'core';

export interface LinkState {
  nc: NatsConnection;
  mode: PublishMode;
  js: JetStreamClient | null;
  /**
   * Set when the alert stream cannot be created because these streams store (part of) `<prefix>.>`: the
   * alerts are published into them instead (stream-owners.ts).
   */
  storedBy?: string[];
}

export interface NatsLinkEvents {
  /** Ready to publish (after connect or reconnect and setup). */
  ready(state: LinkState): void;
  /** Not ready any more (disconnected, closed). */
  down(reason: string): void;
  /** The server refused a publish to `subject` (permissions violation): its only answer is an -ERR. */
  refused?(subject: string): void;
}

export interface NatsLink {
  start(): void;
  /** Re-runs the setup (stream check) after publishes failed in a way that suggests the stream is gone. */
  recheck(): void;
  close(): Promise<void>;
}

/**
 * Refused setups back off up to this, or to the configured reconnect pace when that is longer. A refusal (no
 * permission for the JetStream API, a stream whose subjects overlap another's) does not cure itself: retried
 * at the reconnect pace, it was a request to the broker and two warnings every 2–3 s for as long as it lasted.
 */
const SETUP_RETRY_MAX_MS = 15_000;

/**
 * The wait before retrying a refused setup (`failures` before this one): never sooner than the reconnect
 * pace the operator configured (a full-jitter floor of a quarter of it, and a 15 s cap below a larger one,
 * retried a 30 s configuration every 7.5–15 s), doubling from there with jitter up to SETUP_RETRY_MAX_MS or
 * that pace plus its jitter, whichever is longer.
 */
export function refusedSetupRetryMs(
  failures: number,
  reconnectTimeWaitMs: number,
  reconnectJitterMs: number,
  random: () => number = Math.random,
): number {
  const cap = Math.max(SETUP_RETRY_MAX_MS, reconnectTimeWaitMs + reconnectJitterMs);
  const ceiling = Math.min(cap, reconnectTimeWaitMs * 2 ** Math.min(failures, 30));
  return reconnectTimeWaitMs + random() * Math.max(0, ceiling - reconnectTimeWaitMs);
}
/**
 * nats.js reports "JetStream not enabled" for no answer at all on its API (503 no responders), which a
 * broker whose JetStream is still starting, or a cluster without a meta leader yet, gives too. Falling back
 * to core NATS at once published alerts no stream kept; so JetStream must be missing for this many reconnect
 * waits first, and core mode looks for JetStream again every `stream.checkIntervalMs`.
 */
const CORE_FALLBACK_AFTER_WAITS = 3;
/**
 * The same warning (or error) again at most this often; debug in between. An outage repeats its lines at every
 * reconnect attempt (revoked credentials: one a second at the default pace) or stream look: a long one said
 * them thousands of times. A recovery is always logged, and the next occurrence after it is said again.
 */
const REPEAT_WARN_MS = 60_000;
const CONNECTION_LOST = 'NATS connection lost; reconnecting, alerts are spooled meanwhile';
const SERVER_ERROR = 'NATS reported an error';
const UNREACHABLE = 'NATS unreachable; alerts are spooled until it is back';
const STREAM_MISSING = 'the alert stream does not exist (stream.mode=check): alerts stay spooled; checking again';
const SETUP_FAILED = 'NATS setup failed; retrying';

/**
 * A first connection that timed out: `TIMEOUT` alone sent users looking at the broker, when what they had was
 * usually a dropped connection or another service's port. nats.js says the same `TIMEOUT` when a NATS server
 * sent its INFO and the handshake after it (TLS, CONNECT/PONG) never finished, so the hint names both and does
 * not claim that nothing answered.
 */
const connectTimeoutHint = (ms: number | undefined) =>
  `no NATS connection was made ${ms === undefined ? 'within the connect timeout' : `within ${ms} ms`}: nothing ` +
  'answered as NATS (a firewall or NetworkPolicy dropping the connection, or another service on that port: NATS ' +
  "clients connect to 4222; 8222 is NATS's HTTP monitoring port), or a NATS server's handshake did not finish " +
  '(TLS, or a server too busy to answer)';

/**
 * A setup that got no answer (the request timed out, or nothing serves the JetStream API yet: a broker
 * still starting JetStream after a restart) is retried at the reconnect pace: backing off there held spooled
 * alerts back by up to SETUP_RETRY_MAX_MS after the broker was back. A refusal is an answer.
 */
const isUnanswered = (err: unknown): boolean => {
  const code = (err as NatsError | null)?.code;
  return code === ErrorCode.Timeout || code === ErrorCode.NoResponders;
};

/**
 * A setup error as the log says it. nats.js names a JetStream API nothing answered "503" alone, which sent a
 * user of a broker started without -js looking for an HTTP server: the three waits before core NATS say why.
 */
const setupErrorText = (err: unknown): string =>
  (err as NatsError | null)?.code === ErrorCode.JetStreamNotEnabled
    ? `${errorMessage(err)}: the JetStream API did not answer (JetStream off on the broker: nats-server -js; or ` +
      'still starting): alerts stay spooled, and go out as core NATS if it stays silent'
    : errorMessage(err);

/** JSStreamSubjectOverlapErr: another stream of the account stores some of the subjects. */
const isSubjectOverlap = (err: unknown): boolean =>
  (err as { api_error?: { err_code?: number } } | null)?.api_error?.err_code === 10065 ||
  /subjects overlap/i.test(errorMessage(err));

const isStreamNotFound = (err: unknown): boolean => {
  const e = err as NatsError & { api_error?: { err_code?: number; code?: number } };
  return e?.api_error?.err_code === 10059 || e?.api_error?.code === 404 || e?.code === '404';
};

export function createNatsLink(
  config: NatsSinkConfig,
  options: ConnectionOptions,
  logger: Logger,
  events: NatsLinkEvents,
): NatsLink {
  let closed = false;
  let nc: NatsConnection | null = null;
  let timer: NodeJS.Timeout | null = null;
  let attempt = 0;
  let setupRunning = false;
  let setupFailures = 0;
  /**
   * Since when JetStream has not answered on this connection (null: it has, or not asked yet). Forgotten when
   * the connection drops: the broker met again may be one restarted with JetStream still starting, and taking
   * its silence for none at once sent alerts as core messages no stream kept until the next re-look.
   */
  let jetStreamMissingSince: number | null = null;
  /** The mode last announced as ready (null: none since the link went down). */
  let readyAs: PublishMode | null = null;
  /**
   * What was said about publishing into other streams (their names and risks), while the alert stream cannot
   * be created beside them: said again only when it changes, since every reconnect and every re-look a
   * refused subject asks for (every 15 s) finds it again.
   */
  let publishingInto: string | null = null;
  const ownStreamAgain = () => {
    if (publishingInto === null) return;
    publishingInto = null;
    logger.info({ stream: config.stream.name }, 'alerts go into the alert stream again, no longer into other streams');
  };
  const lost = (reason: string) => {
    jetStreamMissingSince = null;
    readyAs = null;
    events.down(reason);
  };
  /** Per message: what was last said at its level (`same`: what makes a repeat), when, and the repeats since. */
  const said = new Map<string, { same: string; at: number; repeats: number }>();
  const sayRepeated = (level: 'warn' | 'error', fields: Record<string, unknown>, msg: string, same: string) => {
    const last = said.get(msg);
    const now = Date.now();
    if (last === undefined || last.same !== same || now - last.at >= REPEAT_WARN_MS) {
      said.set(msg, { same, at: now, repeats: 0 });
      const repeats = last?.same === same && last.repeats > 0 ? { repeatedSinceLastLine: last.repeats } : {};
      logger[level]({ ...fields, ...repeats }, msg);
    } else {
      last.repeats++;
      logger.debug(fields, msg);
    }
  };
  const warnRepeated = (fields: Record<string, unknown>, msg: string, err: string) =>
    sayRepeated('warn', { ...fields, err }, msg, err);
  /** Recovered from what `msgs` said: their next occurrence starts a new episode, said at its level. */
  const recovered = (...msgs: string[]) => {
    for (const msg of msgs) said.delete(msg);
  };
  // Never the URLs as given: they may carry `user:pass@`.
  const where = { servers: config.servers.map(natsServerWithoutCredentials) };

  const later = (fn: () => void, ms: number) => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
  // A setup retry for a connection that is no longer the link's (closed for good, its firstConnect already
  // scheduled on the same timer) would cancel that reconnect and leave the link down until a restart.
  const retrySetup = (conn: NatsConnection, ms: number) => {
    if (conn === nc && !conn.isClosed()) later(() => void setup(conn), ms);
  };
  // Same policy as the client's own reconnects: a fixed wait plus jitter.
  const retryDelay = () => {
    attempt++;
    return config.reconnectTimeWaitMs + Math.floor(Math.random() * config.reconnectJitterMs);
  };

  async function firstConnect(): Promise<void> {
    if (closed) return;
    try {
      const conn = await connect(options);
      if (closed) {
        await conn.close();
        return;
      }
      nc = conn;
      attempt = 0;
      // Connected again after the connection closed for good: what the old one said ended with it.
      recovered(UNREACHABLE, CONNECTION_LOST, SERVER_ERROR);
      logger.info({ ...where, server: conn.getServer() }, 'connected to NATS');
      watch(conn);
      void setup(conn);
    } catch (err) {
      // Closed while this attempt ran (a stop during a silent broker's connect timeout): nothing is waiting
      // for it any more, and "alerts are spooled until it is back" after the daemon said it stopped misleads.
      if (closed) return;
      const timedOut = (err as NatsError | null)?.code === ErrorCode.Timeout;
      const hint = timedOut ? { hint: connectTimeoutHint(options.timeout) } : {};
      warnRepeated({ ...where, attempt, ...hint }, UNREACHABLE, errorMessage(err));
      later(() => void firstConnect(), retryDelay());
    }
  }

  function watch(conn: NatsConnection): void {
    void (async () => {
      for await (const s of conn.status()) {
        if (s.type === 'disconnect') {
          lost('disconnected');
          // Every failed reconnect attempt (revoked credentials) is a disconnect too.
          sayRepeated('warn', where, CONNECTION_LOST, 'disconnected');
        } else if (s.type === 'reconnect') {
          recovered(CONNECTION_LOST, SERVER_ERROR);
          logger.info({ ...where, server: conn.getServer() }, 'reconnected to NATS');
          readyAs = null;
          void setup(conn);
        } else if (s.type === 'error') {
          const ctx = (s as { permissionContext?: { operation?: string; subject?: string } }).permissionContext;
          if (ctx?.operation === 'publish' && ctx.subject !== undefined) events.refused?.(ctx.subject);
          warnRepeated(where, SERVER_ERROR, String(s.data));
        }
      }
    })().catch(() => undefined);
    void conn.closed().then((err) => {
      if (closed) return;
      lost('closed');
      logger.warn({ ...where, err: err ? errorMessage(err) : undefined }, 'NATS connection closed; connecting again');
      nc = null;
      later(() => void firstConnect(), retryDelay());
    });
  }

  async function setup(conn: NatsConnection): Promise<void> {
    if (setupRunning || closed || conn.isClosed()) return;
    setupRunning = true;
    try {
      const state = await prepare(conn);
      setupFailures = 0;
      // A refusal after this one is a new episode, said at its level (it was debug for a minute).
      if (said.has(SETUP_FAILED)) {
        recovered(SETUP_FAILED);
        logger.info(where, 'NATS setup succeeded');
      }
      if (closed || conn.isClosed()) return;
      if (state) {
        // A re-look that found no JetStream changes nothing: announced again, it logged "delivering spooled
        // alerts" at every look while one waited, and cut the sink's publish backoff short.
        if (state.mode !== 'core' || readyAs !== 'core') events.ready(state);
        readyAs = state.mode;
      } else {
        // Publishing must wait (the stream is missing in check mode), also on a core link the re-look found
        // JetStream on: it went on sending the alerts as core messages while the log said they stayed spooled.
        readyAs = null;
        events.down('the alert stream is missing');
      }
    } catch (err) {
      const delay = isUnanswered(err)
        ? retryDelay()
        : refusedSetupRetryMs(setupFailures++, config.reconnectTimeWaitMs, config.reconnectJitterMs);
      warnRepeated({ ...where, retryInMs: Math.round(delay) }, SETUP_FAILED, setupErrorText(err));
      retrySetup(conn, delay);
    } finally {
      setupRunning = false;
    }
  }

  /** JetStream or core; the stream created/checked. Null when publishing must wait (check mode, stream absent). */
  async function prepare(conn: NatsConnection): Promise<LinkState | null> {
    let jsm: Awaited<ReturnType<NatsConnection['jetstreamManager']>>;
    try {
      jsm = await conn.jetstreamManager({ timeout: config.ackTimeoutMs });
    } catch (err) {
      if ((err as NatsError).code === ErrorCode.JetStreamNotEnabled) {
        const now = Date.now();
        jetStreamMissingSince ??= now;
        // Not answering yet, or not there: retried at the reconnect pace (isUnanswered), alerts spooled.
        if (now - jetStreamMissingSince < CORE_FALLBACK_AFTER_WAITS * config.reconnectTimeWaitMs) throw err;
        warnRepeated(
          where,
          'JetStream is not enabled on the broker: publishing with core NATS (no persistence, no de-duplication)',
          errorMessage(err),
        );
        retrySetup(conn, config.stream.checkIntervalMs);
        return { nc: conn, mode: 'core', js: null };
      }
      throw err;
    }
    jetStreamMissingSince = null;
    const { stream } = config;
    const subjects = `${config.subjectPrefix}.>`;
    if (stream.mode !== 'none') {
      try {
        const info = await jsm.streams.info(stream.name);
        // Every alert subject, `<prefix>.<severity>.<rule>`: also `exfilwatch.*.>`, `*.alerts.>`, one per severity.
        const covered = SEVERITIES.every((severity) =>
          info.config.subjects?.some((s) => patternCovers(s, `${config.subjectPrefix}.${severity}.*`)),
        );
        if (said.has(STREAM_MISSING)) {
          recovered(STREAM_MISSING);
          logger.info({ stream: stream.name }, 'the alert stream exists now');
        }
        // Said again at every re-look a refused publish asks for: once a minute at most.
        if (!covered)
          sayRepeated(
            'warn',
            { stream: stream.name, subjects: info.config.subjects, want: subjects },
            'the alert stream may not cover the alert subjects: alerts no stream stores stay spooled',
            JSON.stringify(info.config.subjects),
          );
      } catch (err) {
        if (!isStreamNotFound(err)) throw err;
        if (stream.mode === 'check') {
          sayRepeated('error', { stream: stream.name, subjects }, STREAM_MISSING, 'missing');
          retrySetup(conn, stream.checkIntervalMs);
          return null;
        }
        try {
          await jsm.streams.add({
            name: stream.name,
            subjects: [subjects],
            storage: StorageType.File,
            max_age: nanos(stream.maxAgeMs),
            duplicate_window: nanos(stream.duplicateWindowMs),
            num_replicas: stream.replicas,
          });
        } catch (addErr) {
          if (!isSubjectOverlap(addErr)) throw addErr;
          // A platform team's catch-all stream: a publish on its subjects is stored and acked there.
          const owners = await findAlertStreamOwners(jsm, config);
          if (owners === null) throw addErr;
          if (publishingInto !== owners.message) logger[owners.level](owners.fields, owners.message);
          publishingInto = owners.message;
          return {
            nc: conn,
            mode: 'jetstream',
            js: conn.jetstream({ timeout: config.ackTimeoutMs }),
            storedBy: owners.streams,
          };
        }
        logger.info({ stream: stream.name, subjects }, 'created the alert stream');
      }
    }
    ownStreamAgain();
    return { nc: conn, mode: 'jetstream', js: conn.jetstream({ timeout: config.ackTimeoutMs }) };
  }

  return {
    start() {
      void firstConnect();
    },
    recheck() {
      if (nc && !nc.isClosed()) void setup(nc);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const conn = nc;
      nc = null;
      if (conn && !conn.isClosed()) await conn.close().catch(() => undefined);
    },
  };
}
