/**
 * Config of one `falco-grpc` source (`sources.falcoGrpc[]`; `--falco-grpc ADDR` sets `address`). Its schema is
 * in schema.ts, which only the config side loads: the daemon's module graph (client.ts) never loads zod.
 */
import type { z } from 'zod';
import type { falcoGrpcConfigSchema } from './schema.js';

export const isUnixAddress = (a: string) => a.startsWith('unix://');

export type FalcoGrpcConfig = z.infer<typeof falcoGrpcConfigSchema>;
