/**
 * A minimal responder-side consumer of exfilwatch alerts: a durable JetStream consumer on
 * `exfilwatch.alerts.>` that prints each alert and acks it. Durable means the server remembers what was
 * acked: stop this program, start it again, and it resumes where it left off; nothing is skipped. Started
 * before exfilwatch has created the stream, it says so on stderr and waits for it.
 *
 *   NATS_URL=nats://127.0.0.1:4222 node --import tsx examples/consumer/consumer.ts
 *
 * Optional: CONSUMER_NAME (default "responder"), FILTER (default "exfilwatch.alerts.>", e.g.
 * "exfilwatch.alerts.critical.>"), and a first argument N to exit after N alerts.
 */
import { AckPolicy, connect, DeliverPolicy } from 'nats';

/** The fields this consumer uses; the full shape is in the README ("Alert"). */
interface Alert {
  id: string;
  time: string;
  rule: string;
  severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
  summary: string;
  node: string;
  pod: { namespace: string; name: string } | null;
  response: string[];
}

const STREAM = 'EXFILWATCH_ALERTS';
const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const durable = process.env.CONSUMER_NAME ?? 'responder';
const filter = process.env.FILTER ?? 'exfilwatch.alerts.>';
const maxAlerts = process.argv[2] ? Number(process.argv[2]) : Number.POSITIVE_INFINITY;

let stopping = false;
process.once('SIGINT', () => {
  stopping = true;
});
process.once('SIGTERM', () => {
  stopping = true;
});

const nc = await connect({ servers, name: `exfilwatch-consumer-${durable}` }).catch((err: unknown) => {
  process.stderr.write(`consumer: cannot connect to ${servers}: ${(err as Error).message}\n`);
  process.exit(1);
});
const jsm = await nc.jetstreamManager();
/** JetStream's error code for "stream not found". */
const STREAM_NOT_FOUND = 10059;
// exfilwatch creates the stream when it first reaches the broker, so a consumer started before it (a
// responder deployed first, or a fresh broker) waits for the stream rather than dying on "stream not found".
let waitingSaid = false;
while (!stopping) {
  try {
    // Idempotent: creates the durable consumer the first time, reuses it afterwards.
    await jsm.consumers.add(STREAM, {
      durable_name: durable,
      filter_subject: filter,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: 30_000_000_000, // ns: unacked alerts are redelivered after 30 s
    });
    break;
  } catch (err) {
    if ((err as { api_error?: { err_code?: number } }).api_error?.err_code !== STREAM_NOT_FOUND) throw err;
    if (!waitingSaid) {
      process.stderr.write(
        `consumer: no stream ${STREAM} on ${servers} yet; exfilwatch creates it when it first connects (run or demo with --nats): waiting\n`,
      );
      waitingSaid = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
if (stopping) {
  await nc.drain();
  process.exit(0);
}
const consumer = await nc.jetstream().consumers.get(STREAM, durable);

// One message at a time: alerts are rare, and nothing sits prefetched (unacked) in a process that exits.
let seen = 0;
while (!stopping && seen < maxAlerts) {
  const m = await consumer.next({ expires: 2000 });
  if (!m) continue; // nothing new within 2 s: ask again
  const alert = m.json<Alert>();
  const where = alert.pod ? `${alert.pod.namespace}/${alert.pod.name}` : 'no pod';
  // One line per alert; a real responder would page, open a ticket, or isolate the pod here.
  process.stdout.write(
    `${alert.time} ${alert.severity.toUpperCase()} ${alert.rule} on ${alert.node} (${where}): ${alert.summary} [${alert.id}]\n`,
  );
  // Acked only after handling: if this process dies first, the server redelivers the alert.
  m.ack();
  seen++;
}
await nc.drain();
