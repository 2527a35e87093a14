/**
 * NATS sink: alerts to `<prefix>.<severity>.<rule>` with JetStream acks and `Nats-Msg-Id` = alert id.
 *
 * Write-ahead design: `send` appends the alert to the on-disk spool (fsync'd) and returns ok, so the
 * pipeline never waits on the broker. A pump publishes from the spool head, oldest first, with up to
 * `maxInFlight` publishes awaiting their ack at once, and removes each entry when acked. When a publish
 * fails (broker gone, ack timeout) the pump stops issuing, lets the window settle, backs off with jitter,
 * and resumes from the oldest unacked entry: so delivery is in order, and a re-send after a lost ack is
 * de-duplicated by JetStream on the message id. The spool survives restarts, so nothing accepted is lost
 * (but for an alert the disk refused to spool: kept in memory only, counted; see Spool.append).
 * A refusal for one subject (no permission, no stream stores it) holds back only that subject: its oldest
 * alert is tried again with its own backoff while the others go on (publish-refusal.ts says which is which).
 */

import { getHeapStatistics } from 'node:v8';
import { headers } from 'nats';
import { ConfigError, errorMessage, SinkError } from '../../errors.js';
import type { Alert } from '../../model/alert.js';
import { backoffDelayMs } from '../../pipeline/backoff.js';
import type { AlertSink, SinkDeps, SinkResult } from '../types.js';
import type { NatsSinkConfig } from './config.js';
import { NATS_KEY, natsConnectionOptions } from './connect-options.js';
import { createEpisodeLog } from './episode-log.js';
import { HeldSubjects, RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_MIN_MS } from './held-subjects.js';
import { createNatsLink, type LinkState, type NatsLink } from './link.js';
import { PublishQueue } from './publish-queue.js';
import { classifyPublishFailure, explainNoResponders, type PublishRefusal } from './publish-refusal.js';
import { Spool, type SpoolEntry } from './spool.js';
import { spoolHeapProblem } from './spool-bounds.js';

const SINK = 'nats';
const encoder = new TextEncoder();
const subjectToken = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_') || '_';

export interface NatsSink extends AlertSink {
  /** For tests and /readyz-style introspection. */
  status(): { connected: boolean; mode: LinkState['mode'] | null; spooled: number; inFlight: number };
}

export function natsSubject(prefix: string, severity: string, rule: string): string {
  return `${prefix}.${subjectToken(severity)}.${subjectToken(rule)}`;
}

export function createNatsSink(config: NatsSinkConfig, deps: SinkDeps): NatsSink {
  const { logger, metrics } = deps;
  const log = logger.child({ sink: SINK });
  let spool: Spool | null = null;
  /** The spool's entries as the pump sends them: a held subject's set aside (publish-queue.ts). */
  let queue: PublishQueue | null = null;
  let link: NatsLink | null = null;
  let state: LinkState | null = null;
  let closed = false;
  /** Publishing stopped after a failure until the window settles and the backoff passes. */
  let failing = false;
  /**
   * Set when the connection drops: publishes issued before it may still be acked or time out. New ones wait
   * until those settle, so a timed-out old one cannot be re-sent after newer ones (order).
   */
  let settling = false;
  let failures = 0;
  let resumeTimer: NodeJS.Timeout | null = null;
  /** The failure that stopped publishing, judged once the window settles. */
  let lastFailure: unknown = null;
  /** A stream re-check was asked for after a failure: its `ready` must not cut the backoff short. */
  let rechecking = false;
  const inFlight = new Set<number>();
  /** Publishes the server refused (permissions), numbered: subject → number of its latest refusal. */
  let refusals = 0;
  const refusedSubjects = new Map<string, number>();
  /** Subjects the broker refuses, each with its own backoff (held-subjects.ts). */
  const held = new HeldSubjects(() => pump());
  /** A re-look for a stream asked for by a per-subject refusal: its `ready` must not cut the backoff short. */
  let recheckForSubject = false;
  const episodes = createEpisodeLog(log);
  const refusedCount = (kind: PublishRefusal['kind']) => metrics.alertPublishRefused.labels(SINK, kind).inc();
  const up = metrics.sinkUp.labels(SINK);
  const acked = metrics.alertsAcked.labels(SINK);
  const publishFailures = metrics.alertPublishFailures.labels(SINK);
  up.set(0);
  /** The other streams the alerts go into (stream-owners.ts): a series each, removed once they no longer do. */
  let foreignStreams: string[] = [];
  const publishInto = (streams: string[]) => {
    for (const s of foreignStreams) if (!streams.includes(s)) metrics.alertStreamForeign.remove(SINK, s);
    for (const s of streams) metrics.alertStreamForeign.labels(SINK, s).set(1);
    foreignStreams = streams;
  };

  function pump(): void {
    if (closed || failing || !state || !spool || !queue) return;
    if (settling) {
      if (inFlight.size > 0) return;
      settling = false;
    }
    if (inFlight.size >= config.maxInFlight) return;
    const maxPayload = state.nc.info?.max_payload ?? Number.POSITIVE_INFINITY;
    const now = Date.now();
    let nextProbeAt = Number.POSITIVE_INFINITY;
    // A held subject's oldest alert, once its backoff has passed: the others wait aside in the queue.
    for (const { subject, retryAt } of held.waiting()) {
      if (inFlight.size >= config.maxInFlight) break;
      if (retryAt > now) {
        nextProbeAt = Math.min(nextProbeAt, retryAt);
        continue;
      }
      const oldest = queue.oldestHeld(subject, (seq) => inFlight.has(seq));
      if (oldest === undefined) continue;
      held.startTry(subject);
      publish(oldest.entry, state, subject);
    }
    for (const { entry, subject } of queue.sendable()) {
      if (inFlight.size >= config.maxInFlight) break;
      if (inFlight.has(entry.seq)) continue;
      // An alert the server can never take would block the spool's head for good: dropped, counted.
      if (Buffer.byteLength(entry.payload) > maxPayload) {
        refusedCount('too_large');
        dropTooLarge(entry.seq, subject, `larger than the server's max_payload (${maxPayload} bytes)`);
        continue;
      }
      publish(entry, state, subject);
    }
    // Always a timer for the next held subject's try: one that fired a millisecond early (Node's timers do)
    // found its subject still waiting and, with nothing else to wake the pump, its alerts waited for good.
    if (nextProbeAt !== Number.POSITIVE_INFINITY) held.wakeAt(nextProbeAt);
  }

  /** An alert the broker can never take: dropped, counted, so it does not block the rest. */
  function dropTooLarge(seq: number, subject: string, why: string): void {
    metrics.alertsDropped.labels(SINK, 'too_large').inc();
    queue?.forget(seq, subject);
    spool?.discard(seq, why);
  }

  /** Holds `subject` back after a refusal, its next try after its own backoff; said once per episode. */
  function block(subject: string, refusal: PublishRefusal): void {
    if (!held.hold(subject, Date.now())) return;
    queue?.hold(subject);
    episodes.say(`subject:${subject}`, 'error', { subject, reason: refusal.kind }, refusal.message, refusal.kind);
    held.wakeAt(held.nextRetryAt());
  }

  function publish(entry: SpoolEntry, via: LinkState, subject: string): void {
    inFlight.add(entry.seq);
    spool?.setBusy(entry.seq, true);
    publishOne(entry, via, subject).then(
      (duplicate) => {
        inFlight.delete(entry.seq);
        if (held.release(subject)) {
          queue?.release(subject);
          episodes.end(`subject:${subject}`, { subject }, 'NATS takes the alerts on this subject again');
        }
        episodes.end('publish', { spooled: (spool?.size ?? 1) - 1 }, 'NATS takes alerts again');
        queue?.forget(entry.seq, subject);
        spool?.remove(entry.seq);
        acked.inc();
        if (duplicate) log.debug({ alertId: entry.id }, 'broker already had this alert (de-duplicated re-send)');
        // A success that settles a window in which another publish failed must still start the backoff:
        // nothing else would (publishing stopped for good when a failure settled first).
        if (failing) settled();
        else {
          failures = 0;
          pump();
        }
      },
      (err: unknown) => {
        inFlight.delete(entry.seq);
        held.endTry(subject);
        publishFailures.inc();
        const refusal = classifyPublishFailure(err, subject, {
          prefix: config.subjectPrefix,
          stream: config.stream.name,
          jetstream: via.mode === 'jetstream',
          storedBy: via.storedBy,
        });
        if (refusal) refusedCount(refusal.kind);
        if (refusal?.kind === 'too_large') {
          // Re-sending cannot help (too large for the stream).
          dropTooLarge(entry.seq, subject, `the broker refused it: ${errorMessage(err)}`);
          if (failing) settled();
          else pump();
          return;
        }
        spool?.setBusy(entry.seq, false);
        if (refusal?.perSubject) {
          block(subject, refusal);
          // The stream may have gone (deleted: created again in create mode) rather than not cover the subject.
          if (refusal.kind === 'no_stream' && !failing) {
            recheckForSubject = true;
            link?.recheck();
          }
          if (failing) settled();
          else pump();
          return;
        }
        onFailure(err, refusal);
      },
    );
  }

  async function publishOne(entry: SpoolEntry, link: LinkState, subject: string): Promise<boolean> {
    const data = encoder.encode(entry.payload);
    if (link.mode === 'jetstream' && link.js) {
      try {
        const ack = await link.js.publish(subject, data, { msgID: entry.id, timeout: config.ackTimeoutMs });
        return ack.duplicate;
      } catch (err) {
        throw await explainNoResponders(err, link.nc, subject, config.ackTimeoutMs, {
          prefix: config.subjectPrefix,
          stream: config.stream.name,
        });
      }
    }
    const h = headers();
    h.set('Nats-Msg-Id', entry.id);
    const before = refusals;
    link.nc.publish(subject, data, { headers: h });
    // Core NATS has no ack: a flush round trip at least proves the server received it.
    await withTimeout(link.nc.flush(), config.ackTimeoutMs);
    // A publish the server refused (no permission for the subject) is answered by an -ERR only, which it
    // sends before the flush's PONG: the link's status watcher has seen it once this turn of the loop ends.
    // Taken for delivered, the alert left the spool and was lost; now it is retried like any failure.
    await new Promise((resolve) => setImmediate(resolve));
    if ((refusedSubjects.get(subject) ?? 0) > before)
      throw new SinkError(SINK, `Permissions Violation for Publish to "${subject}"`);
    return false;
  }

  function onFailure(err: unknown, refusal: PublishRefusal | null): void {
    if (closed) return;
    lastFailure = err;
    if (!failing) {
      failing = true;
      // Once per episode (until an alert is taken again), not once per backoff round.
      const fields = { err: errorMessage(err), spooled: spool?.size ?? 0 };
      if (refusal) episodes.say('publish', 'error', { ...fields, reason: refusal.kind }, refusal.message, refusal.kind);
      else
        episodes.say(
          'publish',
          'warn',
          fields,
          'NATS publish failed; alerts stay spooled and are re-sent from the oldest',
          errorMessage(err),
        );
    }
    settled();
  }

  /** Once the window has settled (nothing in flight): back off, then resume from the oldest unacked entry. */
  function settled(): void {
    if (closed || inFlight.size > 0) return;
    const delay = Math.max(100, backoffDelayMs(failures++, RETRY_BACKOFF_MIN_MS, RETRY_BACKOFF_MAX_MS));
    if (/no responders|503|stream/i.test(errorMessage(lastFailure))) {
      rechecking = true;
      link?.recheck();
    }
    if (resumeTimer) clearTimeout(resumeTimer);
    resumeTimer = setTimeout(() => {
      resumeTimer = null;
      rechecking = false;
      failing = false;
      pump();
    }, delay);
  }

  return {
    name: SINK,
    async start() {
      if (spool) return;
      const options = natsConnectionOptions(config, deps.node ?? 'node');
      const tooBig = spoolHeapProblem(config.spool.maxBytes, getHeapStatistics().heap_size_limit);
      if (tooBig !== null) throw new ConfigError(`${NATS_KEY}.spool.maxBytes`, tooBig);
      try {
        spool = await Spool.open(config.spool, { logger: log, metrics });
        const opened = spool;
        const q = new PublishQueue(
          (e) => natsSubject(config.subjectPrefix, e.severity, e.rule),
          (seq) => opened.has(seq),
          () => opened.size,
        );
        for (const entry of opened.values()) q.add(entry);
        opened.onAppend = (entry) => q.add(entry);
        queue = q;
      } catch (err) {
        throw new ConfigError(
          `${NATS_KEY}.spool.dir`,
          `cannot open the spool in ${config.spool.dir}: ${errorMessage(err)}`,
          { cause: err },
        );
      }
      link = createNatsLink(config, options, log, {
        ready(s) {
          state = s;
          publishInto(s.storedBy ?? []);
          up.set(1);
          // After a re-check the backoff runs its course (a full stream answers 503 at once: re-sending at
          // once made thousands of failures a second); after a reconnect, delivery resumes now.
          if (rechecking) return;
          if (recheckForSubject) {
            recheckForSubject = false;
            pump();
            return;
          }
          failing = false;
          if (resumeTimer) clearTimeout(resumeTimer);
          resumeTimer = null;
          if (spool && spool.size > 0) log.info({ spooled: spool.size }, 'delivering spooled alerts');
          pump();
        },
        down() {
          state = null;
          // The next `ready` is a reconnect, not the answer to a subject's re-look (which a setup already under
          // way may never have made): it must resume delivery in full.
          recheckForSubject = false;
          settling = inFlight.size > 0;
          up.set(0);
        },
        refused(subject) {
          refusedSubjects.set(subject, ++refusals);
        },
      });
      link.start();
    },
    async send(alert: Alert): Promise<SinkResult> {
      if (!spool || closed) return { status: 'failed', error: new SinkError(SINK, 'sink is not running') };
      try {
        const kept = await spool.append({
          id: alert.id,
          severity: alert.severity,
          rule: alert.rule,
          payload: JSON.stringify(alert),
        });
        if (!kept) return { status: 'failed', error: new SinkError(SINK, 'spool full: alert dropped') };
      } catch (err) {
        return { status: 'retryable', error: new SinkError(SINK, errorMessage(err), { cause: err }) };
      }
      pump();
      return { status: 'ok' };
    },
    async flush(timeoutMs: number) {
      // Everything accepted is already on disk; flushing means giving the broker a bounded chance to take it.
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        // Disconnected: nothing will be acked before the deadline, and everything is on disk already.
        if (!state) break;
        if ((spool?.size ?? 0) === 0 && inFlight.size === 0) return;
        // What is left waits on subjects the broker refuses: the rest of the deadline would not change that.
        if (inFlight.size === 0 && held.size > 0 && queue?.onlyHeldLeft()) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      if (spool && spool.size > 0)
        log.warn(
          { spooled: spool.size },
          deps.spoolDiscardedAtExit
            ? 'alerts left in the spool; it is removed when this process ends, so they are not delivered'
            : 'alerts left in the spool; they are delivered after the next start',
        );
    },
    async close() {
      closed = true;
      if (resumeTimer) clearTimeout(resumeTimer);
      held.close();
      await link?.close();
      await spool?.close();
      state = null;
      up.set(0);
      publishInto([]);
    },
    status: () => ({
      connected: state !== null,
      mode: state?.mode ?? null,
      spooled: spool?.size ?? 0,
      inFlight: inFlight.size,
    }),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
