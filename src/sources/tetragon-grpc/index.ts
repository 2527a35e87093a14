/** `tetragon-grpc`: the Tetragon agent's GetEvents stream (unix socket or host:port). */
import { socketEndpointId } from '../endpoint-id.js';
import type { SourceDefinition } from '../types.js';
import { tetragonGrpcFactory } from './factory.js';
import { type TetragonGrpcConfig, tetragonGrpcConfigSchema } from './schema.js';

export { parseTetragonAddress, type TetragonAddress } from './address.js';
export { buildGetEventsRequest } from './request.js';
export { DEFAULT_TETRAGON_ADDRESS, type TetragonGrpcConfig, tetragonGrpcConfigSchema } from './schema.js';
export { createTetragonGrpcSource, GET_EVENTS_PATH } from './source.js';

export const tetragonGrpcSource: SourceDefinition<TetragonGrpcConfig> = {
  ...tetragonGrpcFactory,
  schema: tetragonGrpcConfigSchema,
  endpoint: (c) => ({ keyPath: 'address', id: socketEndpointId(c.address) }),
};
