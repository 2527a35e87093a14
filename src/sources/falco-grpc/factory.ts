/** The runtime half of `falco-grpc`: no schema here, so the daemon's module graph never loads zod. */
import type { EventSource, SourceDeps, SourceFactory } from '../types.js';
import { runFalcoGrpc } from './client.js';
import type { FalcoGrpcConfig } from './config.js';

export function createFalcoGrpcSource(config: FalcoGrpcConfig, deps: SourceDeps): EventSource {
  return {
    id: `falco-grpc ${config.address}`,
    type: 'falco-grpc',
    // The Falco normalizer, shared with falco-http.
    warmUpStream: 'falco',
    run: (out, signal) => runFalcoGrpc(config, deps, out, signal),
  };
}

export const falcoGrpcFactory: SourceFactory<FalcoGrpcConfig> = {
  type: 'falco-grpc',
  configKey: 'falcoGrpc',
  create: createFalcoGrpcSource,
};
