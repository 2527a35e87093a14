/**
 * Every source type with its config schema, for the config side only (src/config/schema.ts: validation and
 * CONFIGURATION.md). Same types, in the same order, as the daemon's registry in index.ts.
 */
import { falcoGrpcSource } from './falco-grpc/index.js';
import { falcoHttpSource } from './falco-http/index.js';
import { tetragonFileSource } from './tetragon-file/index.js';
import { tetragonGrpcSource } from './tetragon-grpc/index.js';
import type { SourceDefinition } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: each entry carries its own config type.
export const sourceSchemaDefinitions: ReadonlyArray<SourceDefinition<any>> = [
  tetragonGrpcSource,
  tetragonFileSource,
  falcoHttpSource,
  falcoGrpcSource,
];
