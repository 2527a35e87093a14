/** The runtime half of `tetragon-grpc`: no schema here, so the daemon's module graph never loads zod. */
import type { SourceFactory } from '../types.js';
import type { TetragonGrpcConfig } from './schema.js';
import { createTetragonGrpcSource } from './source.js';

export const tetragonGrpcFactory: SourceFactory<TetragonGrpcConfig> = {
  type: 'tetragon-grpc',
  configKey: 'tetragonGrpc',
  create: createTetragonGrpcSource,
};
