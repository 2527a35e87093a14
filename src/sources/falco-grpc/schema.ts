/** Schema of one `falco-grpc` source's config (config side only: see SourceFactory). */
import { z } from 'zod';
import { firstDelayNotAboveLongest, MAX_WAIT_MESSAGE, MAX_WAIT_MS } from '../../config/max-wait.js';
import { ADDRESS_EXPECTED, isTetragonAddress, socketPathHint } from '../tetragon-grpc/address.js';
import { isUnixAddress } from './config.js';

const tlsSchema = z
  .object({
    caFile: z
      .string()
      .min(1)
      .describe("PEM CA that signs Falco's server certificate (grpc.root_certs on the Falco side)."),
    certFile: z.string().min(1).describe("PEM client certificate: Falco's TCP gRPC server requires and verifies one."),
    keyFile: z.string().min(1).describe('PEM private key of the client certificate.'),
    serverName: z
      .string()
      .min(1)
      .optional()
      .describe("Name to verify in Falco's certificate when it differs from the address host."),
  })
  .strict();

export const falcoGrpcConfigSchema = z
  .object({
    address: z
      .string()
      .default('unix:///run/falco/falco.sock')
      // The grammar of the --falco-grpc flag and of every ADDR (INTERFACES.md): a port 1–65535, a socket path
      // a sockaddr_un holds.
      .refine((a) => isTetragonAddress(a) && a !== 'unix:///', {
        error: (issue) => `${ADDRESS_EXPECTED}${socketPathHint(String(issue.input))}`,
      })
      .describe(
        'Falco ≤ 0.43 gRPC outputs API (grpc.bind_address). A unix socket needs no auth; host:port needs tls (Falco ' +
          'requires mutual TLS on TCP). Removed in Falco 0.44: use falcoHttp there.',
      ),
    tls: tlsSchema.optional().describe('Mutual TLS for a host:port address.'),
    pollIntervalMs: z
      .number()
      .int()
      .min(10)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(200)
      .describe(
        'How often an empty request is sent on the `sub` stream. Falco writes queued alerts only after each request, ' +
          'so this bounds the added latency.',
      ),
    initialBackoffMs: z
      .number()
      .int()
      .min(10)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(500)
      .describe('First reconnect delay; doubles per failure, with jitter.'),
    // Same reasoning as tetragon-grpc: a local agent, a cheap attempt, and a 5 s reconnect promise.
    maxBackoffMs: z
      .number()
      .int()
      .min(100)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(4_000)
      .describe('Longest reconnect delay (the default keeps reconnects within 5 s of Falco returning).'),
    connectTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(5_000)
      .describe('How long one connection attempt may take.'),
  })
  .strict()
  // Only a valid host:port needs tls: a mistyped socket path (`/run/falco/falco.sock`) is the address's problem alone.
  .refine((c) => isUnixAddress(c.address) || !isTetragonAddress(c.address) || c.tls !== undefined, {
    message: 'a host:port address needs tls (caFile, certFile, keyFile): Falco requires mutual TLS on TCP',
    path: ['tls'],
  })
  .refine(...firstDelayNotAboveLongest('initialBackoffMs', 'maxBackoffMs'));
