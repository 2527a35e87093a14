import { z } from 'zod';
import { firstDelayNotAboveLongest, MAX_WAIT_MESSAGE, MAX_WAIT_MS } from '../../config/max-wait.js';
import { ADDRESS_EXPECTED, isTetragonAddress, socketPathHint } from './address.js';

export const DEFAULT_TETRAGON_ADDRESS = 'unix:///var/run/tetragon/tetragon.sock';

export const tetragonGrpcConfigSchema = z
  .object({
    address: z
      .string()
      .default(DEFAULT_TETRAGON_ADDRESS)
      .refine(isTetragonAddress, { error: (issue) => `${ADDRESS_EXPECTED}${socketPathHint(String(issue.input))}` })
      .describe(
        'Tetragon agent gRPC address: `unix:///absolute/path` (packaged default since v1.3/Helm v1.7) or `host:port` (agent default `localhost:54321`).',
      ),
    policyNames: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Only kprobe/tracepoint/LSM events from these TracingPolicy names (sent as `policy_names` in the allow_list); empty = all policies. Exec/exit events and throttle reports (`process_throttle`, a gap) are always requested.',
      ),
    reconnectMinMs: z
      .number()
      .int()
      .min(1)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(500)
      .describe('First reconnect delay; doubles per failed attempt (full jitter) up to reconnectMaxMs.'),
    // The agent is on the same node and a failed attempt is one cheap local probe, so the ceiling is set by
    // the promise that we are back within 5 s of the agent returning (docs/guarantees.md), not by load.
    reconnectMaxMs: z
      .number()
      .int()
      .min(1)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(4_000)
      .describe(
        'Longest delay between reconnect attempts (the default keeps reconnects within 5 s of the agent returning).',
      ),
    connectTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(5_000)
      .describe('How long one connection attempt may take before it counts as failed.'),
    maxReceiveMessageBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(10 * 1024 * 1024)
      .describe('Largest gRPC message accepted (like `tetra --max-recv-size`, 10 MiB).'),
    worker: z
      .boolean()
      .optional()
      .describe(
        'Run the gRPC client in a worker thread that hands raw messages over in batches, so the transport and exfilwatch’s own decoding and correlation use separate cores. Default (unset): true. false: everything on the main thread.',
      ),
  })
  .strict()
  .refine(...firstDelayNotAboveLongest('reconnectMinMs', 'reconnectMaxMs'));

export type TetragonGrpcConfig = z.infer<typeof tetragonGrpcConfigSchema>;
