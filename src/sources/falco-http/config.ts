/** Config of one `falco-http` receiver (`sources.falcoHttp[]`; `--falco-http HOST:PORT` sets `listen`). */
import { z } from 'zod';
import { MAX_WAIT_MESSAGE, MAX_WAIT_MS } from '../../config/max-wait.js';
import { MAX_CONNECTIONS, MAX_UNBUDGETED_CONNECTION_BYTES, UNBUDGETED_BODY_BYTES } from './guards.js';
import { parseHostPort } from './listen.js';

const tlsSchema = z
  .object({
    certFile: z.string().min(1).describe('PEM server certificate (chain) file.'),
    keyFile: z.string().min(1).describe('PEM private key file of the server certificate.'),
    clientCaFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'PEM CA bundle that signs client certificates. Set it to enable client-certificate auth (Falco http_output.mtls).',
      ),
    requireClientCert: z
      .boolean()
      .default(true)
      .describe(
        'With clientCaFile: refuse clients without a valid certificate. False = optional, but invalid ones are refused.',
      ),
  })
  .strict();

const sharedSecretSchema = z
  .object({
    header: z
      .string()
      .min(1)
      .default('authorization')
      .describe(
        'Request header carrying the secret. For `authorization`, `Basic base64(<any user>:<secret>)` (what curl sends for ' +
          'an http_output url like https://exfilwatch:SECRET@host:2801/) and `Bearer <secret>` are accepted too.',
      ),
    valueFile: z
      .string()
      .min(1)
      .optional()
      .describe('File holding the secret (trailing newline ignored), e.g. a mounted Secret.'),
    valueEnv: z.string().min(1).optional().describe('Environment variable holding the secret.'),
  })
  .strict()
  .refine((s) => (s.valueFile === undefined) !== (s.valueEnv === undefined), {
    message: 'set exactly one of valueFile or valueEnv',
  });

export const falcoHttpConfigSchema = z
  .object({
    listen: z
      .string()
      .default('127.0.0.1:2801')
      .refine((v) => parseHostPort(v) !== null, { message: 'expected HOST:PORT (IPv6 as [addr]:port)' })
      .describe(
        "HOST:PORT to listen on. Default is node-local (loopback, falcosidekick's port 2801, so existing http_output URLs " +
          'keep working). Bind a pod IP or 0.0.0.0 only together with tls and/or sharedSecret. Port 0 binds an ephemeral ' +
          'port, named in the `falco-http receiver listening` log line (the same for `--falco-http HOST:0`).',
      ),
    tls: tlsSchema
      .optional()
      .describe('Serve HTTPS (Falco http_output with an https:// url, ca_cert, and optionally mtls).'),
    sharedSecret: sharedSecretSchema
      .optional()
      .describe('Require a shared secret in a request header (compared in constant time).'),
    // Bounded: past 4 GiB zlib refused the limit itself, so every gzip POST was answered 413 "decompressed
    // body exceeds maxBodyBytes"; far below that, a few such bodies at once would not fit the pod's memory.
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1_048_576)
      .describe('Largest accepted request body (after gzip decoding); larger bodies get 413.'),
    // One budget for every connection: maxBodyBytes alone let 200 connections each hold a body of 1 MiB - 1 byte
    // (RSS 106 -> 307 MB, 424 MB as they closed), past the pod's 256 Mi. Falco sends one alert of a few KB
    // per POST, so 16 MiB in flight at once is far more than any real sender needs. Below maxBodyBytes it is
    // raised to it (bodyBudgetBytes, guards.ts), not refused: a config that set maxBodyBytes past 16 MiB before this key
    // existed must still start, and a body the budget could never hold would get 503 "retry" forever.
    maxBufferedBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024)
      .default(16 * 1024 * 1024)
      .describe(
        'Request-body bytes held at once across all connections (bodies still arriving); a request that would take ' +
          'the total past it gets 503 with Retry-After: 1 and its connection is closed. Bodies up to 16 KiB (a Falco ' +
          'alert is a few KB) are not counted, so large bodies cannot crowd alerts out. Raised to maxBodyBytes when ' +
          'smaller (one body that large must always fit).',
      ),
    maxHeaderBytes: z
      .number()
      .int()
      .min(1024)
      .default(16_384)
      .describe('Largest accepted request header block; larger get 431.'),
    // Bounded: each connection may hold a request head and a small body outside maxBufferedBodyBytes (see the
    // object's check below), so an unbounded count was unbounded memory.
    maxConnections: z
      .number()
      .int()
      .min(1)
      .max(MAX_CONNECTIONS, {
        message: `at most ${MAX_CONNECTIONS}: Falco keeps one connection per output, and each connection may hold memory outside maxBufferedBodyBytes`,
      })
      .default(256)
      .describe(
        'Concurrent connections; at the limit a new one displaces the connection longest without a request in progress. ' +
          'Falco keeps one keep-alive connection per output. ' +
          `maxConnections × (maxHeaderBytes + 16 KiB) may not exceed ${MAX_UNBUDGETED_CONNECTION_BYTES / 1024 / 1024} MiB: ` +
          'each connection may hold a request head and a body up to 16 KiB outside maxBufferedBodyBytes.',
      ),
    maxRequestsPerSecond: z
      .number()
      .min(0)
      .default(0)
      .describe('Request-rate limit (token bucket, burst = one second of requests); over it → 429. 0 = unlimited.'),
    keepAliveTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(65_000)
      .describe('Idle keep-alive connections are closed after this long (Falco reuses one connection).'),
    requestTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(30_000)
      .describe('A request must arrive in full within this long.'),
    fastPath: z
      .boolean()
      .default(true)
      .describe(
        'Serve keep-alive POSTs with a Content-Length body (what Falco http_output sends; HTTP or HTTPS) without ' +
          "node:http's per-request machinery; anything else is handed to node:http. false = node:http for all.",
      ),
  })
  .strict()
  .superRefine((c, ctx) => {
    const perConnection = c.maxHeaderBytes + UNBUDGETED_BODY_BYTES;
    if (c.maxConnections > MAX_CONNECTIONS) return; // its own problem, reported above
    if (perConnection > MAX_UNBUDGETED_CONNECTION_BYTES) {
      const most = MAX_UNBUDGETED_CONNECTION_BYTES - UNBUDGETED_BODY_BYTES;
      ctx.addIssue({
        code: 'custom',
        path: ['maxHeaderBytes'],
        message: `at most ${most}: maxConnections × (maxHeaderBytes + 16 KiB) may not exceed 32 MiB`,
      });
    } else if (c.maxConnections * perConnection > MAX_UNBUDGETED_CONNECTION_BYTES) {
      const most = Math.floor(MAX_UNBUDGETED_CONNECTION_BYTES / perConnection);
      ctx.addIssue({
        code: 'custom',
        path: ['maxConnections'],
        message:
          `at most ${most} with maxHeaderBytes ${c.maxHeaderBytes}: maxConnections × ` +
          `(maxHeaderBytes + 16 KiB) bounds the request heads and small bodies held outside maxBufferedBodyBytes, ` +
          `and may not exceed ${MAX_UNBUDGETED_CONNECTION_BYTES / 1024 / 1024} MiB`,
      });
    }
  });

export type FalcoHttpConfig = z.infer<typeof falcoHttpConfigSchema>;
