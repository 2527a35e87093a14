/**
 * What a failed NATS publish says about the broker: refused for one subject (the account may not publish
 * there, or no stream stores it), refused for the whole stream (full with discard new, out of storage), too
 * large ever to be taken, or no answer (outage, timeout). Each refusal names its cause and the fix, because
 * nats.js says "503" for most of them, and that line told an operator nothing.
 */
import type { JetStreamManager, NatsConnection } from 'nats';
import { errorMessage, SinkError } from '../../errors.js';
import { streamsStoringAlerts } from './stream-owners.js';

/** Also the `reason` label of exfilwatch_alert_publish_refused_total (a fixed set). */
export type RefusalKind = 'permission' | 'no_stream' | 'stream_full' | 'storage' | 'too_large';

export interface PublishRefusal {
  kind: RefusalKind;
  /**
   * Refused for this subject only: the other subjects' alerts go on while this one's wait (retried with their
   * own backoff), so a pile of them at the spool's head cannot hold back every later alert.
   */
  perSubject: boolean;
  /** Cause and fix, for the log. */
  message: string;
}

interface ApiError {
  code?: number;
  err_code?: number;
  description?: string;
}

/**
 * By the API error's description: nats-server reports a full discard-new stream as a store failure (10077)
 * saying which limit ("maximum messages exceeded", "maximum bytes exceeded", "… per subject …"), and storage
 * it lacks as "insufficient resources" (10023) or "insufficient storage resources available" (10047).
 */
const STREAM_FULL = /maximum (messages|bytes)/i;
const STORAGE = /insufficient|storage|resources/i;

/** A JetStream publish nothing answered, and the JetStream API said no stream stores its subject. */
export class NoStreamError extends SinkError {
  override readonly name = 'NoStreamError';
  /**
   * The streams other than the alert stream the API says store part of `<prefix>.>` now; undefined when it
   * was not asked or did not answer. The link's own list dates from its last setup: after such a stream was
   * deleted, the refusal named it as storing the subjects still.
   */
  storedBy?: string[];
}

const isNoResponders = (err: unknown) =>
  (err as { code?: unknown } | null)?.code === '503' || /no responders/i.test(errorMessage(err));

/**
 * Why a JetStream publish got no answer (503 no responders): no stream stores the subject (NoStreamError), or
 * JetStream is not answering (an account's JetStream off or starting, a stream restoring or electing a
 * leader): then `err` itself, an outage. Asks the JetStream API which stream stores the subject, since both
 * give the same 503: taken for a missing stream, an outage held every subject back on its own backoff, out
 * of order, and said "no stream stores …" for each at error.
 */
export async function explainNoResponders(
  err: unknown,
  nc: NatsConnection,
  subject: string,
  timeoutMs: number,
  alerts?: { prefix: string; stream: string },
): Promise<unknown> {
  if ((err as { api_error?: unknown } | null)?.api_error !== undefined || !isNoResponders(err)) return err;
  let jsm: JetStreamManager | null = null;
  try {
    jsm = await nc.jetstreamManager({ checkAPI: false, timeout: timeoutMs });
    await jsm.streams.find(subject);
    return err;
  } catch (lookup) {
    // nats.js's own words for an answer naming no stream; anything else (503, timeout) is no answer.
    if (!/no stream matches subject/.test(errorMessage(lookup))) return err;
  }
  const noStream = new NoStreamError('nats', `no stream stores ${subject}`, { cause: err });
  if (alerts === undefined || jsm === null) return noStream;
  try {
    noStream.storedBy = await streamsStoringAlerts(jsm, alerts.prefix, alerts.stream);
  } catch {
    // No answer: the refusal stands, said with what the link's last setup found.
  }
  return noStream;
}

/** Null when the failure is not a refusal (broker gone, ack timeout): retried like an outage. */
export function classifyPublishFailure(
  err: unknown,
  subject: string,
  ctx: { prefix: string; stream: string; jetstream: boolean; storedBy?: string[] },
): PublishRefusal | null {
  const text = errorMessage(err);
  const e = err as { code?: unknown; api_error?: ApiError } | null;
  const api = e?.api_error;
  if (e?.code === 'PERMISSIONS_VIOLATION' || /permissions violation for publish/i.test(text))
    return {
      kind: 'permission',
      perSubject: true,
      message: `the NATS account may not publish on ${subject}: grant it publish permission on ${ctx.prefix}.> (alerts on this subject stay spooled and are retried)`,
    };
  if (e?.code === 'MAX_PAYLOAD_EXCEEDED' || /max(imum)?[ _]?payload|message size exceeds/i.test(text))
    return {
      kind: 'too_large',
      perSubject: false,
      message: `the alert is larger than the broker takes (${api?.description ?? text}): raise the server's max_payload or the stream's max_msg_size`,
    };
  if (api?.description !== undefined && STREAM_FULL.test(api.description))
    return {
      kind: 'stream_full',
      perSubject: false,
      message: `the stream storing ${subject} is full and discards new messages (${api.description}): raise its max_msgs/max_bytes or set discard: old (alerts stay spooled and are retried)`,
    };
  if (api?.description !== undefined && STORAGE.test(api.description))
    return {
      kind: 'storage',
      perSubject: false,
      message: `JetStream has no storage left for the stream storing ${subject} (${api.description}): raise the server's or the account's max_file_store, or free JetStream storage (alerts stay spooled and are retried)`,
    };
  // A 503 the JetStream API did not explain this way is an outage (explainNoResponders).
  if (ctx.jetstream && err instanceof NoStreamError) {
    // The API's answer of now over the link's setup's: a stream deleted since is not named as storing them.
    const storedBy = err.storedBy ?? ctx.storedBy ?? [];
    const gone = (ctx.storedBy?.length ?? 0) > 0 && storedBy.length === 0;
    const fix =
      storedBy.length > 0
        ? `stream ${ctx.stream} cannot be created because ${storedBy.join(', ')} already store${storedBy.length === 1 ? 's' : ''} part of ${ctx.prefix}.>: add ${ctx.prefix}.> to the subjects of ${storedBy[0]}, or remove the overlap`
        : gone
          ? `the streams that stored part of ${ctx.prefix}.> when stream ${ctx.stream} could not be created no longer do, so it is created at the next look for it`
          : `add ${ctx.prefix}.> to the subjects of stream ${ctx.stream}, or delete it so that exfilwatch creates it`;
    return {
      kind: 'no_stream',
      perSubject: true,
      message: `no stream stores ${subject}: ${fix} (alerts on this subject stay spooled and are retried)`,
    };
  }
  return null;
}
