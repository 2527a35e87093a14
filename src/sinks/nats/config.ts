import { z } from 'zod';
import { MAX_WAIT_MESSAGE, MAX_WAIT_MS } from '../../config/max-wait.js';
import { sinkQueueCapacitySchema, sinkWhenFullSchema } from '../queue-config.js';
import { DEFAULT_SPOOL_MAX_BYTES } from './spool-bounds.js';
import { parseNatsUrl } from './url.js';

export { parseNatsUrl } from './url.js';

const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export const natsServerUrlSchema = z
  .string()
  .refine((s) => parseNatsUrl(s) !== null, { message: 'expected a NATS URL like nats://host:4222 or tls://host:4222' });

const filePath = z.string().min(1);

/**
 * JetStream keeps durations as int64 nanoseconds: a longer retention (someone asking for "forever" with a
 * huge number) made every stream creation fail with "invalid json", and the alerts stayed spooled for good.
 */
const MAX_STREAM_DURATION_MS = Math.floor((2 ** 63 - 1) / 1e6);

export const natsStreamConfigSchema = z
  .object({
    mode: z
      .enum(['create', 'check', 'none'])
      .default('create')
      .describe(
        '`create`: create the stream when absent (never changes an existing one); when another stream already stores the alert subjects (creating it would overlap), publish into that one, with a warning. `check`: only verify it exists and covers the subjects (alerts stay spooled, with an error logged, until it does). `none`: publish without looking.',
      ),
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('EXFILWATCH_ALERTS')
      .describe('JetStream stream name.'),
    // At least the shortest de-duplication window, which JetStream refuses to exceed the retention.
    maxAgeMs: z
      .number()
      .int()
      .min(120_000)
      .max(MAX_STREAM_DURATION_MS)
      .default(7 * 24 * 3600 * 1000)
      .describe('Stream retention (`max_age`) when exfilwatch creates it: 7 days.'),
    duplicateWindowMs: z
      .number()
      .int()
      .min(120_000)
      .max(MAX_STREAM_DURATION_MS)
      .default(600_000)
      .describe(
        'Stream de-duplication window when exfilwatch creates it: a re-sent alert (same Nats-Msg-Id) inside it is stored once. At least 2 minutes, at most maxAgeMs.',
      ),
    checkIntervalMs: z
      .number()
      .int()
      .min(100)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(30_000)
      .describe(
        'In mode `check`, how often to look again for a missing stream; with JetStream off (core NATS), how often to look for JetStream again.',
      ),
    replicas: z
      .number()
      .int()
      .min(1)
      .max(5)
      .default(1)
      .describe('Stream replicas when exfilwatch creates it (clustered JetStream).'),
  })
  .strict()
  .superRefine((c, ctx) => {
    // JetStream refuses it ("duplicates window can not be larger then max age"), at every setup, for good.
    if (c.duplicateWindowMs > c.maxAgeMs)
      ctx.addIssue({
        code: 'custom',
        path: ['duplicateWindowMs'],
        message: `must not exceed stream.maxAgeMs (${c.maxAgeMs}): JetStream refuses a de-duplication window longer than the retention`,
      });
  });

export const natsSpoolConfigSchema = z
  .object({
    dir: z
      .string()
      .min(1)
      .default('/var/lib/exfilwatch/spool')
      .describe(
        'Directory of the on-disk spool (created 0700; file `alerts.spool`, 0600). Every alert is appended and fdatasync\'d here before it counts as accepted, and removed once the broker acks it, so alerts survive a broker outage and a restart of exfilwatch. Format: JSON lines `{"op":"add","seq","id","severity","rule","alert"}` / `{"op":"del","seq"}`, compacted when deletes dominate or the deleted alerts add up to maxBytes. Mount a hostPath or emptyDir here in the DaemonSet.',
      ),
    maxMessages: z
      .number()
      .int()
      .min(1)
      .default(100_000)
      .describe(
        'Most alerts held. When full the oldest info/low alert is dropped first, then the oldest overall; every drop is counted (exfilwatch_alert_spool_dropped_total{severity}) and logged.',
      ),
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .default(DEFAULT_SPOOL_MAX_BYTES)
      .describe(
        'Most bytes of alert JSON held (same drop policy as maxMessages). The spooled alerts are also held in memory, so this must fit the heap: exfilwatch refuses to start when it is over a quarter of the V8 heap limit (`--max-old-space-size`; 144 MB in the image, which allows up to ~42 MB). The file on disk can reach about twice this (deleted records until compaction) plus a temporary copy while compacting.',
      ),
  })
  .strict();

export const natsTlsConfigSchema = z
  .object({
    caFile: filePath
      .optional()
      .describe('PEM CA bundle that signs the server certificate (otherwise the system roots).'),
    certFile: filePath.optional().describe('PEM client certificate (mutual TLS); needs keyFile.'),
    keyFile: filePath.optional().describe('PEM client private key; needs certFile.'),
  })
  .strict()
  .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
    message: 'certFile and keyFile go together',
    path: ['keyFile'],
  });

export const natsSinkConfigSchema = z
  .object({
    servers: z
      .array(natsServerUrlSchema)
      .min(1)
      .default(['nats://127.0.0.1:4222'])
      .describe(
        'NATS server URLs (`nats://host:4222`, `tls://host:4222`). Overridden by `--nats` / `NATS_URL` (comma-separated).',
      ),
    subjectPrefix: z
      .string()
      .regex(SUBJECT_TOKEN, 'expected dot-separated subject tokens without wildcards')
      .default('exfilwatch.alerts')
      .describe('Alerts go to `<subjectPrefix>.<severity>.<rule>`; the stream covers `<subjectPrefix>.>`.'),
    connectionName: z
      .string()
      .min(1)
      .default('exfilwatch')
      .describe("Client name shown in the server's monitoring (the node name is appended)."),
    user: z.string().min(1).optional().describe('User for user/password auth.'),
    password: z.string().min(1).optional().describe('Password (prefer passwordFile). Never logged.'),
    passwordFile: filePath.optional().describe('File holding the password (a mounted Secret).'),
    token: z.string().min(1).optional().describe('Token auth (prefer tokenFile). Never logged.'),
    tokenFile: filePath.optional().describe('File holding the token.'),
    nkeySeedFile: filePath.optional().describe('File holding an NKey user seed (`SU…`).'),
    credsFile: filePath.optional().describe('Decentralized-auth `.creds` file (user JWT + NKey seed).'),
    tls: natsTlsConfigSchema.optional().describe('Use TLS (required when present). Files are checked at start.'),
    stream: natsStreamConfigSchema.prefault({}).describe('The JetStream stream alerts are stored in.'),
    maxInFlight: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(256)
      .describe('Publishes awaiting their JetStream ack at once (a window, not one round trip per alert).'),
    ackTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(5000)
      .describe('How long to wait for a JetStream ack before re-sending.'),
    reconnectTimeWaitMs: z
      .number()
      .int()
      .min(10)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(2000)
      .describe('Wait between reconnect attempts (reconnects never stop).'),
    reconnectJitterMs: z
      .number()
      .int()
      .min(0)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(1000)
      .describe('Random extra wait up to this, so a fleet of nodes does not reconnect in step.'),
    spool: natsSpoolConfigSchema
      .prefault({})
      .describe('On-disk spool that makes delivery survive broker outages and restarts.'),
    // In front of the spool: it fills only while the spool's disk does not take appends, never because the
    // broker is away (an unreachable broker's alerts are spooled, not queued here).
    queueCapacity: sinkQueueCapacitySchema,
    // The responders' channel: its spool is its buffer, and when even the disk does not take alerts the
    // pipeline waits rather than lose one (the sensor-side queue then drops events, counted and marked).
    whenFull: sinkWhenFullSchema('block'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const methods = [
      c.user !== undefined && 'user',
      (c.token ?? c.tokenFile) !== undefined && 'token',
      c.nkeySeedFile !== undefined && 'nkeySeedFile',
      c.credsFile !== undefined && 'credsFile',
    ].filter(Boolean);
    if (methods.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [String(methods[1])],
        message: `choose one auth method (got ${methods.join(' and ')})`,
      });
    }
    if (c.password !== undefined && c.passwordFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: 'give password or passwordFile, not both' });
    }
    if ((c.password ?? c.passwordFile) !== undefined && c.user === undefined) {
      ctx.addIssue({ code: 'custom', path: ['user'], message: 'a password needs a user' });
    }
    if (c.token !== undefined && c.tokenFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tokenFile'], message: 'give token or tokenFile, not both' });
    }
    if (c.spool.maxMessages <= c.maxInFlight) {
      ctx.addIssue({
        code: 'custom',
        path: ['spool', 'maxMessages'],
        message: `must be larger than maxInFlight (${c.maxInFlight})`,
      });
    }
  });

export type NatsSinkConfig = z.infer<typeof natsSinkConfigSchema>;
