/** `falco-grpc`: the legacy Falco (≤ 0.43) gRPC outputs API, over a unix socket or TCP with mutual TLS. */
import type { SourceDefinition } from '../types.js';
import type { FalcoGrpcConfig } from './config.js';
import { falcoGrpcFactory } from './factory.js';
import { falcoGrpcConfigSchema } from './schema.js';

export type { FalcoGrpcConfig } from './config.js';
export { responseToAlert } from './convert.js';
export { createFalcoGrpcSource, falcoGrpcFactory } from './factory.js';
export { falcoGrpcConfigSchema } from './schema.js';

export const falcoGrpcSource: SourceDefinition<FalcoGrpcConfig> = {
  ...falcoGrpcFactory,
  schema: falcoGrpcConfigSchema,
};
