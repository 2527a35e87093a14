/** `falco-grpc`: the legacy Falco (≤ 0.43) gRPC outputs API, over a unix socket or TCP with mutual TLS. */
import { fileProblems } from '../../io/file-problems.js';
import { socketEndpointId } from '../endpoint-id.js';
import type { SourceDefinition } from '../types.js';
import { type FalcoGrpcConfig, isUnixAddress } from './config.js';
import { falcoGrpcFactory } from './factory.js';
import { falcoGrpcConfigSchema } from './schema.js';

export type { FalcoGrpcConfig } from './config.js';
export { responseToAlert } from './convert.js';
export { createFalcoGrpcSource, falcoGrpcFactory } from './factory.js';
export { falcoGrpcConfigSchema } from './schema.js';

export const falcoGrpcSource: SourceDefinition<FalcoGrpcConfig> = {
  ...falcoGrpcFactory,
  schema: falcoGrpcConfigSchema,
  endpoint: (c) => ({ keyPath: 'address', id: socketEndpointId(c.address) }),
  // The client reads the TLS files only for a host:port address (client.ts: a unix socket is insecure).
  fileProblems: (c) => {
    const tls = isUnixAddress(c.address) ? undefined : c.tls;
    return fileProblems([
      ['tls.caFile', tls?.caFile, 'pem'],
      ['tls.certFile', tls?.certFile, 'pem'],
      ['tls.keyFile', tls?.keyFile, 'pem'],
    ]);
  },
};
