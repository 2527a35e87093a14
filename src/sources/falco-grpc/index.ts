/** `falco-grpc`: the legacy Falco (≤ 0.43) gRPC outputs API, over a unix socket or TCP with mutual TLS. */
import type { EventSource, SourceDefinition, SourceDeps } from '../types.js';
import { runFalcoGrpc } from './client.js';
import { type FalcoGrpcConfig, falcoGrpcConfigSchema } from './config.js';

export { type FalcoGrpcConfig, falcoGrpcConfigSchema } from './config.js';
export { responseToAlert } from './convert.js';

export function createFalcoGrpcSource(config: FalcoGrpcConfig, deps: SourceDeps): EventSource {
  return {
    id: `falco-grpc ${config.address}`,
    type: 'falco-grpc',
    run: (out, signal) => runFalcoGrpc(config, deps, out, signal),
  };
}

export const falcoGrpcSource: SourceDefinition<FalcoGrpcConfig> = {
  type: 'falco-grpc',
  configKey: 'falcoGrpc',
  schema: falcoGrpcConfigSchema,
  create: createFalcoGrpcSource,
};
