/** `falco-http`: receives Falco `http_output` POSTs (and falcosidekick-style forwards) on a node-local port. */
import { fileProblems } from '../../io/file-problems.js';
import { socketEndpointId } from '../endpoint-id.js';
import type { SourceDefinition } from '../types.js';
import { type FalcoHttpConfig, falcoHttpConfigSchema } from './config.js';
import { falcoHttpFactory } from './factory.js';

export { type FalcoHttpConfig, falcoHttpConfigSchema } from './config.js';
export { createFalcoHttpSource, type FalcoHttpSource, falcoHttpFactory } from './factory.js';

export const falcoHttpSource: SourceDefinition<FalcoHttpConfig> = {
  ...falcoHttpFactory,
  schema: falcoHttpConfigSchema,
  // Port 0: each receiver gets its own ephemeral port.
  endpoint: (c) => ({ keyPath: 'listen', id: /:0+$/.test(c.listen) ? null : socketEndpointId(c.listen) }),
  // The files the receiver reads when it starts (receiver.ts, guards.ts). `valueEnv` is not checked here:
  // check-config may run where the daemon's environment is not; the receiver names it at start-up.
  fileProblems: (c) =>
    fileProblems([
      ['tls.certFile', c.tls?.certFile, 'pem'],
      ['tls.keyFile', c.tls?.keyFile, 'pem'],
      ['tls.clientCaFile', c.tls?.clientCaFile, 'pem'],
      ['sharedSecret.valueFile', c.sharedSecret?.valueFile, 'secret'],
    ]),
};
