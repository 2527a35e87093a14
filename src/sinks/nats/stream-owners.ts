/**
 * Which existing JetStream streams store the alert subjects, for when the alert stream cannot be created
 * beside them ("subjects overlap with an existing stream": a platform team's catch-all on `exfilwatch.>` or
 * `>`). A JetStream publish on a subject such a stream stores is kept and acked by it, so the alerts go there
 * rather than wait in the spool, a setup retried every minute, for a stream that can never be created; what
 * that stream does not promise (retention, de-duplication, an ack at all) is said.
 */
import { DiscardPolicy, type JetStreamManager, RetentionPolicy, type StreamInfo } from 'nats';
import { SinkError } from '../../errors.js';
import { SEVERITIES, type Severity } from '../../model/alert.js';
import type { NatsSinkConfig } from './config.js';
import { NATS_KEY } from './connect-options.js';

/** Does stream subject `pattern` store every subject `subject` (itself a pattern) matches? */
export function patternCovers(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    // `>` takes one token or more.
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || s[i] === '>') return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** Is there a subject both patterns match? */
export function patternsCollide(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === '>' || y[i] === '>') return true;
    if (x[i] !== '*' && y[i] !== '*' && x[i] !== y[i]) return false;
  }
  return x.length === y.length;
}

export interface AlertStreamOwners {
  /** The streams that store some alert subjects, by name. */
  streams: string[];
  /** Severities whose every alert subject (`<prefix>.<severity>.*`) a stream stores, and by which. */
  whole: Map<Severity, string>;
  /** Severities whose alert subjects no stream stores, or only some rules' (no_stream refusals). */
  rest: Severity[];
  /** What exfilwatch does about it, the fix, and what the streams do not promise: one line. */
  message: string;
  /** `error` when alerts are acked and then deleted at once (interest retention, no consumer). */
  level: 'warn' | 'error';
  /** For the log line. */
  fields: Record<string, unknown>;
}

const SECOND = 1000;
function duration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400 * SECOND],
    ['h', 3600 * SECOND],
    ['min', 60 * SECOND],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms / SECOND} s`;
}

/** What stream `s` does to alerts that exfilwatch's own stream would not: each a clause of the log line. */
function risksOf(s: StreamInfo, config: NatsSinkConfig['stream']): { risks: string[]; loses: boolean } {
  const c = s.config;
  const risks: string[] = [];
  let loses = false;
  if (c.retention === RetentionPolicy.Interest) {
    const consumers = s.state.consumer_count;
    loses = consumers === 0;
    risks.push(
      `${c.name} has retention interest: an alert no consumer of ${c.name} wants when it is stored is deleted at once, though acked (${consumers} consumers now)`,
    );
  } else if (c.retention === RetentionPolicy.Workqueue)
    risks.push(
      `${c.name} has retention workqueue: an alert is deleted once one consumer acks it, and no second consumer may read the same subjects (responders cannot add their own)`,
    );
  const maxAgeMs = c.max_age / 1e6;
  if (maxAgeMs > 0 && maxAgeMs < config.maxAgeMs)
    risks.push(`${c.name} keeps messages ${duration(maxAgeMs)} (max_age), not ${duration(config.maxAgeMs)}`);
  const limits = (['max_msgs', 'max_bytes', 'max_msgs_per_subject'] as const).filter((k) => (c[k] ?? -1) > 0);
  if (limits.length > 0 && c.discard !== DiscardPolicy.New)
    risks.push(
      `${c.name} drops its oldest messages at its ${limits.join('/')} limit: the other traffic it stores can push alerts out`,
    );
  if ((c.max_msg_size ?? -1) > 0)
    risks.push(
      `${c.name} refuses messages over ${c.max_msg_size} bytes (max_msg_size): a larger alert is dropped (reason too_large)`,
    );
  const dupMs = c.duplicate_window / 1e6;
  if (dupMs < config.duplicateWindowMs)
    risks.push(
      `a re-sent alert (same Nats-Msg-Id) is stored once only within ${c.name}'s duplicate_window of ${duration(dupMs)} (exfilwatch creates its stream with ${duration(config.duplicateWindowMs)})`,
    );
  return { risks, loses };
}

/**
 * The streams storing `<prefix>.>` or part of it, once creating `config.stream.name` failed because of
 * them; null when none does (the overlap went away meanwhile: the next setup creates the stream).
 * Throws a SinkError for a stream that does not acknowledge publishes (`no_ack`): an alert could never be
 * known stored, so it would be re-sent forever, its copies stored beyond the duplicate window; and for a
 * sealed one, which takes nothing.
 */
/** The names of the streams storing `<prefix>.>` or part of it, but `except` (the alert stream itself). */
export async function streamsStoringAlerts(jsm: JetStreamManager, prefix: string, except?: string): Promise<string[]> {
  const names: string[] = [];
  for await (const name of jsm.streams.names(`${prefix}.>`)) if (name !== except) names.push(name);
  return names;
}

export async function findAlertStreamOwners(
  jsm: JetStreamManager,
  config: Pick<NatsSinkConfig, 'subjectPrefix' | 'stream'>,
): Promise<AlertStreamOwners | null> {
  const prefix = config.subjectPrefix;
  const all = `${prefix}.>`;
  const infos: StreamInfo[] = [];
  for (const name of await streamsStoringAlerts(jsm, prefix)) {
    let info: StreamInfo;
    try {
      info = await jsm.streams.info(name);
    } catch (err) {
      // Deleted between the two requests: it stores nothing any more. Anything else fails the setup (retried).
      if ((err as { api_error?: { err_code?: number } }).api_error?.err_code === 10059) continue;
      throw err;
    }
    // A stream on `>` may store the API request itself and answer it first, with a publish ack.
    if (info?.config?.name === undefined)
      throw new SinkError('nats', `no stream info for ${name} (got ${JSON.stringify(info)})`);
    infos.push(info);
  }
  if (infos.length === 0) return null;
  const storing = (s: StreamInfo) => (s.config.subjects ?? []).filter((x) => patternsCollide(x, all));
  const noAck = infos.filter((s) => s.config.no_ack);
  if (noAck.length > 0)
    throw new SinkError(
      'nats',
      `stream ${noAck.map((s) => s.config.name).join(', ')} stores ${prefix}.> (${noAck.flatMap(storing).join(', ')}) but does not acknowledge publishes (no_ack), so ${config.stream.name} cannot be created and alerts cannot be known delivered: they stay spooled; remove the overlap, or set no_ack: false on it`,
    );
  // A sealed stream refuses every publish ("invalid operation on sealed stream") and can never be unsealed:
  // published into, every alert was re-sent from the oldest forever under a bare 'NATS publish failed'.
  const sealed = infos.filter((s) => s.config.sealed);
  if (sealed.length > 0)
    throw new SinkError(
      'nats',
      `stream ${sealed.map((s) => s.config.name).join(', ')} stores ${prefix}.> (${sealed.flatMap(storing).join(', ')}) but is sealed (it takes no message, for good), so ${config.stream.name} cannot be created and alerts cannot be delivered: they stay spooled; remove the overlap (delete the sealed stream, or its subjects from it)`,
    );
  const whole = new Map<Severity, string>();
  for (const severity of SEVERITIES) {
    const owner = infos.find((s) => (s.config.subjects ?? []).some((x) => patternCovers(x, `${prefix}.${severity}.*`)));
    if (owner) whole.set(severity, owner.config.name);
  }
  const rest = SEVERITIES.filter((s) => !whole.has(s));
  const streams = infos.map((s) => s.config.name);
  const named = infos.map((s) => `${s.config.name} (${storing(s).join(', ')})`).join(', ');
  const { risks, loses } = infos
    .map((s) => risksOf(s, config.stream))
    .reduce((a, b) => ({ risks: [...a.risks, ...b.risks], loses: a.loses || b.loses }), { risks: [], loses: false });
  let message: string;
  if (rest.length === 0 && streams.length === 1)
    message = `stream ${streams[0]} already stores ${all}: alerts are published into it; set ${NATS_KEY}.stream.name: ${streams[0]} and ${NATS_KEY}.stream.mode: check to make this explicit`;
  else if (rest.length === 0)
    message = `streams ${named} already store ${all} between them: alerts are published into them; ${config.stream.name} cannot be created beside them`;
  else {
    const them = streams.length === 1 ? 'it' : 'them';
    const stored = whole.size > 0 ? ` (${[...whole.keys()].map((s) => `${prefix}.${s}.*`).join(', ')})` : '';
    // A severity some rules of which a stream names: those rules' alerts go there, the rest are refused.
    const others = rest
      .map((s) => {
        const sub = `${prefix}.${s}.*`;
        const partly = infos.filter((i) => (i.config.subjects ?? []).some((x) => patternsCollide(x, sub)));
        return partly.length > 0 ? `${sub} but for what ${partly.map((i) => i.config.name).join(', ')} names` : sub;
      })
      .join(', ');
    message = `stream${streams.length === 1 ? '' : 's'} ${named} already store${streams.length === 1 ? 's' : ''} part of ${all}, so ${config.stream.name} cannot be created: alerts on the subjects ${them} store${streams.length === 1 ? 's' : ''}${stored} are published into ${them}; those on ${others} stay spooled, refused as no_stream, until a stream stores them: add ${all} to the subjects of ${streams[0]}, or remove the overlap`;
  }
  if (risks.length > 0) message += `. Beware: ${risks.join('; ')}`;
  const fields = {
    stream: config.stream.name,
    storedBy: Object.fromEntries(infos.map((s) => [s.config.name, storing(s)])),
    duplicateWindowMs: Object.fromEntries(infos.map((s) => [s.config.name, s.config.duplicate_window / 1e6])),
  };
  return { streams, whole, rest, message, level: loses ? 'error' : 'warn', fields };
}
